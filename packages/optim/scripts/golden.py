"""Golden optimizer trajectories from PyTorch for @nn/optim's tests.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/optim/scripts/golden.py
Writes packages/optim/src/golden/<optimizer>.json (committed; the tests never need Python).

Each case: initial parameters, a fixed pseudo-random gradient for every parameter at every step (stored, so the
TypeScript side feeds the same ones; `null` means "no gradient this step", which must skip the parameter), optional
hyperparameter changes written into param groups before a step (what schedulers do), and after every step the
parameters and the optimizer state.

ATEN_CPU_CAPABILITY=default selects ATen's portable kernels: the AVX2 ones contract `a + alpha*b` into fused
multiply-adds, which round differently from the separate float32 operations @nn/tensor performs. With the
portable kernels PyTorch rounds every intermediate to float32, as the TypeScript implementation does.
"""
import json
import os
import sys

os.environ["ATEN_CPU_CAPABILITY"] = "default"
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "golden")
STEPS = 8
SHAPES = [[5], [2, 3], []]

# camelCase option -> PyTorch keyword
TORCH_NAMES = {
    "weightDecay": "weight_decay", "lrDecay": "lr_decay", "initialAccumulatorValue": "initial_accumulator_value",
    "momentumDecay": "momentum_decay",
}
STATE_NAMES = {
    "step": "step", "exp_avg": "expAvg", "exp_avg_sq": "expAvgSq", "max_exp_avg_sq": "maxExpAvgSq",
    "momentum_buffer": "momentumBuffer", "square_avg": "squareAvg", "grad_avg": "gradAvg", "acc_delta": "accDelta",
    "sum": "sum", "exp_inf": "expInf", "mu_product": "muProduct",
}


def f32(values):
    """Shortest decimal strings that round-trip each float32 (parsed back as float32 on the TS side)."""
    arr = np.asarray(values, dtype=np.float32).reshape(-1)
    return [float(str(v)) if np.isfinite(v) else str(v) for v in arr]


def torch_options(opts):
    out = {}
    for k, v in opts.items():
        if k in ("decoupledWeightDecay",):
            continue
        out[TORCH_NAMES.get(k, k)] = tuple(v) if k == "betas" else v
    return out


class Lion(torch.optim.Optimizer):
    """The authors' reference (google/automl lion_pytorch.py), plus `maximize`."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay, maximize=maximize))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = -p.grad if group["maximize"] else p.grad
                if group["weight_decay"] != 0:
                    p.mul_(1 - group["lr"] * group["weight_decay"])
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                beta1, beta2 = group["betas"]
                update = exp_avg * beta1 + grad * (1 - beta1)
                p.add_(torch.sign(update), alpha=-group["lr"])
                exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


def make(name, params, opts, groups):
    """The PyTorch optimizer, plus a hook emulating the PyTorch 2.x-only options (maximize and decoupled weight
    decay for NAdam / RAdam) on 1.13: negate the gradient, or decay the weights and pass weight_decay=0."""
    emulate = name in ("NAdam", "RAdam")
    cls = Lion if name == "Lion" else getattr(torch.optim, name)
    if emulate:
        plain = lambda o: {k: v for k, v in o.items() if k not in ("maximize", "decoupledWeightDecay")}  # noqa: E731
        decoupled = lambda o: o.get("decoupledWeightDecay", opts.get("decoupledWeightDecay", False))  # noqa: E731

        def strip(o):
            o = plain(o)
            if decoupled(o) and "weightDecay" in o:
                o["weightDecay"] = 0
            return o
    else:
        strip = lambda o: o  # noqa: E731
    kw = torch_options(strip(dict(opts)))
    if name not in ("Lion",):
        kw["foreach"] = False
    if groups is None:
        arg = params
    else:
        arg = []
        for g in groups:
            d = torch_options(strip(dict(g["options"])))
            d["params"] = [params[i] for i in g["params"]]
            arg.append(d)
    opt = cls(arg, **kw)
    meta = []  # per torch group: (maximize, decoupled weight decay or 0) under emulation
    for i, g in enumerate(opt.param_groups):
        gopts = dict(opts, **(groups[i]["options"] if groups else {}))
        wd = gopts.get("weightDecay", 0) if emulate and gopts.get("decoupledWeightDecay", False) else 0
        meta.append((emulate and gopts.get("maximize", False), wd))
    return opt, meta


def run_case(case):
    gen = torch.Generator().manual_seed(case["seed"])
    params = [torch.randn(s, generator=gen).requires_grad_(True) for s in SHAPES]
    initial = [{"shape": list(p.shape), "data": f32(p.detach())} for p in params]
    opt, meta = make(case["optimizer"], params, case["options"], case.get("groups"))
    steps = []
    for t in range(STEPS):
        grads = []
        for i, p in enumerate(params):
            if i == 2 and t == 2:  # no gradient: the parameter must be skipped
                grads.append(None)
                continue
            g = torch.randn(p.shape, generator=gen) * case.get("gradScale", 1.0)
            if i == 0:
                g[t % 5] = 0.0  # a zero entry that moves around
            grads.append(g)
        sets = [s for s in case.get("set", []) if s["step"] == t]
        for s in sets:
            torch_key = TORCH_NAMES.get(s["key"], s["key"])
            opt.param_groups[s["group"]][torch_key] = tuple(s["value"]) if s["key"] == "betas" else s["value"]
        with torch.no_grad():
            for gi, group in enumerate(opt.param_groups):
                maximize, wd = meta[gi]
                for p in group["params"]:
                    g = grads[[id(q) for q in params].index(id(p))]
                    p.grad = None if g is None else (-g if maximize else g.clone())
                    if g is not None and wd != 0:
                        p.mul_(1 - group["lr"] * wd)
        opt.step()
        state = {}
        for i, p in enumerate(params):
            st = opt.state.get(p, {})
            entry = {}
            for k, v in st.items():
                if v is None:
                    continue
                if k in ("step", "mu_product"):  # scalars (a float32 0-d tensor, or an int for some optimizers)
                    entry[STATE_NAMES[k]] = float(v)
                else:
                    entry[STATE_NAMES[k]] = f32(v)
            if entry:
                state[str(i)] = entry
        steps.append({
            "grads": [None if g is None else f32(g) for g in grads],
            "set": [{k: v for k, v in s.items() if k != "step"} for s in sets],
            "params": [f32(p.detach()) for p in params],
            "state": state,
        })
    return {k: case[k] for k in ("name", "optimizer", "options") if k in case} | (
        {"groups": case["groups"]} if case.get("groups") else {}
    ) | {"params": initial, "steps": steps}


TWO_GROUPS = [{"params": [0, 1], "options": {}}, {"params": [2], "options": {"lr": 0.002}}]

CASES = {
    "SGD": [
        {"name": "plain", "options": {"lr": 0.1}},
        {"name": "momentum + weight decay", "options": {"lr": 0.05, "momentum": 0.9, "weightDecay": 0.01}},
        {"name": "nesterov", "options": {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 0.1}},
        {"name": "dampening + maximize", "options": {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "maximize": True}},
        {"name": "groups + lr and momentum changes", "options": {"lr": 0.05, "momentum": 0.9},
         "groups": [{"params": [0, 1], "options": {"lr": 0.1}}, {"params": [2], "options": {"lr": 0.01, "momentum": 0.5}}],
         "set": [{"step": 4, "group": 0, "key": "lr", "value": 0.03}, {"step": 5, "group": 1, "key": "momentum", "value": 0.7}]},
    ],
    "Adam": [
        {"name": "lr 0.01", "options": {"lr": 0.01}},
        {"name": "amsgrad + weight decay + betas", "options": {"lr": 0.01, "amsgrad": True, "weightDecay": 0.1, "betas": [0.8, 0.99]}},
        {"name": "maximize + large eps", "options": {"lr": 0.02, "eps": 1e-3, "maximize": True}},
        {"name": "groups + lr and betas changes", "options": {"lr": 0.01}, "groups": TWO_GROUPS,
         "set": [{"step": 3, "group": 0, "key": "betas", "value": [0.85, 0.999]}, {"step": 5, "group": 1, "key": "lr", "value": 0.05}]},
        {"name": "amsgrad with shrinking gradients", "options": {"lr": 0.01, "amsgrad": True}, "gradScale": 0.1},
    ],
    "AdamW": [
        {"name": "default weight decay", "options": {"lr": 0.01}},
        {"name": "amsgrad + maximize + weight decay 0.1", "options": {"lr": 0.01, "weightDecay": 0.1, "amsgrad": True, "maximize": True}},
        {"name": "groups with different weight decay", "options": {"lr": 0.02},
         "groups": [{"params": [0, 1], "options": {"weightDecay": 0.5}}, {"params": [2], "options": {"weightDecay": 0, "lr": 0.05}}]},
    ],
    "Adagrad": [
        {"name": "lr 0.1", "options": {"lr": 0.1}},
        {"name": "lr decay + initial accumulator + weight decay + maximize",
         "options": {"lr": 0.1, "lrDecay": 0.05, "initialAccumulatorValue": 0.1, "weightDecay": 0.01, "eps": 1e-6, "maximize": True}},
        {"name": "groups + lr change", "options": {"lr": 0.1}, "groups": TWO_GROUPS,
         "set": [{"step": 4, "group": 0, "key": "lr", "value": 0.3}]},
    ],
    "RMSprop": [
        {"name": "lr 0.01", "options": {"lr": 0.01}},
        {"name": "centered + momentum + weight decay", "options": {"lr": 0.01, "momentum": 0.9, "centered": True, "weightDecay": 0.05, "alpha": 0.9}},
        {"name": "momentum + maximize", "options": {"lr": 0.01, "momentum": 0.5, "maximize": True}},
        {"name": "centered", "options": {"lr": 0.005, "centered": True, "eps": 1e-4}},
        {"name": "groups", "options": {"lr": 0.01, "momentum": 0.3}, "groups": TWO_GROUPS},
    ],
    "Adadelta": [
        {"name": "defaults", "options": {}},
        {"name": "rho + eps + weight decay + maximize", "options": {"lr": 0.5, "rho": 0.8, "eps": 1e-5, "weightDecay": 0.1, "maximize": True}},
    ],
    "Adamax": [
        {"name": "lr 0.02", "options": {"lr": 0.02}},
        {"name": "betas + weight decay + eps + maximize", "options": {"lr": 0.01, "betas": [0.8, 0.95], "weightDecay": 0.1, "eps": 1e-4, "maximize": True}},
    ],
    "NAdam": [
        {"name": "lr 0.01", "options": {"lr": 0.01}},
        {"name": "momentum decay + weight decay + betas", "options": {"lr": 0.01, "momentumDecay": 0.01, "weightDecay": 0.1, "betas": [0.85, 0.99]}},
        {"name": "decoupled weight decay + maximize (PyTorch 2.x options)", "options": {"lr": 0.01, "weightDecay": 0.1, "decoupledWeightDecay": True, "maximize": True}},
    ],
    "RAdam": [
        {"name": "lr 0.01 (rho_t crosses 5 at step 6)", "options": {"lr": 0.01}},
        {"name": "beta2 0.9 + weight decay", "options": {"lr": 0.01, "betas": [0.9, 0.9], "weightDecay": 0.05}},
        {"name": "decoupled weight decay + maximize (PyTorch 2.x options)", "options": {"lr": 0.01, "betas": [0.8, 0.95], "weightDecay": 0.1, "decoupledWeightDecay": True, "maximize": True}},
    ],
    "Lion": [
        {"name": "lr 0.01", "options": {"lr": 0.01}},
        {"name": "betas + weight decay + maximize", "options": {"lr": 0.01, "betas": [0.95, 0.98], "weightDecay": 0.1, "maximize": True}},
        {"name": "groups + lr change", "options": {"lr": 0.01}, "groups": TWO_GROUPS,
         "set": [{"step": 3, "group": 1, "key": "lr", "value": 0.02}]},
    ],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    total = 0
    for seed_base, (name, cases) in enumerate(CASES.items()):
        out = {"torch": torch.__version__, "steps": STEPS, "cases": []}
        for i, case in enumerate(cases):
            out["cases"].append(run_case(dict(case, optimizer=name, seed=1000 * seed_base + i)))
        path = os.path.join(OUT, f"{name.lower()}.json")
        text = json.dumps(out, separators=(",", ":"))
        with open(path, "w") as f:
            f.write(text + "\n")
        total += len(text)
        print(f"{path}: {len(out['cases'])} cases, {len(text)} bytes")
    print(f"total {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
