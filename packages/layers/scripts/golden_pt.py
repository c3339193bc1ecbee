"""Golden files for savePt/loadPt (src/pt/): checkpoints written by PyTorch's own torch.save, plus what each holds
as JSON (src/pt/fixtures/<name>.json), so the tests read real PyTorch output without Python.

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/layers/scripts/golden_pt.py

JSON encoding of a value (what `loadPt` must return): tensors as {"$tensor": {dtype, torchDtype, shape, data}}
with the @nn dtype they load as (floats as float32, integers as int32) and their values in row-major order;
dicts with str keys as JSON objects, dicts with other keys as {"$map": [[key, value], ...]}, tuples and lists as
arrays, floats whose JSON form would read back as an int as {"$float": x}, NaN/inf as {"$float": "nan"}, bytes as
{"$bytes": [...]}, sets as {"$set": [...]} (sorted), ints beyond 2^53 as {"$int": "<decimal>"}.
"""
import collections
import io
import json
import base64
import math
import os
import pickle
import zipfile

os.environ["ATEN_CPU_CAPABILITY"] = "default"
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "pt", "fixtures")
NN_DTYPE = {torch.float32: "float32", torch.float64: "float32", torch.float16: "float32", torch.bfloat16: "float32",
            torch.int64: "int32", torch.int32: "int32", torch.int16: "int32", torch.int8: "int32", torch.uint8: "int32",
            torch.bool: "bool"}


def num(x):
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x if abs(x) < 2 ** 53 else {"$int": str(x)}
    if math.isnan(x):
        return {"$float": "nan"}
    if math.isinf(x):
        return {"$float": "inf" if x > 0 else "-inf"}
    return {"$float": x} if x == int(x) else x


def enc(v):
    if isinstance(v, torch.Tensor):
        t = v.detach()
        data = t.float().reshape(-1).tolist() if t.is_floating_point() else t.reshape(-1).tolist()
        # float64 values as @nn holds them: rounded to float32.
        return {"$tensor": {"dtype": NN_DTYPE[t.dtype], "torchDtype": str(t.dtype).replace("torch.", ""),
                            "shape": list(t.shape), "requiresGrad": v.requires_grad,
                            "parameter": isinstance(v, nn.Parameter), "data": [num(x) for x in data]}}
    if isinstance(v, dict):
        if all(isinstance(k, str) for k in v):
            return {k: enc(x) for k, x in v.items()}
        return {"$map": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    if isinstance(v, bytes):
        return {"$bytes": list(v)}
    if isinstance(v, (set, frozenset)):
        return {"$set": [enc(x) for x in sorted(v)]}
    if isinstance(v, (float, int)):
        return num(v)
    return v


def write(name, obj, values=None, **kw):
    path = os.path.join(OUT, name + ".pt")
    torch.save(obj, path, **kw)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(enc(obj) if values is None else values, f, separators=(",", ":"))
        f.write("\n")


def dtypes():
    floats = [0.0, -0.0, 1.0, -2.5, 3.140625, 65504.0, 1e-3, float("inf"), float("-inf"), float("nan")]
    return {
        "float32": torch.tensor(floats, dtype=torch.float32),
        "float64": torch.tensor([0.1, -1e300, 1e-300, 2.0 ** 0.5], dtype=torch.float64),
        "float16": torch.tensor(floats + [6e-8], dtype=torch.float16),
        "bfloat16": torch.tensor(floats + [1e30], dtype=torch.bfloat16),
        "int64": torch.tensor([0, -1, 2 ** 31 - 1, -(2 ** 31), 12345], dtype=torch.int64),
        "int32": torch.tensor([[0, -1], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32),
        "int16": torch.tensor([-32768, 32767, 7], dtype=torch.int16),
        "int8": torch.tensor([-128, 127, 0], dtype=torch.int8),
        "uint8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([[True, False, True]], dtype=torch.bool),
        "scalar": torch.tensor(7.5),
        "empty": torch.zeros(0, 3),
    }


def mlp():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
    model.train()
    for _ in range(3):
        model(torch.randn(16, 4))  # running statistics move away from their initial values
    model.eval()
    x = torch.randn(5, 4)
    with torch.no_grad():
        y = model(x)
    return model.state_dict(), {"stateDict": enc(model.state_dict()), "x": enc(x), "y": enc(y)}


def cnn():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(4 * 3 * 3, 2))
    model.train()
    for _ in range(2):
        model(torch.randn(4, 1, 6, 6))
    model.eval()
    x = torch.randn(2, 1, 6, 6)
    with torch.no_grad():
        y = model(x)
    return model.state_dict(), {"stateDict": enc(model.state_dict()), "x": enc(x), "y": enc(y)}


def nested():
    torch.manual_seed(2)
    return {
        "list": [torch.randn(2), 1, 2.5, "text", True, False, None, (1, 2.0, "three")],
        "dict": {"inner": {"deep": torch.arange(6, dtype=torch.int64).reshape(2, 3)}, "empty": {}, "none": None},
        "int_keys": {0: "zero", 1: [1.0, 2.0], 10: {"x": -3}},
        "big_int": 2 ** 40,
        "negative": -123456789,
        "float_int": 3.0,
        "special": [float("nan"), float("inf"), -0.0],
        "unicode": "héllo ✓",
        "tuple_of_tensors": (torch.ones(1), torch.zeros(2, dtype=torch.int32)),
    }


def views():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    return collections.OrderedDict([
        ("base", base), ("row", base[1]), ("col", base[:, 2]), ("transposed", base.t()),
        ("strided", base[1:4:2, 1::2]), ("flat_window", base.view(-1)[5:11]), ("expanded", base[0, :1].expand(3, 2)),
    ])


def shared():
    torch.manual_seed(3)
    t = torch.randn(3)
    p = nn.Parameter(torch.randn(2, 2))
    return {"a": t, "b": t, "c": [t, t[1:]], "param": p, "frozen": nn.Parameter(torch.ones(2), requires_grad=False)}


def ordered():
    torch.manual_seed(4)
    return collections.OrderedDict([
        ("weight", torch.randn(2, 3)), ("step", 10), ("lr", 0.001), ("name", "adam"), ("betas", (0.9, 0.999)),
        ("bias", torch.zeros(3)), ("flag", True),
    ])


def counter():
    """collections.Counter, as MultiStepLR's state holds its milestones (milestone -> count; 5 given twice)."""
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5], gamma=0.5)
    return {"scheduler": sched.state_dict(), "words": collections.Counter("abracadabra"), "empty": collections.Counter()}


def exact():
    """What savePt(loadPt(bytes)) must reproduce byte for byte: saved to a buffer (so the archive's folder is
    'archive', as savePt names it), holding only values that savePt writes as Python's pickler does (no string
    twice: savePt memoises strings by value, Python by identity)."""
    torch.manual_seed(5)
    w = torch.randn(2, 3)
    model = collections.OrderedDict([("weight", w), ("bias", torch.randn(3)), ("steps", torch.tensor(7, dtype=torch.int32)),
                                     ("mask", torch.tensor([True, False]))])
    obj = {"model": model, "tied": w, "scale": nn.Parameter(torch.randn(2)), "epoch": 3, "lr": 0.5, "big": 2 ** 40,
           "neg": -7, "title": "mlp", "history": [0.25, 1.5], "nothing": None, "flag": True,
           "nested": {"sizes": [1, 2, 300, 70000]}}
    buf = io.BytesIO()
    torch.save(obj, buf)
    with open(os.path.join(OUT, "exact.pt"), "wb") as f:
        f.write(buf.getvalue())
    with open(os.path.join(OUT, "exact.json"), "w") as f:
        json.dump(enc(obj), f, separators=(",", ":"))
        f.write("\n")


def protocols():
    """One plain value pickled with every protocol (0-5), for the unpickler's opcodes beyond those torch.save uses."""
    value = {"ints": [0, 1, -1, 255, 256, 65535, 65536, -2 ** 31, 2 ** 31, 2 ** 40, -2 ** 63, 2 ** 64],
             "floats": [1.5, -0.0, 1e300, float("inf")], "text": ["", "héllo ✓", "a\nb\\c", "x" * 300],
             "consts": [True, False, None], "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
             "dict": {1: "one", "two": 2, (3, 4): "tuple key"}, "bytes": b"\x00\xffab", "set": {3, 1, 2},
             "frozen": frozenset({"a"}), "nested": [[[]], {"k": [{}]}], "shared": [[7]] * 2}
    out = {"value": enc(value), "pickles": {str(p): base64.b64encode(pickle.dumps(value, protocol=p)).decode() for p in range(6)}}
    with open(os.path.join(OUT, "protocols.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


def malicious():
    """A checkpoint whose pickle calls os.system('echo pwned') when unpickled with pickle.load."""
    pkl = b"\x80\x02cos\nsystem\nq\x00X\n\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03."
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in (("malicious/data.pkl", pkl), ("malicious/version", b"3\n")):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    with open(os.path.join(OUT, "malicious.pt"), "wb") as f:
        f.write(buf.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    write("dtypes", dtypes())
    torch.save({"big": torch.tensor([1, 2 ** 40])}, os.path.join(OUT, "int64-overflow.pt"))
    torch.save({"z": torch.tensor([1 + 2j], dtype=torch.complex64)}, os.path.join(OUT, "complex64.pt"))
    sd, values = mlp()
    write("mlp", sd, values)
    sd, values = cnn()
    write("cnn", sd, values)
    write("nested", nested())
    write("nested-protocol4", nested(), pickle_protocol=4)
    write("views", views())
    write("shared", shared())
    write("ordered", ordered())
    write("legacy", ordered(), _use_new_zipfile_serialization=False)
    write("counter", counter())
    exact()
    protocols()
    malicious()


if __name__ == "__main__":
    main()
