"""A PyTorch state dict holding every layer of @nn/layers that the other fixtures do not cover, for its loading test.

Run with Debian's PyTorch (1.13):  /usr/bin/python3 packages/layers/scripts/golden_zoo.py
Writes, under packages/layers/src/golden/ (committed; the tests never need Python):
  zoo.safetensors  the state_dict() of an nn.ModuleDict of Conv1d, ConvTranspose1d/2d, Embedding (padding_idx),
                   MultiheadAttention (kdim/vdim), GRU (2 layers, bidirectional), LSTMCell, GRUCell, with
                   parameters moved off their initial values
  zoo.json         its keys in order, and each module's input and output in evaluation mode
(CNN layers, LSTM and the transformer have fixtures of their own: cnn.safetensors, rnn.safetensors,
attention.safetensors.)
"""
# golden_util first: it configures PyTorch before torch is imported.
from golden_util import enc, rnd, write_json, write_state_dict  # isort: skip
import torch
import torch.nn as nn


def main():
    torch.manual_seed(16)
    zoo = nn.ModuleDict({
        "conv1d": nn.Conv1d(3, 4, 3, stride=2, padding=1),
        "conv_t1d": nn.ConvTranspose1d(2, 3, 4, stride=2),
        "conv_t2d": nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1, output_padding=1, groups=2),
        "emb": nn.Embedding(10, 4, padding_idx=0),
        "mha": nn.MultiheadAttention(8, 2, kdim=5, vdim=6, batch_first=True),
        "gru": nn.GRU(4, 3, num_layers=2, bidirectional=True),
        "lstm_cell": nn.LSTMCell(4, 3),
        "gru_cell": nn.GRUCell(4, 3),
    })
    with torch.no_grad():
        for p in zoo.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    zoo.eval()
    inputs = {
        "conv1d": rnd(2, 3, 9),
        "conv_t1d": rnd(2, 2, 5),
        "conv_t2d": rnd(1, 4, 3, 3),
        "emb": torch.tensor([[0, 3, 9], [5, 0, 1]]),
        "mha": (rnd(2, 3, 8), rnd(2, 4, 5), rnd(2, 4, 6)),
        "gru": rnd(5, 2, 4),
        "lstm_cell": rnd(2, 4),
        "gru_cell": rnd(2, 4),
    }
    outputs = {}
    with torch.no_grad():
        for name, module in zoo.items():
            x = inputs[name]
            y = module(*x) if isinstance(x, tuple) else module(x)
            if name == "mha":
                y = y[0]
            elif name in ("gru", "lstm_cell"):
                y = y[0]
            outputs[name] = enc(y)
    sd = zoo.state_dict()
    write_state_dict("zoo.safetensors", sd)
    write_json("zoo.json", {
        "keys": list(sd.keys()),
        "inputs": {k: [enc(t) for t in v] if isinstance(v, tuple) else enc(v) for k, v in inputs.items()},
        "outputs": outputs,
    })


if __name__ == "__main__":
    main()
