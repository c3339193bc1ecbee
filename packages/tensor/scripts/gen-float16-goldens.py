"""Golden values for float16 (src/conformance/golden/float16.json), from PyTorch.

  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/tensor/scripts/gen-float16-goldens.py

`conversion`: float32 values -> the bits and values of `x.half()` (round to nearest even, overflow, subnormals).
`ops`: each op on float16 inputs. PyTorch computes half ops in float32 ("opmath") and rounds the result once;
where this PyTorch has no CPU half kernel for an op (`direct: false`) the golden is that same computation
written out: the op on the halves' float32 values, rounded with `.half()`.
"""
import json, math, os
import torch

torch.manual_seed(0)
f32 = torch.float32

conv = [0.0, -0.0, 1.0, -2.5, 0.1, 1 / 3, 65504.0, 65519.0, 65520.0, -70000.0, 1e-8, 2.98e-8, 2.9802322387695312e-08,
        5.960464477539063e-08, 8.940696716308594e-08, 6.1e-5, 6.103515625e-05, 1e-4, 2049.0, 2051.0, 4097.0,
        1.0009765625, 1.00048828125, 1.00146484375, 3.14159265, float('inf'), float('-inf'), float('nan'), 12345.678]
x = torch.tensor(conv, dtype=f32)
h = x.half()
bits = [int(v) & 0xFFFF for v in h.view(torch.int16).tolist()]

def enc(vs):
    """JSON has no inf or nan: they are written as strings."""
    return [('nan' if math.isnan(v) else 'inf' if v == math.inf else '-inf' if v == -math.inf else v) for v in vs]
conversion = {'input': enc(x.tolist()), 'bits': bits, 'values': enc(h.float().tolist())}

a = (torch.randn(3, 4) * 3).half()
b = (torch.randn(3, 4) * 3).half()
m = torch.randn(4, 5).half()
ops = {}
def record(name, fn, *args):
    try:
        out, direct = fn(*args), True
        assert out.dtype == torch.float16
    except RuntimeError:
        out, direct = fn(*[t.float() for t in args]).half(), False
    ops[name] = {'direct': direct, 'shape': list(out.shape), 'values': enc(out.float().flatten().tolist())}

record('add', torch.add, a, b)
record('sub', torch.sub, a, b)
record('mul', torch.mul, a, b)
record('div', torch.div, a, b)
record('exp', torch.exp, a)
record('tanh', torch.tanh, a)
record('sigmoid', torch.sigmoid, a)
record('sqrtAbs', lambda t: torch.sqrt(t.abs()), a)
record('matmul', torch.matmul, a, m)
record('sum1', lambda t: t.sum(1), a)
record('relu', torch.relu, a)
record('mulBig', lambda t: t * 30000, a)

out = {'conversion': conversion, 'inputs': {'a': enc(a.float().flatten().tolist()), 'b': enc(b.float().flatten().tolist()),
       'm': enc(m.float().flatten().tolist())}, 'ops': ops, 'torch': torch.__version__}
path = os.path.join(os.path.dirname(__file__), '..', 'src', 'conformance', 'golden', 'float16.json')
with open(path, 'w') as f:
    json.dump(out, f, indent=1)
    f.write('\n')
print('wrote', path, {k: v['direct'] for k, v in ops.items()})
