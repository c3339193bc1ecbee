"""PyTorch CPU peer for bench/models.js, pinned to one thread: the same workloads; prints median ms per case as JSON.

Usage: models.py STEPS WARMUP CASES (comma-separated names, see models.js).
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from timing import median_ms

steps, warmup = int(sys.argv[1]), int(sys.argv[2])
cases = sys.argv[3].split(",")
torch.set_num_threads(1)
torch.manual_seed(0)


def train_step(model, opt, x, y, label_smoothing=0.0, clip=0.0):
    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y, label_smoothing=label_smoothing).backward()
        if clip:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
    return step


class ResBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.LayerNorm(256), nn.Linear(256, 512), nn.BatchNorm1d(512), nn.GELU(), nn.Dropout(0.1),
                                  nn.Linear(512, 256))

    def forward(self, x):
        return x + self.body(x)


def mlp():
    m = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    return train_step(m, torch.optim.Adam(m.parameters(), lr=1e-3), torch.randn(128, 784), torch.randint(0, 10, (128,)))


def resmlp():
    m = nn.Sequential(nn.Linear(784, 256), ResBlock(), ResBlock(), nn.Linear(256, 10))
    decay = [p for p in m.parameters() if p.dim() == 2]
    rest = [p for p in m.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": rest, "weight_decay": 0.0}], lr=1e-3)
    return train_step(m, opt, torch.randn(128, 784), torch.randint(0, 10, (128,)), label_smoothing=0.1, clip=1.0)


def smallmlp():
    m = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return train_step(m, torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9), torch.randn(25, 784), torch.randint(0, 10, (25,)))


def adamw():
    params = [torch.randn(512, 512, requires_grad=True) for _ in range(4)]
    for p in params:
        p.grad = torch.randn(512, 512)
    opt = torch.optim.AdamW(params, lr=1e-3)
    return opt.step


def add():
    a, b = torch.randn(1 << 20), torch.randn(1 << 20)
    return lambda: a + b


def cnn():
    m = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.1), nn.Linear(64 * 49, 10),
    )
    return train_step(m, torch.optim.AdamW(m.parameters(), lr=1e-3), torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,)))


CASES = {"mlp": mlp, "resmlp": resmlp, "smallmlp": smallmlp, "adamw": adamw, "add": add, "cnn": cnn}
print(json.dumps({name: median_ms(CASES[name](), 20 * steps if name == "add" else steps, warmup) for name in cases}))
