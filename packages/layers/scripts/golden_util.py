"""Helpers shared by the golden-value scripts of @nn/layers (golden.py, golden_conv.py, ...).

Importing this module pins PyTorch to its portable CPU kernels and one thread, so the values are reproducible.
Tensors are encoded as the tests' `decode` (src/testing/golden.ts) reads them.
"""
import json
import os
import struct

os.environ["ATEN_CPU_CAPABILITY"] = "default"
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "golden")


def f32(values):
    """Shortest decimal strings that round-trip each float32; NaN/inf as strings."""
    arr = np.asarray(values, dtype=np.float32).reshape(-1)
    return [float(str(v)) if np.isfinite(v) else str(v) for v in arr]


def enc(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "dtype": "bool", "data": [bool(v) for v in t.reshape(-1).tolist()]}
    return {"shape": list(t.shape), "data": f32(t.numpy())}


def rnd(*shape, scale=1.0, shift=0.0):
    return torch.randn(tuple(shape)) * scale + shift


def batchnorm_case(cls, seed, name, shape, options, train_steps=3):
    """A BatchNorm (cls: nn.BatchNorm1d or 2d) over `train_steps` training batches, then an evaluation batch: outputs,
    gradients of sum(y * g) and running statistics after each."""
    torch.manual_seed(seed)
    c = shape[1]
    kw = {"eps": options.get("eps", 1e-5), "momentum": options.get("momentum", 0.1),
          "affine": options.get("affine", True), "track_running_stats": options.get("trackRunningStats", True)}
    bn = cls(c, **kw)
    case = {"name": name, "numFeatures": c, "options": options, "steps": []}
    if bn.affine:
        with torch.no_grad():
            bn.weight.copy_(rnd(c, scale=0.5, shift=1.0))
            bn.bias.copy_(rnd(c, scale=0.3))
        case["weight"] = enc(bn.weight)
        case["bias"] = enc(bn.bias)
    for i in range(train_steps + 1):
        training = i < train_steps
        bn.train(training)
        bn.zero_grad()
        x = rnd(*shape, scale=2.0, shift=1.5).requires_grad_()
        y = bn(x)
        g = rnd(*y.shape)
        (y * g).sum().backward()
        step = {"training": training, "x": enc(x), "g": enc(g), "y": enc(y), "dx": enc(x.grad)}
        if bn.affine:
            step["dweight"] = enc(bn.weight.grad)
            step["dbias"] = enc(bn.bias.grad)
        if bn.track_running_stats:
            step["runningMean"] = enc(bn.running_mean)
            step["runningVar"] = enc(bn.running_var)
            step["numBatchesTracked"] = int(bn.num_batches_tracked)
        case["steps"].append(step)
    return case


def write_json(name, obj):
    """Writes OUT/name as compact JSON, with the PyTorch version that made it."""
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"torch": torch.__version__, **obj}, f, separators=(",", ":"))


def write_state_dict(name, state_dict):
    """Writes a state dict as PyTorch's safetensors would (metadata format=pt), for the loading tests."""
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(safetensors_bytes({k: torch_entry(v) for k, v in state_dict.items()}, {"format": "pt"}))


# ---------------------------------------------------------------- safetensors

RUST_DTYPE_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
NUMPY_DTYPE = {"BOOL": np.bool_, "U8": np.uint8, "I8": np.int8, "I16": np.int16, "U16": np.uint16, "F16": np.float16,
               "I32": np.int32, "U32": np.uint32, "F32": np.float32, "F64": np.float64, "I64": np.int64, "U64": np.uint64}
TORCH_DTYPE = {torch.float32: "F32", torch.int64: "I64", torch.int32: "I32", torch.bool: "BOOL", torch.float64: "F64",
               torch.float16: "F16", torch.bfloat16: "BF16"}


def safetensors_bytes(tensors, metadata=None):
    """tensors: name -> (dtype string, shape, raw little-endian bytes). Laid out as the Rust reference does."""
    order = sorted(tensors.items(), key=lambda kv: (-RUST_DTYPE_ORDER.index(kv[1][0]), kv[0]))
    header, data, offset = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = dict(sorted(metadata.items()))
    for name, (dtype, shape, raw) in order:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def torch_entry(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:
        raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
    else:
        raw = t.numpy().astype(np.dtype(NUMPY_DTYPE[TORCH_DTYPE[t.dtype]]).newbyteorder("<")).tobytes()
    return (TORCH_DTYPE[t.dtype], list(t.shape), raw)
