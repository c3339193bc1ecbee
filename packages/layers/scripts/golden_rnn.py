"""Golden values from PyTorch for the recurrent layers of @nn/layers (LSTM, GRU, LSTMCell, GRUCell).

Run with Debian's PyTorch (1.13):
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 packages/layers/scripts/golden_rnn.py
Writes, under packages/layers/src/golden/ (committed; the tests never need Python):
  rnn.json         cases: options, parameters (state-dict keys in PyTorch's order), input, initial states, outputs,
                   final states, upstream gradients and the gradients of
                   sum(output * g) + sum(hN * gh) (+ sum(cN * gc)) w.r.t. input, initial states and parameters;
                   plus `fixture`: the input and outputs of the model saved in rnn.safetensors
  rnn.safetensors  the state_dict() of a 2-layer bidirectional LSTM (PyTorch's default initialisation)
"""
# golden_util first: it configures PyTorch before torch is imported.
from golden_util import OUT, enc, rnd, write_json, write_state_dict  # isort: skip
import zlib

import torch
import torch.nn as nn

CLASSES = {"LSTM": nn.LSTM, "GRU": nn.GRU, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}
SNAKE = {"numLayers": "num_layers", "batchFirst": "batch_first", "bidirectional": "bidirectional", "bias": "bias",
         "dropout": "dropout"}


def case(name, mode, shape, options=None, states=True, input_size=4, hidden=3):
    """One forward/backward of `mode` on a random input of `shape`, with random initial states or none."""
    options = options or {}
    torch.manual_seed(zlib.crc32(name.encode()))
    m = CLASSES[mode](input_size, hidden, **{SNAKE[k]: v for k, v in options.items()})
    m.train()
    with torch.no_grad():  # wider than the default U(-1/sqrt(H), 1/sqrt(H)) so that the gates saturate somewhat
        for p in m.parameters():
            p.copy_(rnd(*p.shape, scale=0.6))
    x = rnd(*shape).requires_grad_()
    is_cell = mode.endswith("Cell")
    lstm = mode.startswith("LSTM")
    d = 2 if options.get("bidirectional") else 1
    if is_cell:
        state_shape = [hidden] if len(shape) == 1 else [shape[0], hidden]
    else:
        batch = [] if len(shape) == 2 else [shape[0] if options.get("batchFirst") else shape[1]]
        state_shape = [d * options.get("numLayers", 1), *batch, hidden]
    h0 = rnd(*state_shape).requires_grad_() if states else None
    c0 = rnd(*state_shape).requires_grad_() if states and lstm else None
    hx = (h0, c0) if states and lstm else h0

    out = {"name": name, "mode": mode, "inputSize": input_size, "hiddenSize": hidden, "options": options,
           "params": {k: enc(v) for k, v in m.state_dict().items()}, "x": enc(x)}
    if is_cell:
        res = m(x, hx)
        h, c = res if lstm else (res, None)
        y = None
    else:
        y, hn = m(x, hx)
        h, c = hn if lstm else (hn, None)
    loss = 0
    for key, t in (("y", y), ("hN", h), ("cN", c)):
        if t is not None:
            g = rnd(*t.shape)
            loss = loss + (t * g).sum()
            out[key] = enc(t)
            out["g" + key] = enc(g)
    loss.backward()
    out["dx"] = enc(x.grad)
    for key, t in (("h0", h0), ("c0", c0)):
        if t is not None:
            out[key] = enc(t)
            out["d" + key] = enc(t.grad)
    out["grads"] = {k: enc(p.grad) for k, p in m.named_parameters()}
    return out


def cases():
    out = []
    for mode in ("LSTM", "GRU"):
        out += [
            case(f"{mode} 1 layer, given states", mode, [5, 3, 4]),
            case(f"{mode} 1 layer, zero states", mode, [5, 3, 4], states=False),
            case(f"{mode} 2 layers bidirectional", mode, [5, 2, 3], {"numLayers": 2, "bidirectional": True}, input_size=3),
            case(f"{mode} batchFirst", mode, [2, 5, 4], {"batchFirst": True}),
            case(f"{mode} no bias, 2 layers", mode, [4, 3, 4], {"bias": False, "numLayers": 2}, states=False),
            case(f"{mode} unbatched, given states", mode, [5, 4], {"bidirectional": True}),
            case(f"{mode} unbatched batchFirst, zero states", mode, [5, 4], {"batchFirst": True}, states=False),
            case(f"{mode} 2 layers, dropout 0 in training mode", mode, [4, 2, 4], {"numLayers": 2, "dropout": 0.0}),
        ]
    for mode in ("LSTMCell", "GRUCell"):
        out += [
            case(f"{mode} given state", mode, [3, 4], hidden=4),
            case(f"{mode} zero state", mode, [3, 4], states=False, hidden=4),
            case(f"{mode} no bias", mode, [2, 4], {"bias": False}),
            case(f"{mode} unbatched", mode, [4]),
        ]
    return out


def fixture():
    """A 2-layer bidirectional LSTM with PyTorch's own initialisation, saved as a state dict, and its outputs."""
    torch.manual_seed(11)
    m = nn.LSTM(4, 5, num_layers=2, bidirectional=True).eval()
    write_state_dict("rnn.safetensors", m.state_dict())
    x = rnd(6, 2, 4)
    with torch.no_grad():
        y, (h, c) = m(x)
    return {"inputSize": 4, "hiddenSize": 5, "options": {"numLayers": 2, "bidirectional": True},
            "keys": list(m.state_dict().keys()), "x": enc(x), "y": enc(y), "hN": enc(h), "cN": enc(c)}


if __name__ == "__main__":
    write_json("rnn.json", {"cases": cases(), "fixture": fixture()})
    print(f"wrote rnn.json and rnn.safetensors to {OUT}")
