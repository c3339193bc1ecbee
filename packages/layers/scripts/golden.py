"""Golden values from PyTorch for @nn/layers' tests.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/layers/scripts/golden.py
Writes, under packages/layers/src/golden/ (committed; the tests never need Python):
  layers.json        Linear, BatchNorm1d, LayerNorm and loss cases: inputs, parameters, upstream gradients g,
                     outputs and the gradients of sum(output * g)
  mlp.json           a Sequential(Linear, BatchNorm1d, ReLU, Linear) trained 3 SGD steps: its state dict values,
                     an eval-mode forward, then a train-mode forward/backward (loss, gradients, running stats)
  mlp.safetensors    that model's state_dict() in the safetensors format (num_batches_tracked as I64)
  dtypes.safetensors one tensor of every supported dtype (values in dtypes.json)
  reference.safetensors  F32 and BOOL tensors with metadata, laid out as the reference implementation does

The `safetensors` Python package is not available from Debian, so the format is written here by hand with
struct + json, following the reference (Rust) implementation: tensors sorted by dtype (its enum order, widest
first) then by name, compact JSON header in that order with __metadata__ first, padded with spaces to a multiple
of 8 bytes.
"""
import json
import os

# golden_util first: it configures PyTorch before torch is imported.
from golden_util import NUMPY_DTYPE, OUT, batchnorm_case, enc, f32, rnd, safetensors_bytes, torch_entry  # isort: skip
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- Linear

def linear_cases():
    torch.manual_seed(1)
    cases = []
    for bias in (True, False):
        lin = nn.Linear(4, 3, bias=bias)
        with torch.no_grad():
            lin.weight.copy_(rnd(3, 4))
            if bias:
                lin.bias.copy_(rnd(3))
        for shape in ([5, 4], [2, 3, 4], [4]):
            lin.zero_grad()
            x = rnd(*shape).requires_grad_()
            y = lin(x)
            g = rnd(*y.shape)
            (y * g).sum().backward()
            case = {"name": f"bias={bias} x{shape}", "weight": enc(lin.weight), "x": enc(x), "g": enc(g), "y": enc(y),
                    "dx": enc(x.grad), "dweight": enc(lin.weight.grad)}
            if bias:
                case["bias"] = enc(lin.bias)
                case["dbias"] = enc(lin.bias.grad)
            cases.append(case)
    return cases


# ---------------------------------------------------------------- BatchNorm1d

def batchnorm_cases():
    return [
        batchnorm_case(nn.BatchNorm1d, 2, "[N,C]", [6, 3], {}),
        batchnorm_case(nn.BatchNorm1d, 2, "[N,C,L]", [4, 3, 5], {}),
        batchnorm_case(nn.BatchNorm1d, 2, "[N,C] momentum=null", [5, 2], {"momentum": None}),
        batchnorm_case(nn.BatchNorm1d, 2, "[N,C,L] momentum=0.3 eps=1e-3", [3, 2, 4], {"momentum": 0.3, "eps": 1e-3}),
        batchnorm_case(nn.BatchNorm1d, 2, "[N,C,L] trackRunningStats=false", [3, 2, 4], {"trackRunningStats": False}),
        batchnorm_case(nn.BatchNorm1d, 2, "[N,C] affine=false", [4, 3], {"affine": False}),
    ]


# ---------------------------------------------------------------- LayerNorm

def layernorm_cases():
    torch.manual_seed(3)
    cases = []
    for name, shape, normalized, affine, bias in (
        ("[2,3,4] over [4]", [2, 3, 4], [4], True, True),
        ("[2,3,4] over [3,4]", [2, 3, 4], [3, 4], True, True),
        ("[5,6] no affine", [5, 6], [6], False, False),
        ("[2,3,4] over [4] bias=false", [2, 3, 4], [4], True, False),
    ):
        x = rnd(*shape, scale=3.0, shift=-1.0).requires_grad_()
        w = rnd(*normalized, scale=0.5, shift=1.0).requires_grad_() if affine else None
        b = rnd(*normalized, scale=0.5).requires_grad_() if bias else None
        y = F.layer_norm(x, normalized, w, b, 1e-5)
        g = rnd(*y.shape)
        (y * g).sum().backward()
        case = {"name": name, "normalizedShape": normalized, "elementwiseAffine": affine, "bias": bias,
                "x": enc(x), "g": enc(g), "y": enc(y), "dx": enc(x.grad)}
        if affine:
            case["weightValue"] = enc(w)
            case["dweight"] = enc(w.grad)
        if bias:
            case["biasValue"] = enc(b)
            case["dbias"] = enc(b.grad)
        cases.append(case)
    return cases


# ---------------------------------------------------------------- losses

def loss_case(name, fn, tensors, options, torch_call):
    """tensors: name -> torch tensor (float inputs get requires_grad). torch_call(**tensors) -> loss."""
    ts = {k: (v.clone().requires_grad_() if k == "input" else v) for k, v in tensors.items()}
    out = torch_call(**ts)
    g = rnd(*out.shape)
    (out * g).sum().backward()
    return {"name": name, "fn": fn, "tensors": {k: enc(v) for k, v in tensors.items()}, "options": options,
            "g": enc(g), "out": enc(out), "dinput": enc(ts["input"].grad)}


def loss_cases():
    torch.manual_seed(4)
    cases = []
    reductions = ("mean", "sum", "none")
    to_torch = {"labelSmoothing": "label_smoothing", "ignoreIndex": "ignore_index", "posWeight": "pos_weight"}

    def kw(options, tensors):
        out = {to_torch.get(k, k): v for k, v in options.items()}
        for k in ("weight", "posWeight"):
            if k in tensors:
                out[to_torch.get(k, k)] = tensors[k]
        return out

    def call(f, options):
        return lambda input, target, **extra: f(input, target, **kw(options, extra))

    x, y = rnd(4, 3), rnd(4, 3)
    for r in reductions:
        cases.append(loss_case(f"mse {r}", "mseLoss", {"input": x, "target": y}, {"reduction": r}, call(F.mse_loss, {"reduction": r})))

    x = torch.tensor([[0.0, 0.4, -0.9, 1.0], [-1.0, 2.5, -3.0, 0.2], [5.0, -0.5, 0.75, -2.0]])
    y = torch.zeros(3, 4)
    for r in reductions:
        for delta in (1.0, 0.5, 2.0):
            o = {"reduction": r, "delta": delta}
            cases.append(loss_case(f"huber {r} delta={delta}", "huberLoss", {"input": x, "target": y}, o, call(F.huber_loss, o)))

    x = torch.tensor([[0.0, 1.5, -2.0], [30.0, -30.0, 0.25], [1e4, -1e4, 3.0], [-0.5, 0.0, 8.0]])
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.3], [1.0, 1.0, 0.0], [0.5, 0.0, 1.0]])
    for r in reductions:
        o = {"reduction": r}
        cases.append(loss_case(f"bce {r}", "binaryCrossEntropyWithLogits", {"input": x, "target": y}, o,
                               call(F.binary_cross_entropy_with_logits, o)))
    pw, w = torch.tensor([2.0, 0.5, 3.0]), rnd(4, 3).abs()
    for r in reductions:
        o = {"reduction": r}
        cases.append(loss_case(f"bce posWeight {r}", "binaryCrossEntropyWithLogits", {"input": x, "target": y, "posWeight": pw}, o,
                               call(F.binary_cross_entropy_with_logits, o)))
        cases.append(loss_case(f"bce weight+posWeight {r}", "binaryCrossEntropyWithLogits",
                               {"input": x, "target": y, "posWeight": pw, "weight": w}, o, call(F.binary_cross_entropy_with_logits, o)))
    cases.append(loss_case("bce weight [3]", "binaryCrossEntropyWithLogits", {"input": x, "target": y, "weight": pw}, {},
                           call(F.binary_cross_entropy_with_logits, {})))

    logits = rnd(5, 4, scale=2.0)
    logp = F.log_softmax(logits, 1)
    t = torch.tensor([0, 3, 1, 2, 3])
    t_ign = torch.tensor([0, -100, 1, 2, -100])
    t_ign2 = torch.tensor([0, 2, 1, 2, 3])
    cw = torch.tensor([0.5, 2.0, 1.0, 1.5])
    for r in reductions:
        cases.append(loss_case(f"nll {r}", "nllLoss", {"input": logp, "target": t}, {"reduction": r}, call(F.nll_loss, {"reduction": r})))
        cases.append(loss_case(f"nll weight {r}", "nllLoss", {"input": logp, "target": t, "weight": cw}, {"reduction": r},
                               call(F.nll_loss, {"reduction": r})))
        cases.append(loss_case(f"nll ignore -100 {r}", "nllLoss", {"input": logp, "target": t_ign, "weight": cw}, {"reduction": r},
                               call(F.nll_loss, {"reduction": r})))
        o = {"reduction": r, "ignoreIndex": 2}
        cases.append(loss_case(f"nll ignoreIndex=2 {r}", "nllLoss", {"input": logp, "target": t_ign2}, o, call(F.nll_loss, o)))
    lp3 = F.log_softmax(rnd(3, 4, 2), 1)
    t3 = torch.tensor([[0, 3], [2, 1], [1, 1]])
    cases.append(loss_case("nll [N,C,d]", "nllLoss", {"input": lp3, "target": t3}, {}, call(F.nll_loss, {})))

    for r in reductions:
        for extra_name, options, extra in (
            ("", {}, {}),
            (" ls=0.1", {"labelSmoothing": 0.1}, {}),
            (" weight", {}, {"weight": cw}),
            (" weight ls=0.2", {"labelSmoothing": 0.2}, {"weight": cw}),
        ):
            o = {"reduction": r, **options}
            cases.append(loss_case(f"ce{extra_name} {r}", "crossEntropy", {"input": logits, "target": t, **extra}, o, call(F.cross_entropy, o)))
        o = {"reduction": r, "labelSmoothing": 0.3}
        cases.append(loss_case(f"ce ignore -100 ls=0.3 {r}", "crossEntropy", {"input": logits, "target": t_ign}, o, call(F.cross_entropy, o)))
        cases.append(loss_case(f"ce ignore -100 weight ls=0.3 {r}", "crossEntropy", {"input": logits, "target": t_ign, "weight": cw}, o,
                               call(F.cross_entropy, o)))
        o = {"reduction": r, "ignoreIndex": 3, "labelSmoothing": 0.1}
        cases.append(loss_case(f"ce ignoreIndex=3 ls=0.1 {r}", "crossEntropy", {"input": logits, "target": t}, o, call(F.cross_entropy, o)))
    big = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, -1e4]])
    tb = torch.tensor([1, 0, 2])
    for r in reductions:
        o = {"reduction": r, "labelSmoothing": 0.1}
        cases.append(loss_case(f"ce ±1e4 ls=0.1 {r}", "crossEntropy", {"input": big, "target": tb}, o, call(F.cross_entropy, o)))
    l3 = rnd(2, 4, 3)
    t3 = torch.tensor([[0, 3, 1], [2, 2, 0]])
    o = {"labelSmoothing": 0.1}
    cases.append(loss_case("ce [N,C,d] ls=0.1 weight", "crossEntropy", {"input": l3, "target": t3, "weight": cw}, o, call(F.cross_entropy, o)))
    cases.append(loss_case("ce unbatched [C]", "crossEntropy", {"input": rnd(4), "target": torch.tensor(2)}, {}, call(F.cross_entropy, {})))
    cases.append(loss_case("ce all ignored mean", "crossEntropy", {"input": logits, "target": torch.full((5,), -100)}, {},
                           call(F.cross_entropy, {})))

    probs = F.softmax(rnd(5, 4), 1)
    for r in reductions:
        for extra_name, options, extra in (("", {}, {}), (" ls=0.2", {"labelSmoothing": 0.2}, {}), (" weight", {}, {"weight": cw})):
            o = {"reduction": r, **options}
            cases.append(loss_case(f"ce probs{extra_name} {r}", "crossEntropy", {"input": logits, "target": probs, **extra}, o,
                                   call(F.cross_entropy, o)))
    pb = torch.tensor([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
    cases.append(loss_case("ce probs ±1e4", "crossEntropy", {"input": big, "target": pb}, {}, call(F.cross_entropy, {})))
    p3 = F.softmax(rnd(2, 4, 3), 1)
    cases.append(loss_case("ce probs [N,C,d] weight ls=0.1", "crossEntropy", {"input": l3, "target": p3, "weight": cw},
                           {"labelSmoothing": 0.1}, call(F.cross_entropy, {"labelSmoothing": 0.1})))
    return cases


def mlp():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        x, t = rnd(6, 4), torch.randint(0, 3, (6,))
        opt.zero_grad()
        F.cross_entropy(model(x), t).backward()
        opt.step()
    sd = model.state_dict()
    with open(os.path.join(OUT, "mlp.safetensors"), "wb") as f:
        f.write(safetensors_bytes({k: torch_entry(v) for k, v in sd.items()}, {"format": "pt"}))
    golden = {"stateDict": {k: enc(v) for k, v in sd.items()}, "keys": list(sd.keys())}
    model.eval()
    x = rnd(5, 4)
    golden["eval"] = {"x": enc(x), "y": enc(model(x))}
    model.train()
    opt.zero_grad()
    x, t = rnd(6, 4), torch.randint(0, 3, (6,))
    loss = F.cross_entropy(model(x), t)
    loss.backward()
    golden["train"] = {"x": enc(x), "target": enc(t), "loss": float(loss), "grads": {k: enc(p.grad) for k, p in model.named_parameters()},
                       "buffers": {k: enc(b) for k, b in model.named_buffers()}}
    return golden


def dtypes_file():
    values = {
        "f64": ("F64", [2, 2], [1.5, -2.25, 1e-40, 3.141592653589793]),
        "f32": ("F32", [3], [0.1, -7.0, 1e30]),
        "f16": ("F16", [6], [1.0, -2.5, 65504.0, 6e-08, float("inf"), -0.0]),
        "bf16": ("BF16", [3], [1.0, -3.140625, 1e30]),
        "i64": ("I64", [4], [0, -5, 2**31 - 1, -2**31]),
        "i32": ("I32", [2], [7, -8]),
        "i16": ("I16", [2], [-32768, 32767]),
        "i8": ("I8", [2], [-128, 127]),
        "u8": ("U8", [2], [0, 255]),
        "u16": ("U16", [1], [65535]),
        "u32": ("U32", [1], [2**31 - 1]),
        "u64": ("U64", [1], [123456789]),
        "bool": ("BOOL", [2, 2], [True, False, False, True]),
        "empty": ("F32", [0, 3], []),
    }
    tensors = {}
    expected = {}
    for name, (dtype, shape, vals) in values.items():
        if dtype == "BF16":
            t = torch.tensor(vals, dtype=torch.bfloat16).reshape(shape)
            tensors[name] = torch_entry(t)
            expected[name] = {"shape": shape, "data": f32(t.float().numpy())}
            continue
        arr = np.array(vals, dtype=NUMPY_DTYPE[dtype]).reshape(shape)
        tensors[name] = (dtype, shape, arr.astype(np.dtype(NUMPY_DTYPE[dtype]).newbyteorder("<")).tobytes())
        if dtype in ("F64", "F32", "F16"):
            expected[name] = {"shape": shape, "dtype": "float32", "data": f32(arr.astype(np.float32))}
        elif dtype == "BOOL":
            expected[name] = {"shape": shape, "dtype": "bool", "data": [bool(v) for v in arr.reshape(-1)]}
        else:
            expected[name] = {"shape": shape, "dtype": "int32", "data": [int(v) for v in arr.reshape(-1)]}
    with open(os.path.join(OUT, "dtypes.safetensors"), "wb") as f:
        f.write(safetensors_bytes(tensors, {"source": "golden.py", "format": "pt"}))
    return expected


def reference_file():
    """F32 and BOOL tensors (the dtypes whose reference order our writer shares) with metadata."""
    ts = {
        "layer.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4,
        "layer.bias": torch.tensor([-1.5, 2.0]),
        "mask": torch.tensor([True, False, True]),
        "a": torch.tensor([[1e-3]]),
        "scalar": torch.tensor(3.5),
    }
    with open(os.path.join(OUT, "reference.safetensors"), "wb") as f:
        f.write(safetensors_bytes({k: torch_entry(v) for k, v in ts.items()}, {"format": "pt", "author": "nn"}))
    return {k: {"shape": list(v.shape), "dtype": "bool" if v.dtype == torch.bool else "float32",
                "data": [bool(x) for x in v.reshape(-1)] if v.dtype == torch.bool else f32(v.numpy())} for k, v in ts.items()}


def main():
    os.makedirs(OUT, exist_ok=True)
    golden = {"torch": torch.__version__, "linear": linear_cases(), "batchnorm": batchnorm_cases(),
              "layernorm": layernorm_cases(), "losses": loss_cases()}
    with open(os.path.join(OUT, "layers.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
    with open(os.path.join(OUT, "mlp.json"), "w") as f:
        json.dump({"torch": torch.__version__, **mlp()}, f, separators=(",", ":"))
    with open(os.path.join(OUT, "dtypes.json"), "w") as f:
        json.dump({"dtypes": dtypes_file(), "reference": reference_file()}, f, separators=(",", ":"))
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
