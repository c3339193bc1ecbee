"""Golden values from PyTorch for the loss modules (torch.nn.MSELoss, ...) of @nn/layers.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/layers/scripts/golden_loss_modules.py
Writes packages/layers/src/golden/loss-modules.json: per case the module (our class name and constructor
options, tensor options encoded), input, target, loss, d loss / d input of sum(loss * g), and the module's
state_dict keys.
"""
# golden_util first: it configures PyTorch before torch is imported.
from golden_util import enc, rnd, write_json  # isort: skip
import torch
import torch.nn as nn

CLASSES = {"MSELoss": nn.MSELoss, "HuberLoss": nn.HuberLoss, "BCEWithLogitsLoss": nn.BCEWithLogitsLoss,
           "NLLLoss": nn.NLLLoss, "CrossEntropyLoss": nn.CrossEntropyLoss}
TORCH_NAMES = {"ignoreIndex": "ignore_index", "labelSmoothing": "label_smoothing", "posWeight": "pos_weight"}


def case(name, cls, options, x, target):
    module = CLASSES[cls](**{TORCH_NAMES.get(k, k): v for k, v in options.items()})
    x = x.clone().requires_grad_()
    loss = module(x, target)
    g = rnd(*loss.shape)
    (loss * g).sum().backward()
    return {"name": name, "module": cls,
            "options": {k: enc(v) if isinstance(v, torch.Tensor) else v for k, v in options.items()},
            "input": enc(x), "target": enc(target), "g": enc(g), "loss": enc(loss), "dinput": enc(x.grad),
            "keys": list(module.state_dict().keys())}


def cases():
    torch.manual_seed(11)
    out = []
    x, y = rnd(4, 3), rnd(4, 3)
    for r in ("mean", "sum", "none"):
        out.append(case(f"mse {r}", "MSELoss", {"reduction": r}, x, y))
    out.append(case("mse default", "MSELoss", {}, x, y))
    out.append(case("huber default", "HuberLoss", {}, x * 2, y))
    out.append(case("huber delta=0.5 none", "HuberLoss", {"delta": 0.5, "reduction": "none"}, x * 2, y))
    p = torch.rand(4, 3)
    w, pw = rnd(3).abs() + 0.5, rnd(3).abs() + 0.5
    out.append(case("bce default", "BCEWithLogitsLoss", {}, x, p))
    out.append(case("bce weight posWeight sum", "BCEWithLogitsLoss", {"weight": w, "posWeight": pw, "reduction": "sum"}, x, p))
    out.append(case("bce posWeight", "BCEWithLogitsLoss", {"posWeight": pw}, x, p))
    logits = rnd(5, 4)
    t = torch.tensor([0, 3, 1, 2, 3])
    cw = rnd(4).abs() + 0.5
    logp = torch.log_softmax(logits, 1)
    out.append(case("nll default", "NLLLoss", {}, logp, t))
    out.append(case("nll weight ignoreIndex=3 sum", "NLLLoss", {"weight": cw, "ignoreIndex": 3, "reduction": "sum"}, logp, t))
    out.append(case("nll [N,C,d]", "NLLLoss", {"weight": cw}, torch.log_softmax(rnd(2, 4, 3), 1), torch.tensor([[0, 1, 3], [2, 2, 0]])))
    out.append(case("ce default", "CrossEntropyLoss", {}, logits, t))
    out.append(case("ce weight ls=0.1 ignoreIndex=1", "CrossEntropyLoss",
                    {"weight": cw, "labelSmoothing": 0.1, "ignoreIndex": 1}, logits, t))
    out.append(case("ce probabilities weight none", "CrossEntropyLoss", {"weight": cw, "reduction": "none"}, logits,
                    torch.softmax(rnd(5, 4), 1)))
    return out


if __name__ == "__main__":
    write_json("loss-modules.json", {"cases": cases()})
