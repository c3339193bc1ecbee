"""The PyTorch half of the interop round trip (roundtrip.ts): a run trained in @nn continues here.

    python3 continue.py IN.pt OUT.pt

IN.pt is what roundtrip.ts wrote with savePt: {model, optimizer, scheduler} (the optimizer and scheduler in
PyTorch's layout) and the minibatches to train on, {x: [B, 784] float32, y: [B] int32} each. The model is rebuilt
from its state dict's shapes (Linear, ReLU, Linear), every state loaded as a PyTorch user would resume a run,
and trained one step per batch. OUT.pt gets {model, optimizer, scheduler} as torch.save writes them, plus the
losses. Nothing here knows @nn: it is an ordinary PyTorch resume.
"""
import sys

import torch
import torch.nn.functional as F
from torch import nn


def main(src, dst):
    torch.set_num_threads(1)
    ckpt = torch.load(src)
    sd = ckpt["model"]
    hidden, inputs = sd["0.weight"].shape
    model = nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, sd["2.weight"].shape[0]))
    model.load_state_dict(sd)
    # Constructor arguments are placeholders: load_state_dict restores every hyperparameter and the step counts.
    optimizer = torch.optim.AdamW(model.parameters())
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=1)
    optimizer.load_state_dict(ckpt["optimizer"])
    scheduler.load_state_dict(ckpt["scheduler"])
    losses = []
    for x, y in zip(ckpt["batches"]["x"], ckpt["batches"]["y"]):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y.long())
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                "losses": losses}, dst)


if __name__ == "__main__":
    main(*sys.argv[1:3])
