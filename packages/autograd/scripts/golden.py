#!/usr/bin/python3
"""Golden gradients from PyTorch for @nn/autograd's tests.

Each case evaluates a function of small seeded inputs, forms loss = sum(output * w) for fixed random weights w
(loss = output for a 0-d output) and records the output and d loss / d input for every float input. The
TypeScript test (src/golden.test.ts) defines the same function under the same name and replays each case.

Run with Debian's PyTorch (1.13): /usr/bin/python3 packages/autograd/scripts/golden.py
Writes packages/autograd/src/golden/grads.json. Float32 values are written with 9 significant digits, which
round-trips float32 exactly.
"""
import json
import os

import torch

from golden_io import CASES, bools, case, ints, write_golden
import torch.nn.functional as F

torch.manual_seed(0)
gen = torch.Generator().manual_seed(1234)


def randn(*shape):
    return torch.randn(*shape, generator=gen)


def uniform(lo, hi, *shape):
    return torch.rand(*shape, generator=gen) * (hi - lo) + lo


def away_from_zero(*shape, lo=0.3):
    """Random values with |x| >= lo (kinks and poles of abs, relu, 1/x stay out of reach)."""
    x = randn(*shape)
    return torch.where(x.abs() < lo, torch.sign(x + 1e-9) * (lo + x.abs()), x)



# The worked example and fan-out.
case('seed_example', lambda x: (x * x + torch.sin(x * x)) * (x * x), torch.tensor(2.0))
case('fan_out', lambda x, y: (lambda a: a * a + torch.sin(a) + a)(x * y), randn(3), randn(3))

# Unary kernels.
x23 = randn(2, 3)
case('neg', torch.neg, x23)
case('abs', torch.abs, away_from_zero(2, 3))
case('sign', torch.sign, away_from_zero(2, 3))
case('exp', torch.exp, x23)
case('log', torch.log, uniform(0.2, 3, 2, 3))
case('sqrt', torch.sqrt, uniform(0.2, 3, 2, 3))
case('rsqrt', torch.rsqrt, uniform(0.2, 3, 2, 3))
case('sin', torch.sin, x23)
case('cos', torch.cos, x23)
case('tanh', torch.tanh, x23)
case('sigmoid', torch.sigmoid, x23)
case('relu', torch.relu, away_from_zero(2, 3, lo=0.05))
case('erf', torch.erf, x23)
case('square', torch.square, x23)
case('reciprocal', torch.reciprocal, away_from_zero(2, 3))
case('leaky_relu', F.leaky_relu, away_from_zero(2, 3, lo=0.05))
case('leaky_relu_0.2', lambda x: F.leaky_relu(x, 0.2), away_from_zero(2, 3, lo=0.05))
case('gelu', F.gelu, randn(2, 3) * 2)
case('gelu_tanh', lambda x: F.gelu(x, approximate='tanh'), randn(2, 3) * 2)

# Binary kernels, broadcasting [2,1,3] with [4,3].
case('add_bcast', torch.add, randn(2, 1, 3), randn(4, 3))
case('sub_bcast', torch.sub, randn(2, 1, 3), randn(4, 3))
case('mul_bcast', torch.mul, randn(2, 1, 3), randn(4, 3))
case('div_bcast', torch.div, randn(2, 1, 3), away_from_zero(4, 3, lo=0.5))
case('pow_bcast', torch.pow, uniform(0.5, 2, 2, 1, 3), uniform(-2, 2, 4, 3))
case('maximum_bcast', torch.maximum, randn(2, 1, 3), randn(4, 3))
case('minimum_bcast', torch.minimum, randn(2, 1, 3), randn(4, 3))
# Ties split the gradient evenly.
tie_a = torch.tensor([[1.0, 2.0, -0.5], [3.0, 0.25, 0.25]])
tie_b = torch.tensor([[1.0, 1.5, -0.5], [3.5, 0.25, -1.0]])
case('maximum_ties', torch.maximum, tie_a, tie_b)
case('minimum_ties', torch.minimum, tie_a, tie_b)
# Plain-number operands, and the masked exponent gradient at a zero base.
case('mul_scalar', lambda x: x * 2.5, x23)
case('rsub_scalar', lambda x: 2 - x, x23)
case('rdiv_scalar', lambda x: 1.5 / x, away_from_zero(2, 3))
case('pow_scalar', lambda x: x ** 3, x23)
case('pow_zero_base', torch.pow, torch.tensor([0.0, 0.0, 1.5, 2.0]), torch.tensor([2.0, 3.0, 0.5, -1.5]))
case('where_bcast', torch.where, bools([[True, False, True]]), randn(2, 1, 3), randn(4, 1))

# Reductions.
x234 = randn(2, 3, 4)
case('sum_all', torch.sum, x234)
case('sum_dim', lambda x: x.sum(1), x234)
case('sum_dims_keepdim', lambda x: x.sum((0, 2), keepdim=True), x234)
case('mean_all', torch.mean, x234)
case('mean_dim_keepdim', lambda x: x.mean(-1, keepdim=True), x234)
ties = torch.tensor([[1.0, 3.0, 3.0, -1.0], [2.0, 2.0, 2.0, 0.5], [-4.0, 0.0, -4.0, -4.0]])
case('amax_dim_ties', lambda x: x.amax(1), ties)
case('amin_all_ties', lambda x: x.amin(), ties)
case('amax_dims_keepdim', lambda x: x.amax((0, 2), keepdim=True), x234)
case('amin_dim0', lambda x: x.amin(0), x234)

# Composites built from the kernels.
case('softmax', lambda x: torch.softmax(x, 1), x234)
case('log_softmax', lambda x: torch.log_softmax(x, -1), x234)
case('logsumexp', lambda x: torch.logsumexp(x, 1), x234)
case('logsumexp_keepdim', lambda x: torch.logsumexp(x, (0, 2), keepdim=True), x234)
case('var_dim', lambda x: torch.var(x, 1), x234)
case('var_all_biased', lambda x: torch.var(x, unbiased=False), x234)
case('std_dim_keepdim', lambda x: torch.std(x, -1, keepdim=True), x234)
case('clamp', lambda x: torch.clamp(x, -0.5, 0.8), torch.tensor([[-1.2, -0.3, 0.1], [0.7, 0.95, 2.0]]))
case('clamp_min', lambda x: torch.clamp(x, min=0.2), torch.tensor([[-1.2, -0.3, 0.1], [0.7, 0.95, 2.0]]))
case('layer_norm_manual', lambda x: (x - x.mean(-1, keepdim=True)) / torch.sqrt(x.var(-1, unbiased=False, keepdim=True) + 1e-5), x234)

# Matrix products.
case('matmul_2d', torch.matmul, randn(3, 4), randn(4, 5))
case('matmul_batched_bcast', torch.matmul, randn(2, 1, 3, 4), randn(5, 4, 2))
case('matmul_vec_mat', torch.matmul, randn(4), randn(3, 4, 2))
case('matmul_mat_vec', torch.matmul, randn(2, 3, 4), randn(4))
case('matmul_dot', torch.matmul, randn(4), randn(4))

# Movement.
case('reshape', lambda x: x.reshape(4, 6), x234)
case('transpose', lambda x: x.transpose(0, 2), x234)
case('permute', lambda x: x.permute(1, 2, 0), x234)
case('flatten', lambda x: x.flatten(1), x234)
case('expand', lambda x: x.expand(2, 3, 4), randn(3, 1))
case('squeeze', lambda x: x.squeeze(1), randn(3, 1, 2))
case('unsqueeze', lambda x: x.unsqueeze(0), randn(3, 2))
case('cat', lambda a, b, c: torch.cat([a, b, c], 1), randn(2, 1, 3), randn(2, 2, 3), randn(2, 3, 3))
case('stack', lambda a, b: torch.stack([a, b], 1), randn(2, 3), randn(2, 3))
case('slice', lambda x: x[:, 1:3], x234)
case('narrow', lambda x: x.narrow(2, 1, 2), x234)
case('pad', lambda x: F.pad(x, (1, 2, 0, 1)), randn(2, 3))
case('cast_float', lambda x: x.float(), x23)
case('clone', torch.clone, x23)

# Indexing.
case('gather', lambda x, i: torch.gather(x, 1, i), randn(3, 4), ints([[0, 0, 3], [1, 2, 1], [3, 3, 3]]))
case('index_select', lambda x, i: torch.index_select(x, 0, i), randn(3, 4), ints([2, 0, 2, 1]))
case('scatter_add', lambda x, i, s: torch.scatter_add(x, 1, i, s), randn(3, 4), ints([[0, 0, 3], [1, 2, 1], [3, 3, 3]]), randn(3, 3))

# A small classifier: linear → relu → linear → cross-entropy (log-softmax, gather, mean).
case(
    'mlp_cross_entropy',
    lambda x, w1, b1, w2, b2, y: -(
        torch.log_softmax(torch.relu(x @ w1.t() + b1) @ w2.t() + b2, -1).gather(1, y.unsqueeze(1)).mean()
    ),
    randn(4, 3), randn(5, 3) * 0.5, randn(5) * 0.1, randn(2, 5) * 0.5, randn(2) * 0.1, ints([0, 1, 1, 0]),
)


def to_json(t):
    """Nested lists of float32 values rounded to 9 significant digits (exact for float32)."""
    if t.dtype == torch.bool:
        return t.tolist()
    if t.dtype in (torch.int64, torch.int32):
        return t.tolist()
    values = t.detach().to(torch.float32).tolist()

    def fmt(v):
        return [fmt(u) for u in v] if isinstance(v, list) else float('%.9g' % v)

    return fmt(values)


def dtype_name(t):
    return {torch.float32: 'float32', torch.int64: 'int32', torch.int32: 'int32', torch.bool: 'bool'}[t.dtype]


def run(name, fn, inputs):
    xs = [x.clone().requires_grad_(x.dtype == torch.float32) for x in inputs]
    out = fn(*xs)
    w = None if out.dim() == 0 else randn(*out.shape)
    loss = out if w is None else (out * w).sum()
    diff = [x for x in xs if x.requires_grad]
    grads = iter(torch.autograd.grad(loss, diff, allow_unused=True))
    result = []
    for x in xs:
        if not x.requires_grad:
            result.append(None)
            continue
        g = next(grads)
        result.append(to_json(torch.zeros_like(x) if g is None else g))
    return {
        'name': name,
        'inputs': [{'dtype': dtype_name(x), 'data': to_json(x)} for x in inputs],
        'weights': None if w is None else to_json(w),
        'output': to_json(out),
        'grads': result,
    }


def main():
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), 'duplicate case names'
    doc = {
        'generator': 'packages/autograd/scripts/golden.py',
        'torch': torch.__version__,
        'loss': 'sum(output * weights), or output when weights is null',
        'cases': [run(*c) for c in CASES],
    }
    write_golden('grads.json', doc)

if __name__ == '__main__':
    main()
