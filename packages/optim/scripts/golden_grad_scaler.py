"""Golden GradScaler trajectories for @nn/optim's grad-scaler tests.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/optim/scripts/golden_grad_scaler.py
Writes packages/optim/src/golden/grad-scaler.json (committed; the tests never need Python).

PyTorch 1.13 on CPU cannot run torch.cuda.amp.GradScaler: it disables itself without CUDA, and the two ops it is
built on, torch._amp_foreach_non_finite_check_and_unscale_ and torch._amp_update_scale_, have no CPU kernels in
1.13 (checked: "Could not run ... with arguments from the 'CPU' backend"). So this script is a LINE-BY-LINE PORT of
torch/cuda/amp/grad_scaler.py (1.13) and of those two CUDA kernels (aten/src/ATen/native/cuda/AmpKernels.cu),
clearly labelled below; everything else is real PyTorch: the models, losses, backward of the scaled loss, the
float32 arithmetic of scaling and unscaling, and torch.optim's SGD/Adam steps.

Each case: scaler options, optimizers over parameter subsets, and a scripted sequence of steps. Per step the
scaled loss is back-propagated; some steps inject inf/NaN into a gradient (what a float16 overflow produces);
some call unscale_ explicitly before step, or pass update(new_scale). Recorded per step: the loss and the scaled
loss, the (scaled) gradients fed to the scaler, the unscaled gradients after step, which optimizers skipped their
step, the scale and growth tracker after update(), and the parameters.
"""
import json
import os

os.environ["ATEN_CPU_CAPABILITY"] = "default"
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "golden", "grad-scaler.json")


def f32(values):
    """Shortest decimal strings that round-trip each float32; non-finite values as 'inf', '-inf', 'nan'."""
    arr = np.asarray(values, dtype=np.float32).reshape(-1)
    return [float(str(v)) if np.isfinite(v) else str(v) for v in arr]


# ---------------------------------------------------------------------------------------------------------------
# PORT of PyTorch 1.13's GradScaler (torch/cuda/amp/grad_scaler.py) with the CUDA kernels it calls, on CPU tensors.
# ---------------------------------------------------------------------------------------------------------------
READY, UNSCALED, STEPPED = 0, 1, 2


def amp_foreach_non_finite_check_and_unscale_(grads, found_inf, inv_scale):
    """AmpKernels.cu: found_inf = 1 if any value is not finite; every value *= inv_scale (in float32)."""
    for g in grads:
        if not torch.isfinite(g).all():
            found_inf.fill_(1.0)
        if inv_scale.item() != 1.0:
            g.mul_(inv_scale)


def amp_update_scale_(current_scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
    """AmpKernels.cu amp_update_scale_cuda_kernel: float scale times double factor, stored as float."""
    if found_inf.item():
        current_scale.fill_(float(np.float32(current_scale.item() * backoff_factor)))
        growth_tracker.fill_(0)
    else:
        successful = growth_tracker.item() + 1
        if successful == growth_interval:
            with np.errstate(over="ignore"):
                new_scale = np.float32(current_scale.item() * growth_factor)
            if np.isfinite(new_scale):  # do not grow the scale past fp32 bounds to inf
                current_scale.fill_(float(new_scale))
            growth_tracker.fill_(0)
        else:
            growth_tracker.fill_(successful)


class PortedGradScaler:
    def __init__(self, init_scale=2.0**16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        assert growth_factor > 1.0, "The growth factor must be > 1.0."
        assert backoff_factor < 1.0, "The backoff factor must be < 1.0."
        self._scale = torch.full((1,), init_scale, dtype=torch.float32)
        self._growth_tracker = torch.full((1,), 0, dtype=torch.int32)
        self._growth_factor, self._backoff_factor, self._growth_interval = growth_factor, backoff_factor, growth_interval
        self._per_optimizer_states = {}

    def _state(self, optimizer):
        return self._per_optimizer_states.setdefault(id(optimizer), {"stage": READY, "found_inf": None})

    def scale(self, outputs):
        return outputs * self._scale

    def unscale_(self, optimizer):
        state = self._state(optimizer)
        if state["stage"] == UNSCALED:
            raise RuntimeError("unscale_() has already been called on this optimizer since the last update().")
        elif state["stage"] == STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        inv_scale = self._scale.double().reciprocal().float()
        found_inf = torch.full((1,), 0.0, dtype=torch.float32)
        with torch.no_grad():
            grads = [p.grad for group in optimizer.param_groups for p in group["params"] if p.grad is not None]
            amp_foreach_non_finite_check_and_unscale_(grads, found_inf, inv_scale)
        state["found_inf"] = found_inf
        state["stage"] = UNSCALED

    def step(self, optimizer):
        state = self._state(optimizer)
        if state["stage"] == STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] == READY:
            self.unscale_(optimizer)
        retval = None
        if not state["found_inf"].item():
            retval = optimizer.step()
        state["stage"] = STEPPED
        return retval

    def update(self, new_scale=None):
        if new_scale is not None:
            self._scale.fill_(new_scale)
        else:
            found_infs = [s["found_inf"] for s in self._per_optimizer_states.values()]
            combined = found_infs[0].clone()
            for f in found_infs[1:]:
                combined += f
            amp_update_scale_(self._scale, self._growth_tracker, combined,
                              self._growth_factor, self._backoff_factor, self._growth_interval)
        self._per_optimizer_states = {}

    def get_scale(self):
        return self._scale.item()
# ---------------------------------------------------------------------------------------------------------------


def make_optimizer(spec, params):
    chosen = [params[i] for i in spec["params"]]
    opts = spec["options"]
    if spec["type"] == "SGD":
        return torch.optim.SGD(chosen, lr=opts["lr"], momentum=opts.get("momentum", 0))
    return torch.optim.Adam(chosen, lr=opts["lr"])


def run_case(case):
    gen = torch.Generator().manual_seed(case["seed"])
    params = [torch.randn(s, generator=gen).requires_grad_() for s in case["shapes"]]
    x = torch.randn(4, case["shapes"][0][1], generator=gen) * case["input_scale"]
    y = torch.randn(4, case["shapes"][0][0], generator=gen)
    out = {
        "name": case["name"],
        "options": case["options"],
        "optimizers": case["optimizers"],
        "params": [{"shape": list(p.shape), "data": f32(p.detach())} for p in params],
        "steps": [],
    }
    o = case["options"]
    scaler = PortedGradScaler(o["initScale"], o["growthFactor"], o["backoffFactor"], o["growthInterval"])
    optimizers = [make_optimizer(spec, params) for spec in case["optimizers"]]
    for t in range(case["steps"]):
        script = case["script"].get(t, {})
        for p in params:
            p.grad = None
        w, b = params
        loss = ((x @ w.t() + b - y) ** 2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        with torch.no_grad():
            for (i, pos, value) in script.get("inject", []):
                params[i].grad.view(-1)[pos] = value
        grads = [f32(p.grad) for p in params]
        if script.get("unscale_first"):
            for opt in optimizers:
                scaler.unscale_(opt)
        skipped = []
        for opt in optimizers:
            scaler.step(opt)
            skipped.append(bool(scaler._state(opt)["found_inf"].item()))
        new_scale = script.get("new_scale")
        scaler.update(new_scale)
        out["steps"].append({
            "loss": f32(loss.detach())[0],
            "scaledLoss": f32(scaled.detach())[0],
            "grads": grads,
            "unscaleFirst": bool(script.get("unscale_first")),
            "newScale": new_scale,
            "unscaledGrads": [f32(p.grad) for p in params],
            "skipped": skipped,
            "scale": scaler.get_scale(),
            "growthTracker": int(scaler._growth_tracker.item()),
            "params": [f32(p.detach()) for p in params],
        })
    return out


INF, NAN = float("inf"), float("nan")
CASES = [
    {
        # Growth every 3 clean steps, backoff on injected inf / NaN / -inf (twice in a row), an explicit unscale_
        # before step, and update(new_scale).
        "name": "SGD with momentum: growth, backoff on inf and NaN, explicit unscale_, update(newScale)",
        "seed": 0, "shapes": [[2, 3], [2]], "input_scale": 1.0, "steps": 14,
        "options": {"initScale": 1024.0, "growthFactor": 2.0, "backoffFactor": 0.5, "growthInterval": 3},
        "optimizers": [{"type": "SGD", "options": {"lr": 0.05, "momentum": 0.9}, "params": [0, 1]}],
        "script": {
            2: {"inject": [(0, 4, INF)]},
            4: {"unscale_first": True},
            6: {"inject": [(1, 0, NAN)]},
            7: {"inject": [(0, 0, -INF), (1, 1, INF)]},
            11: {"new_scale": 300.0},
        },
    },
    {
        # Two optimizers: the one whose gradients overflow skips its step, the other steps; the scale backs off
        # once for both. growth_factor 4, backoff_factor 0.25, growth_interval 2.
        "name": "Adam and SGD over separate parameters: only the overflowing optimizer skips",
        "seed": 1, "shapes": [[3, 2], [3]], "input_scale": 1.0, "steps": 9,
        "options": {"initScale": 256.0, "growthFactor": 4.0, "backoffFactor": 0.25, "growthInterval": 2},
        "optimizers": [
            {"type": "Adam", "options": {"lr": 0.1}, "params": [0]},
            {"type": "SGD", "options": {"lr": 0.1, "momentum": 0.0}, "params": [1]},
        ],
        "script": {
            1: {"inject": [(1, 2, INF)]},
            4: {"inject": [(0, 5, NAN)], "unscale_first": True},
            5: {"inject": [(0, 0, INF), (1, 0, -INF)]},
        },
    },
    {
        # A scale near the float32 maximum: the scaled loss and gradients overflow by themselves (no injection),
        # the scaler backs off until they are finite; growth that would reach inf is refused.
        "name": "scale near float32 max: natural overflow, backoff, growth refused at inf",
        "seed": 2, "shapes": [[2, 2], [2]], "input_scale": 3.0, "steps": 10,
        "options": {"initScale": 2.0**127, "growthFactor": 2.0, "backoffFactor": 0.5, "growthInterval": 1},
        "optimizers": [{"type": "SGD", "options": {"lr": 0.1, "momentum": 0.0}, "params": [0, 1]}],
        "script": {},
    },
]

if __name__ == "__main__":
    cases = [run_case(c) for c in CASES]
    with open(OUT, "w") as f:
        json.dump({"generator": "scripts/golden_grad_scaler.py (PyTorch %s, GradScaler ported)" % torch.__version__,
                   "cases": cases}, f, indent=1, allow_nan=False)
    for c in cases:
        print(c["name"])
        for i, s in enumerate(c["steps"]):
            print("  step", i, "skipped", s["skipped"], "scale", s["scale"], "tracker", s["growthTracker"],
                  "loss", s["loss"], "scaled", s["scaledLoss"])
