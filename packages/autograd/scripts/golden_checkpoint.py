#!/usr/bin/python3
"""Golden gradients from PyTorch for activation checkpointing, replayed by src/checkpoint.test.ts.

A tiny fixed model (Linear 3→4, LayerNorm(4), Tanh, Linear 4→4, ReLU, Linear 4→2) is run three ways: plainly,
through torch.utils.checkpoint.checkpoint (non-reentrant) around its first three modules, and through
checkpoint_sequential with 2 segments. The script asserts that PyTorch's checkpointed gradients equal the plain
ones bit for bit, then writes the model, the input and the gradients.
Run with Debian's PyTorch (1.13): /usr/bin/python3 packages/autograd/scripts/golden_checkpoint.py
Writes packages/autograd/src/golden/checkpoint.json.
"""
import json
import os

import torch
from torch.utils.checkpoint import checkpoint, checkpoint_sequential

torch.manual_seed(0)


def f32(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


model = torch.nn.Sequential(
    torch.nn.Linear(3, 4), torch.nn.LayerNorm(4), torch.nn.Tanh(), torch.nn.Linear(4, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)
)
with torch.no_grad():
    model[1].weight.copy_(torch.randn(4))
    model[1].bias.copy_(torch.randn(4))
x = torch.randn(5, 3, requires_grad=True)


def grads(run):
    model.zero_grad(set_to_none=True)
    x.grad = None
    loss = (run(x) ** 2).mean()
    loss.backward()
    return float(loss), [x.grad.clone()] + [p.grad.clone() for p in model.parameters()]


plain_loss, plain = grads(model)
seg = lambda h: model[2](model[1](model[0](h)))  # noqa: E731
tail = lambda h: model[5](model[4](model[3](h)))  # noqa: E731
for name, run in {
    "checkpoint": lambda h: tail(checkpoint(seg, h, use_reentrant=False)),
    "checkpoint_sequential": lambda h: checkpoint_sequential(model, 2, h),
}.items():
    loss, g = grads(run)
    assert loss == plain_loss, name
    for a, b in zip(plain, g):
        assert torch.equal(a, b), name

names = ["x"] + [n for n, _ in model.named_parameters()]
out = {
    "x": {"shape": list(x.shape), "data": f32(x)},
    "state": {n: {"shape": list(p.shape), "data": f32(p)} for n, p in model.named_parameters()},
    "loss": plain_loss,
    "grads": {n: f32(g) for n, g in zip(names, plain)},
}
path = os.path.join(os.path.dirname(__file__), "..", "src", "golden", "checkpoint.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {os.path.normpath(path)}: checkpoint and checkpoint_sequential grads equal the plain ones in PyTorch")
