"""Golden optimizer and scheduler state in PyTorch's own layout, for @nn/optim's interop tests.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/optim/scripts/golden_torch_state.py
Writes packages/optim/src/golden/torch-state/<case>.json and <case>.pt (committed; the tests never need Python).

Each case trains a small MLP (4 -> 5 -> tanh -> 2, mean squared error on fixed data) with one optimizer and one LR
scheduler for K steps, dumps the model, `optimizer.state_dict()` and `scheduler.state_dict()` (as JSON and, in the
.pt file, as `torch.save` writes them), then continues M more steps and records the parameters after each. The
tests load the dumped state into @nn and must continue along the same trajectory; and, training K steps in @nn
from the same start, must export the state PyTorch had.

JSON encoding: a tensor is {"__tensor__": dtype, "shape": [...], "data": [...]}, a float infinity
{"__float__": "inf" | "-inf"}, a collections.Counter {"__counter__": {key: count}}; tuples become lists.
Values PyTorch 1.13 cannot serialise either (OneCycleLR's bound `anneal_func`, CyclicLR's `_scale_fn_ref` weakref)
are left out of both files. ATEN_CPU_CAPABILITY=default: the portable kernels round as @nn/tensor does.
"""
import collections
import json
import math
import os
import types
import weakref

os.environ["ATEN_CPU_CAPABILITY"] = "default"
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.optim.lr_scheduler as L  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "golden", "torch-state")
K, M = 4, 4

CASES = [
    ("sgd-nesterov-steplr", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
     lambda o: L.StepLR(o, step_size=3, gamma=0.5)),
    ("sgd-plain-multisteplr", lambda p: torch.optim.SGD(p, lr=0.05, weight_decay=0.01),
     lambda o: L.MultiStepLR(o, milestones=[2, 5], gamma=0.5)),
    ("adam-amsgrad-cosine", lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True),
     lambda o: L.CosineAnnealingLR(o, T_max=6, eta_min=0.001)),
    ("adamw-onecycle", lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
     lambda o: L.OneCycleLR(o, max_lr=0.02, total_steps=10)),
    ("adagrad-exponential", lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
     lambda o: L.ExponentialLR(o, gamma=0.9)),
    ("rmsprop-centered-cyclic", lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
     lambda o: L.CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=2)),
    ("adadelta-linear", lambda p: torch.optim.Adadelta(p, lr=1.0),
     lambda o: L.LinearLR(o, start_factor=0.5, total_iters=4)),
    ("adamax-warm-restarts", lambda p: torch.optim.Adamax(p, lr=0.02),
     lambda o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001)),
    ("nadam-polynomial", lambda p: torch.optim.NAdam(p, lr=0.01),
     lambda o: L.PolynomialLR(o, total_iters=6, power=2.0)),
    ("radam-constant", lambda p: torch.optim.RAdam(p, lr=0.01, weight_decay=0.01),
     lambda o: L.ConstantLR(o, factor=0.5, total_iters=3)),
    ("sgd-groups-plateau",
     lambda p: torch.optim.SGD([{"params": p[:2], "lr": 0.1}, {"params": p[2:]}], lr=0.05, momentum=0.9),
     lambda o: L.ReduceLROnPlateau(o, factor=0.5, patience=0)),
    ("adam-sequential",
     lambda p: torch.optim.Adam(p, lr=0.01),
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.25, total_iters=3), L.ExponentialLR(o, gamma=0.8)],
                              milestones=[3])),
]


def f32(t):
    arr = t.detach().numpy().astype(np.float32).reshape(-1)
    return [float(str(v)) if np.isfinite(v) else str(v) for v in arr]


def serialisable(v):
    return not isinstance(v, (types.MethodType, types.FunctionType, weakref.ReferenceType))


def clean(v):
    """A state dict without what cannot be pickled (PyTorch 1.13 keeps bound methods and weakrefs in some)."""
    if isinstance(v, dict) and not isinstance(v, collections.Counter):
        return type(v)((k, clean(x)) for k, x in v.items() if serialisable(x))
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v


def to_json(v):
    if torch.is_tensor(v):
        return {"__tensor__": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "data": f32(v)}
    if isinstance(v, collections.Counter):
        return {"__counter__": {str(k): c for k, c in v.items()}}
    if isinstance(v, dict):
        return {str(k): to_json(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    if isinstance(v, float) and math.isinf(v):
        return {"__float__": "inf" if v > 0 else "-inf"}
    return v


def model_and_data():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(16, 4, generator=gen)
    y = torch.randn(16, 2, generator=gen)
    params = [
        (torch.randn(5, 4, generator=gen) * 0.5).requires_grad_(True),
        (torch.randn(5, generator=gen) * 0.1).requires_grad_(True),
        (torch.randn(2, 5, generator=gen) * 0.5).requires_grad_(True),
        (torch.randn(2, generator=gen) * 0.1).requires_grad_(True),
    ]
    return x, y, params


def loss_fn(x, y, params):
    w1, b1, w2, b2 = params
    h = torch.tanh(x @ w1.t() + b1)
    return ((h @ w2.t() + b2 - y) ** 2).mean()


def train_step(x, y, params, opt, sched):
    opt.zero_grad()
    loss = loss_fn(x, y, params)
    loss.backward()
    opt.step()
    if isinstance(sched, L.ReduceLROnPlateau):
        sched.step(loss.item())
    else:
        sched.step()
    return loss.item()


def run(name, make_opt, make_sched):
    x, y, params = model_and_data()
    initial = [{"shape": list(p.shape), "data": f32(p)} for p in params]
    opt = make_opt(params)
    sched = make_sched(opt)
    losses = [train_step(x, y, params, opt, sched) for _ in range(K)]
    opt_sd = opt.state_dict()
    sched_sd = clean(sched.state_dict())
    names = ["0.weight", "0.bias", "2.weight", "2.bias"]
    model_sd = collections.OrderedDict((n, p.detach().clone()) for n, p in zip(names, params))
    torch.save({"model": model_sd, "optimizer": opt_sd, "scheduler": sched_sd}, os.path.join(OUT, f"{name}.pt"))
    dumped = {
        "name": name,
        "optimizer": type(opt).__name__,
        "scheduler": type(sched).__name__,
        "x": {"shape": list(x.shape), "data": f32(x)},
        "y": {"shape": list(y.shape), "data": f32(y)},
        "initial": initial,
        "losses": losses,
        "atK": [f32(p) for p in params],
        "optimizerState": to_json(opt_sd),
        "schedulerState": to_json(sched_sd),
        "continued": [],
    }
    for _ in range(M):
        loss = train_step(x, y, params, opt, sched)
        dumped["continued"].append({"loss": loss, "params": [f32(p) for p in params],
                                    "lrs": [g["lr"] for g in opt.param_groups]})
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(dumped, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        run(*case)
        print("wrote", case[0])
