"""Golden values for autocast (src/golden/autocast.json): one training step of a small MLP in mixed precision.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/layers/scripts/golden_autocast.py

This PyTorch (CPU, 1.13) autocasts to bfloat16 only, and has no CPU float16 matmul, so the float16 autocast of
CUDA is written out: `linear` on the lower-precision list takes x, W and b rounded to float16, multiplies in
float32 and rounds the result to float16 (cuBLAS accumulates in float32); ReLU runs in float16 (exact);
cross_entropy is on the float32 list. Parameters stay float32 and receive float32 gradients through the casts.
"""
import json, os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.randn(5, 6)
target = torch.tensor([0, 2, 1, 2, 0])
w1 = (torch.randn(8, 6) * 0.5).requires_grad_()
b1 = (torch.randn(8) * 0.1).requires_grad_()
w2 = (torch.randn(3, 8) * 0.5).requires_grad_()
b2 = (torch.randn(3) * 0.1).requires_grad_()

def lin16(x, w, b):
    # F.linear under CUDA autocast: float16 operands, float32 accumulation, one rounding of the output.
    return F.linear(x.half().float(), w.half().float(), b.half().float()).half()

h = lin16(x, w1, b1)
h = F.relu(h.float()).half()  # relu of halves is exact; this PyTorch has no CPU half relu
logits = lin16(h, w2, b2)
loss = F.cross_entropy(logits.float(), target)
loss.backward()

flat = lambda t: t.detach().flatten().tolist()
out = {
    'x': flat(x), 'target': target.tolist(),
    'params': {'0.weight': flat(w1), '0.bias': flat(b1), '2.weight': flat(w2), '2.bias': flat(b2)},
    'logits': flat(logits.float()), 'hidden': flat(h.float()), 'loss': loss.item(),
    'grads': {'0.weight': flat(w1.grad), '0.bias': flat(b1.grad), '2.weight': flat(w2.grad), '2.bias': flat(b2.grad)},
    'torch': torch.__version__,
}
path = os.path.join(os.path.dirname(__file__), '..', 'src', 'golden', 'autocast.json')
with open(path, 'w') as f:
    json.dump(out, f)
    f.write('\n')
print('wrote', path, 'loss', loss.item())
