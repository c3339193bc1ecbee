"""Golden values from PyTorch for @nn/layers' convolution, pooling, image-normalisation and embedding tests.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/layers/scripts/golden_conv.py
Writes, under packages/layers/src/golden/ (committed; the tests never need Python):
  conv.json         functional cases (conv1d/2d, conv_transpose1d/2d, max/avg/adaptive pooling, group_norm,
                    embedding): inputs, options (our camelCase names), upstream gradient g, output and the gradients
                    of sum(output * g); BatchNorm2d train/eval steps; a small CNN's state dict, eval output and a
                    train-mode loss with its gradients
  cnn.safetensors   that CNN's state_dict() (num_batches_tracked as I64)
"""
# golden_util first: it configures PyTorch before torch is imported.
from golden_util import batchnorm_case, enc, rnd, write_json, write_state_dict  # isort: skip
import torch
import torch.nn as nn
import torch.nn.functional as F

SNAKE = {"outputPadding": "output_padding", "ceilMode": "ceil_mode", "countIncludePad": "count_include_pad",
         "divisorOverride": "divisor_override", "paddingIdx": "padding_idx", "returnIndices": "return_indices",
         "numGroups": "num_groups"}


def snake(options):
    return {SNAKE.get(k, k): (tuple(v) if isinstance(v, list) else v) for k, v in options.items()}


def case(name, fn, torch_fn, inputs, options, grads=("x", "weight", "bias"), g_scale=1.0):
    """inputs: our argument name -> tensor (float tensors named in `grads` get requires_grad)."""
    ts = {k: (v.clone().requires_grad_() if k in grads and v is not None and v.is_floating_point() else v) for k, v in inputs.items()}
    y = torch_fn(**ts, **snake(options))
    out = {"name": name, "fn": fn, "options": options, "inputs": {k: enc(v) for k, v in inputs.items() if v is not None}}
    if isinstance(y, tuple):  # max pooling with return_indices
        y, idx = y
        out["indices"] = enc(idx)
    g = rnd(*y.shape, scale=g_scale)
    (y * g).sum().backward()
    out["g"] = enc(g)
    out["y"] = enc(y)
    out["grads"] = {k: enc(t.grad) for k, t in ts.items() if t is not None and t.requires_grad}
    return out


def conv_cases():
    torch.manual_seed(11)
    cases = []
    c2 = lambda x, weight, bias=None, **o: F.conv2d(x, weight, bias, **o)
    c1 = lambda x, weight, bias=None, **o: F.conv1d(x, weight, bias, **o)
    t2 = lambda x, weight, bias=None, **o: F.conv_transpose2d(x, weight, bias, **o)
    t1 = lambda x, weight, bias=None, **o: F.conv_transpose1d(x, weight, bias, **o)
    for name, xs, ws, bias, o in (
        ("3x3", [2, 3, 6, 5], [4, 3, 3, 3], True, {}),
        ("3x3 padding 1 stride 2", [2, 2, 7, 6], [3, 2, 3, 3], True, {"stride": 2, "padding": 1}),
        ("2x3 stride [2,1] padding [1,2] dilation [2,1]", [1, 2, 8, 7], [3, 2, 2, 3], True, {"stride": [2, 1], "padding": [1, 2], "dilation": [2, 1]}),
        ("groups 2", [2, 4, 5, 5], [6, 2, 3, 3], True, {"groups": 2, "padding": 1}),
        ("depthwise (groups = channels), no bias", [2, 3, 6, 6], [3, 1, 3, 3], False, {"groups": 3}),
        ("depthwise multiplier 2, dilation 2", [1, 2, 7, 7], [4, 1, 3, 3], True, {"groups": 2, "dilation": 2, "padding": 2}),
        ("'same' odd kernel", [2, 2, 5, 4], [3, 2, 3, 3], True, {"padding": "same"}),
        ("'same' even kernel 4x2, dilation [1,3]", [1, 2, 6, 7], [2, 2, 4, 2], True, {"padding": "same", "dilation": [1, 3]}),
        ("'valid'", [2, 1, 5, 5], [2, 1, 3, 3], True, {"padding": "valid"}),
        ("1x1", [2, 5, 3, 4], [3, 5, 1, 1], True, {}),
        ("unbatched [C, H, W]", [2, 5, 5], [3, 2, 3, 3], True, {"padding": 1}),
    ):
        inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.5), "bias": rnd(ws[0]) if bias else None}
        cases.append(case(f"conv2d {name}", "conv2d", c2, inputs, o))
    for name, xs, ws, bias, o in (
        ("k3", [2, 3, 9], [4, 3, 3], True, {}),
        ("k3 stride 2 padding 1 dilation 2", [2, 2, 11], [3, 2, 3], True, {"stride": 2, "padding": 1, "dilation": 2}),
        ("groups 2 'same' even kernel", [1, 4, 8], [4, 2, 4], False, {"groups": 2, "padding": "same"}),
        ("unbatched", [3, 7], [2, 3, 2], True, {}),
    ):
        inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.5), "bias": rnd(ws[0]) if bias else None}
        cases.append(case(f"conv1d {name}", "conv1d", c1, inputs, o))
    for name, xs, ws, bias, o in (
        ("3x3", [2, 3, 4, 5], [3, 2, 3, 3], True, {}),
        ("stride 2 padding 1 outputPadding 1", [2, 2, 3, 4], [2, 3, 3, 3], True, {"stride": 2, "padding": 1, "outputPadding": 1}),
        ("stride [2,3] dilation [2,1] outputPadding [1,2]", [1, 2, 3, 3], [2, 2, 2, 3], True, {"stride": [2, 3], "dilation": [2, 1], "outputPadding": [1, 2]}),
        ("groups 2, no bias", [2, 4, 3, 3], [4, 3, 2, 2], False, {"groups": 2, "stride": 2}),
        ("unbatched", [2, 3, 3], [2, 1, 2, 2], True, {"stride": 2}),
    ):
        inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.5), "bias": rnd(ws[1] * o.get("groups", 1)) if bias else None}
        cases.append(case(f"convTranspose2d {name}", "convTranspose2d", t2, inputs, o))
    for name, xs, ws, bias, o in (
        ("k4 stride 2 padding 1", [2, 3, 5], [3, 2, 4], True, {"stride": 2, "padding": 1}),
        ("groups 3 outputPadding 2 stride 3", [1, 3, 4], [3, 1, 2], True, {"groups": 3, "stride": 3, "outputPadding": 2}),
    ):
        inputs = {"x": rnd(*xs), "weight": rnd(*ws, scale=0.5), "bias": rnd(ws[1] * o.get("groups", 1)) if bias else None}
        cases.append(case(f"convTranspose1d {name}", "convTranspose1d", t1, inputs, o))
    return cases


def pool_cases():
    torch.manual_seed(12)
    cases = []
    ties = torch.randint(0, 3, (2, 2, 6, 7)).float()  # few distinct values: windows hold ties
    mp2 = lambda x, kernelSize, **o: F.max_pool2d(x, kernelSize, **o)
    for name, x, k, o in (
        ("2x2", rnd(2, 3, 6, 8), 2, {}),
        ("3x3 stride 2 padding 1", rnd(2, 2, 7, 7), 3, {"stride": 2, "padding": 1}),
        ("[2,3] stride [1,2] dilation [2,1]", rnd(1, 2, 7, 8), [2, 3], {"stride": [1, 2], "dilation": [2, 1]}),
        ("3x3 stride 2 ceilMode", rnd(1, 2, 8, 6), 3, {"stride": 2, "ceilMode": True}),
        ("2x2 ceilMode padding 1", rnd(1, 1, 5, 5), 2, {"ceilMode": True, "padding": 1}),
        ("ties keep the first maximum", ties, 2, {"stride": 1}),
        ("returnIndices", rnd(2, 2, 5, 6), 3, {"stride": 2, "returnIndices": True}),
        ("unbatched", rnd(2, 5, 4), 2, {}),
    ):
        cases.append(case(f"maxPool2d {name}", "maxPool2d", lambda x, **o: mp2(x, k, **o), {"x": x}, o) | {"kernelSize": k})
    mp1 = lambda x, kernelSize, **o: F.max_pool1d(x, kernelSize, **o)
    for name, x, k, o in (
        ("3 stride 2 padding 1 ceilMode", rnd(2, 3, 10), 3, {"stride": 2, "padding": 1, "ceilMode": True}),
        ("2 dilation 3", rnd(1, 2, 9), 2, {"dilation": 3, "stride": 1}),
    ):
        cases.append(case(f"maxPool1d {name}", "maxPool1d", lambda x, **o: mp1(x, k, **o), {"x": x}, o) | {"kernelSize": k})
    ap2 = lambda x, kernelSize, **o: F.avg_pool2d(x, kernelSize, **o)
    for name, x, k, o in (
        ("2x2", rnd(2, 3, 6, 8), 2, {}),
        ("3x3 stride 2 padding 1", rnd(2, 2, 7, 6), 3, {"stride": 2, "padding": 1}),
        ("3x3 stride 2 padding 1 countIncludePad=false", rnd(2, 2, 7, 6), 3, {"stride": 2, "padding": 1, "countIncludePad": False}),
        ("3x3 stride 2 ceilMode padding 1", rnd(1, 2, 8, 8), 3, {"stride": 2, "padding": 1, "ceilMode": True}),
        ("3x3 stride 2 ceilMode padding 1 countIncludePad=false", rnd(1, 2, 8, 8), 3, {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}),
        ("[2,3] divisorOverride 4", rnd(1, 2, 6, 6), [2, 3], {"divisorOverride": 4}),
        ("unbatched", rnd(2, 4, 6), 2, {"stride": 1}),
    ):
        cases.append(case(f"avgPool2d {name}", "avgPool2d", lambda x, **o: ap2(x, k, **o), {"x": x}, o) | {"kernelSize": k})
    ap1 = lambda x, kernelSize, **o: F.avg_pool1d(x, kernelSize, **o)
    for name, x, k, o in (
        ("3 stride 2 padding 1 ceilMode countIncludePad=false", rnd(2, 3, 10), 3, {"stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}),
        ("2", rnd(1, 2, 7), 2, {}),
    ):
        cases.append(case(f"avgPool1d {name}", "avgPool1d", lambda x, **o: ap1(x, k, **o), {"x": x}, o) | {"kernelSize": k})
    for name, x, size in (
        ("divisible [2,3]", rnd(2, 3, 6, 9), [2, 3]),
        ("global 1", rnd(2, 3, 5, 7), 1),
        ("overlapping windows [4,3] of 7x5", rnd(2, 2, 7, 5), [4, 3]),
        ("[3,null] of 8x5", rnd(1, 2, 8, 5), [3, None]),
        ("unbatched 5 of 6x7", rnd(2, 6, 7), 5),
    ):
        cases.append(case(f"adaptiveAvgPool2d {name}", "adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, size), {"x": x}, {})
                     | {"outputSize": size})
    for name, x, size in (("3 of 10", rnd(2, 3, 10), 3), ("4 of 4", rnd(1, 2, 4), 4)):
        cases.append(case(f"adaptiveAvgPool1d {name}", "adaptiveAvgPool1d", lambda x: F.adaptive_avg_pool1d(x, size), {"x": x}, {})
                     | {"outputSize": size})
    return cases


def norm_cases():
    torch.manual_seed(13)
    cases = []
    gn = lambda x, weight=None, bias=None, numGroups=1, **o: F.group_norm(x, numGroups, weight, bias, **o)
    for name, xs, groups, affine, o in (
        ("[N,C,H,W] 2 groups", [2, 4, 3, 3], 2, True, {}),
        ("[N,C,L] 3 groups eps 1e-3", [3, 6, 5], 3, True, {"eps": 1e-3}),
        ("[N,C] 1 group (layer-norm like), no affine", [4, 6], 1, False, {}),
        ("instance-norm like (groups = C)", [2, 3, 4, 4], 3, True, {}),
    ):
        inputs = {"x": rnd(*xs, scale=2.0, shift=0.5)}
        if affine:
            inputs["weight"] = rnd(xs[1], scale=0.5, shift=1.0)
            inputs["bias"] = rnd(xs[1], scale=0.5)
        cases.append(case(f"groupNorm {name}", "groupNorm", lambda **kw: gn(numGroups=groups, **kw), inputs, o) | {"numGroups": groups})
    w = rnd(7, 3)
    emb = lambda x, weight, **o: F.embedding(x, weight, **o)
    for name, idx, o in (
        ("[2,4] indices", torch.tensor([[0, 3, 3, 6], [1, 0, 5, 2]]), {}),
        ("paddingIdx 3 (no gradient to that row)", torch.tensor([[0, 3, 3, 6], [3, 0, 5, 2]]), {"paddingIdx": 3}),
        ("paddingIdx -1 on a scalar and a vector", torch.tensor([6, 1, 6]), {"paddingIdx": -1}),
    ):
        cases.append(case(f"embedding {name}", "embedding", emb, {"x": idx, "weight": w}, o))
    return cases


def cnn():
    """Conv-BN-ReLU-MaxPool, Conv-GroupNorm-ReLU, AdaptiveAvgPool, Flatten, Linear: trained 3 SGD steps."""
    torch.manual_seed(15)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, groups=2, padding="same"), nn.GroupNorm(3, 6), nn.ReLU(),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(24, 3),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        x, t = rnd(5, 1, 8, 8), torch.randint(0, 3, (5,))
        opt.zero_grad()
        F.cross_entropy(model(x), t).backward()
        opt.step()
    sd = model.state_dict()
    write_state_dict("cnn.safetensors", sd)
    out = {"keys": list(sd.keys())}
    model.eval()
    x = rnd(3, 1, 8, 8)
    out["eval"] = {"x": enc(x), "y": enc(model(x))}
    model.train()
    opt.zero_grad()
    x, t = rnd(4, 1, 8, 8), torch.randint(0, 3, (4,))
    loss = F.cross_entropy(model(x), t)
    loss.backward()
    out["train"] = {"x": enc(x), "target": enc(t), "loss": float(loss), "grads": {k: enc(p.grad) for k, p in model.named_parameters()},
                    "buffers": {k: enc(b) for k, b in model.named_buffers()}}
    return out


def main():
    write_json("conv.json", {
        "functional": conv_cases() + pool_cases() + norm_cases(),
        "batchnorm2d": [
            batchnorm_case(nn.BatchNorm2d, 14, "[N,C,H,W]", [4, 3, 3, 2], {}),
            batchnorm_case(nn.BatchNorm2d, 14, "[N,C,H,W] momentum=null eps=1e-3", [2, 2, 3, 3], {"momentum": None, "eps": 1e-3}),
            batchnorm_case(nn.BatchNorm2d, 14, "[N,C,H,W] affine=false", [3, 2, 2, 2], {"affine": False}),
        ],
        "cnn": cnn(),
    })


if __name__ == "__main__":
    main()
