#!/usr/bin/python3
"""Golden values from PyTorch for the Tensor API of @nn/tensor: indexing (x[...] with every kind of index),
index_put, sort/argsort/topk (ties, NaN) and the in-place ops, with gradients.

Each case evaluates a function of small seeded inputs; for a float output it forms loss = sum(output * w) for
fixed random weights w and records d loss / d input for every float input. src/tensor-api-golden.test.ts defines
the same function under the same name in our API and replays each case. Non-finite numbers are written as the
strings "nan", "inf", "-inf".

Run with Debian's PyTorch (1.13): /usr/bin/python3 packages/autograd/scripts/golden_tensor_api.py
Writes packages/autograd/src/golden/tensor-api.json.
"""
import json
import math
import os

import torch

from golden_io import CASES, bools, case, ints, write_golden

gen = torch.Generator().manual_seed(2024)


def randn(*shape):
    return torch.randn(*shape, generator=gen)



x345 = randn(3, 4, 5)
x3456 = randn(3, 4, 5, 6)

# Basic indexing: numbers (negative too), slices (clamped, negative, stepped), ellipsis.
case('index_number_slice', lambda x: x[1, :, 0:3:2], x345)
case('index_negative_clamped', lambda x: x[-1, -3:, 2:100], x345)
case('index_empty_slice', lambda x: x[:, 3:1], x345)
case('index_steps', lambda x: x[::2, 1::3, -4::2], x345)
case('index_ellipsis_last', lambda x: x[..., 1], x345)
case('index_ellipsis_middle', lambda x: x[0, ..., 1:], x3456)
# Integer-array indexing: repeats (gradients accumulate), negatives, broadcasting, placement of the new dims.
case('index_int_dup', lambda x, i: x[i], x345, ints([2, 0, 2, -1]))
case('index_int_dim1', lambda x, i: x[:, i], x345, ints([[3, -4], [1, 1]]))
case('index_broadcast_pair', lambda x, i, j: x[i, j], x345, ints([[0], [2]]), ints([1, 3, 0]))
case('index_adjacent_middle', lambda x, i, j: x[:, i, j], x345, ints([0, 3, 3]), ints([4, 0, -1]))
case('index_separated_front', lambda x, i, j: x[i, :, j], x345, ints([0, 2]), ints([1, 4]))
case('index_number_not_separating', lambda x, i: x[1:, i, 2, ::2], x3456, ints([3, 0]))
case('index_all_kinds', lambda x, i, m: x[-2:, i, m, 1], x3456, ints([[1, 0, 3]]), bools([True, False, True, True, False]))
# Masks: over leading dims, over one middle dim, combined with an int index.
case('index_mask_2d', lambda x, m: x[m], x345, bools([[True, False, True, False], [False, False, False, True], [True, True, False, False]]))
case('index_mask_dim1', lambda x, m: x[:, m], x345, bools([False, True, True, False]))
case('index_mask_and_int', lambda x, m, j: x[:, m, j], x345, bools([True, False, False, True]), ints([4, 0]))
# index_put (out of place), with and without accumulate.
case('index_put', lambda x, i, v: torch.index_put(x, (i,), v), randn(5, 3), ints([4, 0, -2]), randn(3, 3))
case('index_put_broadcast_value', lambda x, i, j, v: torch.index_put(x, (i, j), v), randn(4, 5), ints([0, 3]), ints([[1], [4]]), randn(1))
case('index_put_accumulate_dup', lambda x, i, v: torch.index_put(x, (i,), v, accumulate=True), randn(4, 2), ints([1, 3, 1, 1]), randn(4, 2))
case('index_put_mask', lambda x, m, v: torch.index_put(x, (m,), v), randn(2, 3),
     bools([[True, False, True], [False, True, False]]), randn(3))

# Sorting: ties keep their order (stable), NaN sorts as the largest.
ties = torch.tensor([[3.0, 1.0, float('nan'), 1.0, -2.0, 3.0], [0.5, 0.5, 0.5, -1.0, float('nan'), float('nan')],
                     [2.0, -0.0, 0.0, 7.0, 2.0, -3.0]])
case('sort_values', lambda x: torch.sort(x, dim=1, stable=True)[0], ties)
case('sort_indices', lambda x: torch.sort(x, dim=1, stable=True)[1], ties)
case('sort_desc_values', lambda x: torch.sort(x, dim=-1, descending=True, stable=True)[0], ties)
case('sort_desc_indices', lambda x: torch.sort(x, dim=-1, descending=True, stable=True)[1], ties)
case('sort_dim0_values', lambda x: torch.sort(x, dim=0, stable=True)[0], x345)
case('sort_dim0_indices', lambda x: torch.sort(x, dim=0, stable=True)[1], x345)
case('argsort_desc', lambda x: torch.argsort(x, dim=1, descending=True), randn(3, 7))
case('sort_int', lambda x: torch.sort(x, stable=True)[0], ints([[5, -1, 5, 0, -7]]))
case('topk_values', lambda x: torch.topk(x, 3, dim=1)[0], ties)
case('topk_indices', lambda x: torch.topk(x, 3, dim=1)[1], ties)
case('topk_smallest_values', lambda x: torch.topk(x, 2, dim=-1, largest=False)[0], ties)
case('topk_smallest_indices', lambda x: torch.topk(x, 2, dim=-1, largest=False)[1], ties)
case('topk_dim0', lambda x: torch.topk(x, 2, dim=0)[0], x345)


# In-place ops on non-leaf tensors (recorded in the graph).
def inplace_chain(a, b):
    x = a * 2
    z = x.exp()
    x.add_(b, alpha=0.5).mul_(b).sub_(1).div_(b.abs() + 1)
    x.clamp_(-1.5, 2.0)
    return x + z


case('inplace_chain', inplace_chain, randn(2, 3), randn(3))


def inplace_fill_copy(a, s):
    x = a * 1
    y = a * 3
    x[0].fill_(0)  # a view in PyTorch; ours writes through indexPut (see the test)
    y.copy_(s)
    return x * y


case('inplace_fill_copy', inplace_fill_copy, randn(2, 3), randn(3))


def encode(v):
    if isinstance(v, list):
        return [encode(u) for u in v]
    if isinstance(v, bool) or isinstance(v, int):
        return v
    if math.isnan(v):
        return 'nan'
    if math.isinf(v):
        return 'inf' if v > 0 else '-inf'
    return float('%.9g' % v)


def to_json(t):
    if t.dtype == torch.bool or t.dtype in (torch.int64, torch.int32):
        return t.tolist()
    return encode(t.detach().to(torch.float32).tolist())


def dtype_name(t):
    return {torch.float32: 'float32', torch.int64: 'int32', torch.int32: 'int32', torch.bool: 'bool'}[t.dtype]


def run(name, fn, inputs):
    xs = [x.clone().requires_grad_(x.dtype == torch.float32) for x in inputs]
    out = fn(*xs)
    result = {'name': name, 'inputs': [{'dtype': dtype_name(x), 'shape': list(x.shape), 'data': to_json(x)} for x in inputs],
              'output': to_json(out), 'outputShape': list(out.shape), 'outputDtype': dtype_name(out), 'weights': None, 'grads': None}
    if out.dtype == torch.float32:
        w = randn(*out.shape)
        loss = (torch.nan_to_num(out, nan=0.0) * w).sum() if torch.isnan(out).any() else (out * w).sum()
        diff = [x for x in xs if x.requires_grad]
        grads = iter(torch.autograd.grad(loss, diff, allow_unused=True))
        result['weights'] = to_json(w)
        result['grads'] = [to_json(torch.zeros_like(x) if (g := next(grads)) is None else g) if x.requires_grad else None for x in xs]
    return result


def main():
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names)), 'duplicate case names'
    doc = {
        'generator': 'packages/autograd/scripts/golden_tensor_api.py',
        'torch': torch.__version__,
        'loss': 'sum(output * weights) for a float output (NaN outputs count as 0), none otherwise',
        'cases': [run(*c) for c in CASES],
    }
    write_golden('tensor-api.json', doc)

if __name__ == '__main__':
    main()
