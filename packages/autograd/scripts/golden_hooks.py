#!/usr/bin/python3
"""Golden values from PyTorch for tensor hooks (Tensor.register_hook), replayed by src/hooks.test.ts.

Each case records the gradients reaching the leaves and, per hook, the gradient it was called with.
Run with Debian's PyTorch (1.13): /usr/bin/python3 packages/autograd/scripts/golden_hooks.py
Writes packages/autograd/src/golden/hooks.json.
"""
import json
import os

import torch

gen = torch.Generator().manual_seed(7)


def randn(*shape):
    return torch.randn(*shape, generator=gen)


def f32(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def leaf(*shape):
    return randn(*shape).requires_grad_()


cases = {}

# A hook on a non-leaf doubles its gradient: everything upstream sees the doubled one.
x = leaf(4)
w = randn(4)
y = x.exp()
seen = []
y.register_hook(lambda g: (seen.append(f32(g)), g * 2)[1])
(y * w).sum().backward()
cases["nonleaf_scale"] = {"x": f32(x), "w": f32(w), "seen": seen, "dx": f32(x.grad)}

# A hook on a leaf replaces what is accumulated into .grad, on every backward.
x = leaf(3)
seen = []
x.register_hook(lambda g: (seen.append(f32(g)), g * g)[1])
grads = []
for k in (1.0, 2.0):
    (x.sin() * k).sum().backward()
    grads.append(f32(x.grad))
cases["leaf_replace_accumulate"] = {"x": f32(x), "seen": seen, "grads": grads}

# a = x² used three times: its hooks run once, on the summed gradient, in registration order, chained.
def fanout(remove_first):
    x = torch.tensor([0.3, -1.2, 2.0], requires_grad=True)
    a = x * x
    seen1, seen2 = [], []
    h1 = a.register_hook(lambda g: (seen1.append(f32(g)), g * 0.5)[1])
    a.register_hook(lambda g: (seen2.append(f32(g)), g + 1)[1])
    if remove_first:
        h1.remove()
    ((a + a.sin()) * a).sum().backward()
    return {"x": f32(x), "seen1": seen1, "seen2": seen2, "dx": f32(x.grad)}


cases["fanout_chain"] = fanout(False)
cases["fanout_removed"] = fanout(True)

# A hook on the loss itself gets the seed (ones) and scales every gradient.
x = leaf(2, 3)
loss = (x * x).mean()
seen = []
loss.register_hook(lambda g: (seen.append(f32(g)), g * 3)[1])
loss.backward()
cases["root"] = {"x": f32(x), "shape": list(x.shape), "seen": seen, "dx": f32(x.grad)}

# An observing hook (returns None) changes nothing.
x = leaf(3)
h = x * 2
seen = []
h.register_hook(lambda g: seen.append(f32(g)))
(h.tanh()).sum().backward()
cases["observe"] = {"x": f32(x), "seen": seen, "dx": f32(x.grad)}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "golden", "hooks.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
