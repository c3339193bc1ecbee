"""Golden values for @nn/clip from PyTorch's clip_grad_norm_ / clip_grad_value_.

Run with Debian's interpreter, which has torch: /usr/bin/python3 packages/clip/scripts/golden.py
Writes packages/clip/src/golden/clip.json.
"""
import json
import math
import os

import torch
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

torch.manual_seed(0)
# Parameter shapes, their gradients (None: a parameter without a gradient), all float32.
shapes = [[3, 4], [5], [2, 2, 3], [1], [2, 3]]
grads = [torch.randn(*shapes[0]) * 0.7, torch.randn(*shapes[1]) * 2.5, torch.randn(*shapes[2]),
         None, torch.randn(*shapes[4]) * 0.1]


def make_params():
    params = []
    for s, g in zip(shapes, grads):
        p = torch.zeros(*s, requires_grad=True)
        p.grad = None if g is None else g.clone()
        params.append(p)
    return params


def flat(t):
    return [float(v) for v in t.flatten().tolist()]


cases = []
for norm_type in [1, 2, math.inf, 3, 0.5]:
    for max_norm in [1.0, 0.05, 1e4]:
        params = make_params()
        total = clip_grad_norm_(params, max_norm, norm_type=norm_type)
        cases.append({
            'normType': 'inf' if norm_type == math.inf else norm_type,
            'maxNorm': max_norm,
            'total': float(total),
            'clipped': [None if p.grad is None else flat(p.grad) for p in params],
        })

# A single tensor (not a list) as params.
p = torch.zeros(4, requires_grad=True)
p.grad = torch.tensor([3.0, -4.0, 0.0, 12.0])
single_total = clip_grad_norm_(p, 6.5)
single = {'grad': [3.0, -4.0, 0.0, 12.0], 'maxNorm': 6.5, 'total': float(single_total), 'clipped': flat(p.grad)}

# A norm so small that the 1e-6 in max_norm / (total + 1e-6) halves the coefficient.
p = torch.zeros(2, requires_grad=True)
p.grad = torch.tensor([1e-6, 0.0])
tiny_total = clip_grad_norm_(p, 1e-7)
tiny = {'grad': [1e-6, 0.0], 'maxNorm': 1e-7, 'total': float(tiny_total), 'clipped': flat(p.grad)}

value_params = make_params()
clip_grad_value_(value_params, 0.5)
value = {'clipValue': 0.5, 'clipped': [None if p.grad is None else flat(p.grad) for p in value_params]}

out = {
    'torch': torch.__version__,
    'shapes': shapes,
    'grads': [None if g is None else flat(g) for g in grads],
    'clipGradNorm': cases,
    'single': single,
    'tiny': tiny,
    'clipGradValue': value,
}
path = os.path.join(os.path.dirname(__file__), '..', 'src', 'golden', 'clip.json')
with open(path, 'w') as f:  # one entry per line: small diffs when PyTorch changes
    f.write('{\n' + ',\n'.join(
        f' {json.dumps(k)}: ' + (json.dumps(v) if not isinstance(v, list) else
                                 '[\n' + ',\n'.join('  ' + json.dumps(e) for e in v) + '\n ]')
        for k, v in out.items()) + '\n}\n')
print('wrote', os.path.normpath(path))
