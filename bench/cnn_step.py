"""PyTorch CPU peer for bench/cnn-step.js, pinned to one thread: the same CNN training step and conv2d forward +
backward; prints median ms as JSON."""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from timing import median_ms

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
warmup = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(1)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Dropout(0.1), nn.Linear(64 * 49, 10),
)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
x = torch.randn(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))


def step():
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()


cx = torch.randn(64, 32, 14, 14, requires_grad=True)
cw = torch.randn(64, 32, 3, 3, requires_grad=True)


def conv():
    cx.grad = cw.grad = None
    F.conv2d(cx, cw, padding=1).sum().backward()


print(json.dumps({"step": median_ms(step, steps, warmup), "conv": median_ms(conv, steps, warmup)}))
