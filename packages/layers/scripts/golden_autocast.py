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

# Output dtypes under autocast, from this PyTorch's CPU autocast (bfloat16, recorded as 'lower'), for the ops
# whose CPU list agrees with CUDA's float16 list (lower precision: matmul, bmm, linear, conv; float32: the losses;
# promotion: add; unlisted: relu). CUDA's float32 list also holds softmax, log_softmax, sum, layer_norm, ... which
# CPU autocast leaves alone: those are checked against the CUDA list in the tests.
def dtypes():
    a, b = torch.randn(3, 4), torch.randn(4, 5)
    img, k = torch.randn(1, 2, 5, 5), torch.randn(3, 2, 3, 3)
    sig, k1 = torch.randn(1, 2, 7), torch.randn(3, 2, 3)
    t = torch.tensor([0, 2, 1])
    name = lambda d: {torch.bfloat16: 'lower', torch.float32: 'float32'}[d]
    out = {}
    with torch.autocast('cpu', dtype=torch.bfloat16):
        low = a @ a.T  # a lower-precision activation
        ops = {
            'matmul': lambda: a @ b, 'bmm': lambda: torch.bmm(a[None], b[None]), 'linear': lambda: F.linear(a, b.T, torch.zeros(5)),
            'conv2d': lambda: F.conv2d(img, k), 'conv1d': lambda: F.conv1d(sig, k1),
            'mse_loss(lower)': lambda: F.mse_loss(low, low.float()), 'cross_entropy(lower)': lambda: F.cross_entropy(low, t),
            'nll_loss(lower)': lambda: F.nll_loss(low, t), 'bce_with_logits(lower)': lambda: F.binary_cross_entropy_with_logits(low, torch.zeros(3, 3)),
            'add(lower, float32)': lambda: low + torch.ones(3, 3), 'relu(lower)': lambda: F.relu(low),
        }
        for n, f in ops.items():
            out[n] = name(f().dtype)
    return out

flat = lambda t: t.detach().flatten().tolist()
out = {
    'x': flat(x), 'target': target.tolist(),
    'params': {'0.weight': flat(w1), '0.bias': flat(b1), '2.weight': flat(w2), '2.bias': flat(b2)},
    'logits': flat(logits.float()), 'hidden': flat(h.float()), 'loss': loss.item(),
    'grads': {'0.weight': flat(w1.grad), '0.bias': flat(b1.grad), '2.weight': flat(w2.grad), '2.bias': flat(b2.grad)},
    'dtypes': dtypes(),
    'torch': torch.__version__,
}
path = os.path.join(os.path.dirname(__file__), '..', 'src', 'golden', 'autocast.json')
with open(path, 'w') as f:
    json.dump(out, f)
    f.write('\n')
print('wrote', path, 'loss', loss.item())
