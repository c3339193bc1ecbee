#!/usr/bin/python3
"""Golden values from PyTorch's torch.autograd.functional (jvp, vjp, hvp, hessian) for @nn/autograd.

Each case is a function of seeded inputs with seeded tangents (one per primal) and cotangents (one per output);
scalar functions of one input also get a vector v for hvp and their full Hessian. The TypeScript test
(src/functional-golden.test.ts) defines the same function under the same name and replays each case.

Run with Debian's PyTorch (1.13): /usr/bin/python3 packages/autograd/scripts/golden_functional.py
Writes packages/autograd/src/golden/functional.json (float32 values with 9 significant digits: exact).
"""
import torch
from torch.autograd.functional import hessian, hvp, jvp, vjp

from golden_io import write_golden

gen = torch.Generator().manual_seed(2026)


def randn(*shape):
    return torch.randn(shape, generator=gen)


def to_json(t):
    def fmt(v):
        return [fmt(u) for u in v] if isinstance(v, list) else float('%.9g' % v)

    return fmt(t.detach().to(torch.float32).tolist())


# The tiny MLP: w packs W1 [3, 2], b1 [3], W2 [1, 3], b2 [1] (13 numbers); X [5, 2] and Y [5, 1] are fixed.
MLP_X = randn(5, 2)
MLP_Y = randn(5, 1)


def mlp_loss(w):
    w1, b1, w2, b2 = w[0:6].reshape(3, 2), w[6:9], w[9:12].reshape(1, 3), w[12:13]
    h = torch.tanh(MLP_X @ w1.T + b1)
    return ((h @ w2.T + b2 - MLP_Y) ** 2).mean()


# name -> (function, primals, scalar function of one input: also hvp and hessian)
CASES = {
    'poly': (lambda x: x ** 3 - 2 * x ** 2 + 3 * x, [randn(4)], False),
    'poly_scalar': (lambda x: (x ** 3).sum() + x.sum() ** 2, [randn(3)], True),
    'tanh_exp_log': (lambda x: (torch.tanh(x) * torch.exp(0.5 * x)).sum() + torch.log(x * x + 1).sum(), [randn(2, 3)], True),
    'mlp_loss': (mlp_loss, [randn(13) * 0.5], True),
    'two_in_two_out': (lambda a, b: ((a @ b).tanh(), (a * a).sum() * b.exp()), [randn(2, 2), randn(2)], False),
    'sigmoid_product': (lambda a, b: (torch.sigmoid(a) * b.sin()).sum(), [randn(3), randn(3)], False),
}


def run(name, fn, primals, scalar):
    tangents = [randn(*p.shape) for p in primals]
    out, jv = jvp(fn, tuple(primals), tuple(tangents))
    outs = list(out) if isinstance(out, tuple) else [out]
    cotangents = [randn(*o.shape) for o in outs]
    _, vj = vjp(fn, tuple(primals), tuple(cotangents) if isinstance(out, tuple) else cotangents[0])
    case = {
        'name': name,
        'primals': [to_json(p) for p in primals],
        'tangents': [to_json(t) for t in tangents],
        'cotangents': [to_json(c) for c in cotangents],
        'outputs': [to_json(o) for o in outs],
        'jvp': [to_json(j) for j in (jv if isinstance(jv, tuple) else [jv])],
        'vjp': [to_json(g) for g in (vj if isinstance(vj, tuple) else [vj])],
    }
    if scalar:
        x = primals[0]
        v = randn(*x.shape)
        _, hv = hvp(fn, x, v)
        h = hessian(fn, x)
        assert list(h.shape) == list(x.shape) * 2
        case.update({'v': to_json(v), 'hvp': to_json(hv), 'hessian': to_json(h)})
    return case


def main():
    doc = {
        'generator': 'packages/autograd/scripts/golden_functional.py',
        'torch': torch.__version__,
        'mlp': {'x': to_json(MLP_X), 'y': to_json(MLP_Y)},
        'cases': [run(name, *c) for name, c in CASES.items()],
    }
    write_golden('functional.json', doc)


if __name__ == '__main__':
    main()
