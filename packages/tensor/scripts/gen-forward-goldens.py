"""Forward golden values for the elementwise, reduction and statistics conformance suites, from PyTorch.

Run: /usr/bin/python3 packages/tensor/scripts/gen-forward-goldens.py  (PyTorch 1.13, CPU, float32)
Writes src/conformance/golden/forward.json:
  {inputs: {name: {shape, values}}, cases: {name: {x: input name, ...args, out: [...], outShape}}}.
Non-finite numbers are written as the strings "nan", "inf", "-inf" (JSON has no literal for them).
"""
import json
import math
import os

import torch

F = torch.nn.functional
torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), "..", "src", "conformance", "golden", "forward.json")
inf, nan = float("inf"), float("nan")


def enc(t):
    def f(v):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return [f(float(v)) for v in t.detach().reshape(-1).tolist()]


inputs, cases = {}, {}


def inp(name, t):
    inputs[name] = {"shape": list(t.shape), "values": enc(t)}
    return name


def case(name, x, out, **args):
    cases[name] = {"x": x, **args, "out": enc(out), "outShape": list(out.shape)}


# Unary: points spanning every branch of erf (Taylor below 1, fitted pieces on [1,2], [2,4], tail beyond 4).
pts = torch.tensor([0.0, 1e-6, -1e-3, 0.1, -0.3, 0.5, 0.84, -0.99, 1.0, 1.01, 1.3, -1.7, 1.99, 2.0, 2.5, -3.0,
                    3.7, 4.0, 4.5, -5.5, 6.0, 9.0, -12.0, 30.0])
wide = torch.linspace(-8, 8, 97)
pos = torch.rand(20) * 100 + 1e-3
inp("pts", pts), inp("wide", wide), inp("pos", pos)
case("erf", "pts", torch.erf(pts))
case("geluNone", "wide", F.gelu(wide))
case("geluTanh", "wide", F.gelu(wide, approximate="tanh"))
case("tanh", "wide", torch.tanh(wide))
case("leakyRelu", "wide", F.leaky_relu(wide, 0.2), negativeSlope=0.2)
# `scale`: the op is applied to x * scale.
case("sigmoid", "wide", torch.sigmoid(wide * 12), scale=12)
case("exp", "wide", torch.exp(wide * 10), scale=10)
case("sin", "wide", torch.sin(wide * 5), scale=5)
case("cos", "wide", torch.cos(wide * 5), scale=5)
case("log", "pos", torch.log(pos))
case("rsqrt", "pos", torch.rsqrt(pos))

# Reductions and statistics over a [3,4,5] tensor; dim None means all dims.
x = torch.randn(3, 4, 5) * 3 + 1
inp("x345", x)
for dims, keep in [(None, False), ([1], False), ([0, 2], True), ([-1], False), ([0], True)]:
    key = f"{'all' if dims is None else '_'.join(map(str, dims))}{'_keep' if keep else ''}"
    d = dims if dims is not None else [0, 1, 2]
    case(f"sum_{key}", "x345", x.sum(dim=d, keepdim=keep), dim=dims, keepdim=keep)
    case(f"mean_{key}", "x345", x.mean(dim=d, keepdim=keep), dim=dims, keepdim=keep)
    for corr in [0, 1, 2]:
        case(f"var_c{corr}_{key}", "x345", torch.var(x, dim=d, correction=corr, keepdim=keep), dim=dims, keepdim=keep,
             correction=corr)
    case(f"std_{key}", "x345", x.std(dim=d, keepdim=keep), dim=dims, keepdim=keep)
    case(f"logsumexp_{key}", "x345", torch.logsumexp(x, dim=d, keepdim=keep), dim=dims, keepdim=keep)

big = torch.randn(4, 300) * 4
inp("big", big)
case("sum_bigRows", "big", big.sum(1), dim=[1], keepdim=False)
case("sum_bigCols", "big", big.sum(0), dim=[0], keepdim=False)
case("var_bigRows", "big", big.var(1), dim=[1], keepdim=False, correction=1)

logits = torch.randn(4, 7) * 5
extreme = torch.tensor([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [3.0, inf, 1.0], [-inf, 0.0, 1.0]])
lse = torch.tensor([[-inf, -inf], [inf, 1.0], [1e30, 1e30], [-1e4, -1e4], [nan, 0.0]])
inp("logits", logits), inp("extreme", extreme), inp("lseExtreme", lse)
for dim in [-1, 0]:
    case(f"softmax_{dim}", "logits", torch.softmax(logits, dim), dim=dim)
    case(f"logSoftmax_{dim}", "logits", torch.log_softmax(logits, dim), dim=dim)
case("softmax_extreme", "extreme", torch.softmax(extreme, 1), dim=1)
case("logSoftmax_extreme", "extreme", torch.log_softmax(extreme, 1), dim=1)
case("logsumexp_extreme", "lseExtreme", torch.logsumexp(lse, 1), dim=[1], keepdim=False)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "packages/tensor/scripts/gen-forward-goldens.py", "torch": torch.__version__,
               "inputs": inputs, "cases": cases}, f)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
