#!/usr/bin/python3
"""Makes the reference of drift.test with Debian's python3-torch: the
residual CNN of Inputs/drift_cnn.nn as an nn.Module, its initial
state_dict (float32), and 20 SGD steps (lr 0.05, momentum 0.9, weight
decay 5e-4) over the first 640 Fashion-MNIST training images in batches of
32, in file order, run in float64 from the float32 weights and images:
every step's loss; and the losses of the same run in float32 (PyTorch's
own rounding, the bar that check_drift.py holds deepc to). Run once; the
files are committed."""
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
DATA = "/usr/share/datasets/fashion-mnist"
torch.manual_seed(15)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.conv2, self.bn2 = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)

    def forward(self, x):
        h = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(h + x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.bn = nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.b1, self.b2 = Block(), Block()
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        h = nn.functional.max_pool2d(torch.relu(self.bn(self.stem(x))), 2)
        return self.fc(self.b2(self.b1(h)).mean(dim=(2, 3)))


def load(name, offset, count, shape):
    with gzip.open(os.path.join(DATA, name)) as f:
        raw = f.read()
    return np.frombuffer(raw, np.uint8, offset=offset)[:count * int(np.prod(shape))].reshape(count, *shape)


x = (load("train-images-idx3-ubyte.gz", 16, 640, (1, 28, 28)) / np.float32(255)).astype(np.float32)
y = load("train-labels-idx1-ubyte.gz", 8, 640, ()).astype(np.int64)
init = Net()
state = {k: v.detach().clone() for k, v in init.state_dict().items()}
write_safetensors(os.path.join(HERE, "drift_init.safetensors"),
                  {k: v.numpy() for k, v in state.items()})


def run(dtype):
    net = Net()
    net.load_state_dict(state)
    net.to(dtype)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    X, Y = torch.from_numpy(x).to(dtype), torch.from_numpy(y)
    losses = []
    for b in range(0, 640, 32):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(X[b:b + 32]), Y[b:b + 32])
        losses.append(loss.item())
        loss.backward()
        opt.step()
    stats = {k: v.detach().double().numpy() for k, v in net.state_dict().items()
             if k.endswith("running_mean") or k.endswith("running_var")}
    return np.array(losses), stats


losses64, stats64 = run(torch.float64)
losses32, stats32 = run(torch.float32)
np.savez(os.path.join(HERE, "drift_expected.npz"), losses=losses64,
         losses_f32=losses32)
rel = np.abs(losses32 - losses64) / losses64
print("float32 vs float64 loss, relative, per step:", " ".join(f"{r:.1e}" for r in rel))
print("float32 running stats, max relative:",
      max((np.abs(stats32[k] - stats64[k]) / np.abs(stats64[k])).max() for k in stats64))
