"""Golden values for @nn/init from PyTorch (and mpmath for erf/erfinv).

Run with Debian's interpreter, which has torch: /usr/bin/python3 packages/init/scripts/golden.py
Writes packages/init/src/golden/init.json.
"""
import json
import math
import os

import mpmath
import torch
import torch.nn.init as init

mpmath.mp.dps = 40

out = {'torch': torch.__version__}

# calculate_gain for every nonlinearity, and leaky_relu with several slopes.
gains = []
for nl in ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d',
           'sigmoid', 'tanh', 'relu', 'selu']:
    gains.append({'nonlinearity': nl, 'param': None, 'gain': float(init.calculate_gain(nl))})
for p in [None, 0, 0.2, 1, 3.5, -0.5]:
    gains.append({'nonlinearity': 'leaky_relu', 'param': p, 'gain': float(init.calculate_gain('leaky_relu', p))})
out['gains'] = gains

shapes = [[3, 5], [5, 3], [1, 1], [16, 8, 3, 3], [4, 2, 5], [2, 3, 2, 2, 2], [7, 1]]
out['fans'] = [{'shape': s, 'fanIn': f[0], 'fanOut': f[1]}
               for s in shapes for f in [init._calculate_fan_in_and_fan_out(torch.empty(*s))]]


# Capture the (low, high) / (mean, std) PyTorch itself passes to uniform_ / normal_.
def captured(fn, shape, **kw):
    seen = {}
    orig_u, orig_n = torch.Tensor.uniform_, torch.Tensor.normal_

    def u(self, a=0, b=1, **k):
        seen['low'], seen['high'] = float(a), float(b)
        return orig_u(self, a, b)

    def n(self, mean=0, std=1, **k):
        seen['mean'], seen['std'] = float(mean), float(std)
        return orig_n(self, mean, std)

    torch.Tensor.uniform_, torch.Tensor.normal_ = u, n
    try:
        fn(torch.empty(*shape), **kw)
    finally:
        torch.Tensor.uniform_, torch.Tensor.normal_ = orig_u, orig_n
    return seen


cases = []
for s in shapes:
    for gain in [1.0, 5 / 3]:
        cases.append({'fn': 'xavierUniform', 'shape': s, 'opts': {'gain': gain},
                      **captured(init.xavier_uniform_, s, gain=gain)})
        cases.append({'fn': 'xavierNormal', 'shape': s, 'opts': {'gain': gain},
                      **captured(init.xavier_normal_, s, gain=gain)})
    for a, mode, nl in [(0, 'fan_in', 'leaky_relu'), (math.sqrt(5), 'fan_in', 'leaky_relu'),
                        (0.2, 'fan_out', 'leaky_relu'), (0, 'fan_out', 'relu'), (0, 'fan_in', 'tanh'),
                        (0, 'fan_in', 'linear')]:
        camel = 'fanIn' if mode == 'fan_in' else 'fanOut'
        cases.append({'fn': 'kaimingUniform', 'shape': s, 'opts': {'a': a, 'mode': camel, 'nonlinearity': nl},
                      **captured(init.kaiming_uniform_, s, a=a, mode=mode, nonlinearity=nl)})
        cases.append({'fn': 'kaimingNormal', 'shape': s, 'opts': {'a': a, 'mode': camel, 'nonlinearity': nl},
                      **captured(init.kaiming_normal_, s, a=a, mode=mode, nonlinearity=nl)})
out['scales'] = cases

# erf / erfinv in high precision.
xs = [-7, -5.9, -4, -3, -2.5, -1, -0.3, -1e-5, 1e-8, 0.1, 0.5, 1, 1.5, 2, 2.9, 3, 3.5, 4.5, 5.5, 5.99]
out['erf'] = [{'x': x, 'erf': float(mpmath.erf(x)), 'erfc': float(mpmath.erfc(x))} for x in xs]
ys = [-0.999999, -0.99, -0.9545, -0.5, -1e-9, 0.001, 0.3, 0.7, 0.95, 0.9999, 0.99999999, 1 - 1e-12]
out['erfinv'] = [{'y': y, 'erfinv': float(mpmath.erfinv(mpmath.mpf(y)))} for y in ys]

# trunc_normal_'s transform applied (in float64) to fixed uniform draws: PyTorch's own steps.
u = [0.0, 1e-7, 0.01, 0.25, 0.5, 0.75, 0.9, 0.999, 0.99999994]
trunc = []
for mean, std, a, b in [(0, 1, -2, 2), (0.5, 2, -1, 3), (0, 0.02, -0.04, 0.04), (1, 1, -10, 10), (-3, 0.5, -4, -2.5)]:
    def cdf(x):
        return (1. + math.erf(x / math.sqrt(2.))) / 2.
    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)
    t = torch.tensor(u, dtype=torch.float64) * ((2 * hi - 1) - (2 * lo - 1)) + (2 * lo - 1)
    t = t.erfinv().mul(std * math.sqrt(2.)).add(mean).clamp(min=a, max=b)
    trunc.append({'mean': mean, 'std': std, 'a': a, 'b': b, 'u': u, 'values': t.tolist()})
out['truncNormal'] = trunc

# orthogonal_'s QR + sign correction applied (in float64) to fixed matrices.
ortho = []
for rows, cols in [(4, 4), (6, 3), (3, 6), (5, 2), (1, 4), (4, 1)]:
    a = torch.tensor([[math.sin(1.3 * i * cols + 0.7 * j + 0.1) + 0.3 * math.cos(2.1 * j) for j in range(cols)]
                      for i in range(rows)], dtype=torch.float64)
    flat = a.t() if rows < cols else a
    q, r = torch.linalg.qr(flat)
    q = q * torch.diag(r, 0).sign()
    if rows < cols:
        q = q.t()
    ortho.append({'rows': rows, 'cols': cols, 'a': a.flatten().tolist(), 'q': q.flatten().tolist()})
out['orthogonal'] = ortho

path = os.path.join(os.path.dirname(__file__), '..', 'src', 'golden', 'init.json')
with open(path, 'w') as f:  # one entry per line: small diffs when PyTorch changes
    f.write('{\n' + ',\n'.join(
        f' {json.dumps(k)}: ' + (json.dumps(v) if not isinstance(v, list) else
                                 '[\n' + ',\n'.join('  ' + json.dumps(e) for e in v) + '\n ]')
        for k, v in out.items()) + '\n}\n')
print('wrote', os.path.normpath(path))
