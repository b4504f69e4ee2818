#!/usr/bin/python3
"""Makes the PyTorch reference trajectories of convfam.test with Debian's
python3-torch: for each train block of Inputs/convfam.nn, its twin
torch.nn.Module (whose attribute names are the .nn bindings), the twin's
initial state_dict (.safetensors), the data (.npy), every step's loss and
the final state_dict (.npz). compare_train.py --state-dict then checks
that deepc's checkpoint holds exactly the twin's names and shapes, so it
loads into the twin with load_state_dict. Run once; the files are
committed and the test runs without torch."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")


class Net2d(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(4, 6, 3, dilation=2, groups=2, padding=1)
        self.b = nn.Conv2d(6, 6, 3, groups=6, padding="same")
        self.c = nn.Conv2d(6, 4, (2, 4), padding="same", dilation=(1, 2))
        self.out = nn.Linear(36, 3)

    def forward(self, x):
        h = self.b(F.relu(self.a(x)))
        h = F.max_pool2d(self.c(torch.tanh(h)), 2)
        return self.out(h.flatten(1))


class Net1d(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(3, 8, 4, padding="same")
        self.b = nn.Conv1d(8, 8, 3, groups=8, dilation=2)
        self.c = nn.Conv1d(8, 4, 2, stride=2, padding=1)
        self.out = nn.Linear(12, 3)

    def forward(self, s):
        h = self.b(F.max_pool1d(F.relu(self.a(s)), 2))
        h = self.c(F.avg_pool1d(torch.tanh(h), 3, stride=1))
        return self.out(h.flatten(1))


class NetResample(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(2, 4, 3, padding=1)
        self.b = nn.Conv2d(4, 6, 2, padding=1)
        self.c = nn.Conv2d(4, 6, 3, stride=2)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        a = self.a(x)
        p = F.adaptive_avg_pool2d(F.relu(a), (3, 4))
        u = F.interpolate(p, scale_factor=2, mode="bilinear", align_corners=False)
        v = F.interpolate(torch.tanh(a), scale_factor=(1, 2), mode="nearest")
        b = self.b(F.adaptive_avg_pool2d(u, (3, 2)))
        c = self.c(v)
        g = (F.adaptive_avg_pool2d(F.relu(b), 1).flatten(1)
             + F.adaptive_avg_pool2d(torch.tanh(c), 1).flatten(1))
        return self.out(g)


def run(name, net, x, y, batch=8, epochs=2):
    write_safetensors(os.path.join(HERE, name + "_init.safetensors"),
                      {k: v.numpy() for k, v in net.state_dict().items()})
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    losses = []
    for _ in range(epochs):
        for b in range(0, x.shape[0], batch):
            opt.zero_grad()
            loss = F.cross_entropy(net(x[b:b + batch]), y[b:b + batch])
            losses.append(loss.item())
            loss.backward()
            opt.step()
    np.savez(os.path.join(HERE, name + "_expected.npz"), losses=np.array(losses),
             **{k: v.numpy() for k, v in net.state_dict().items()})


torch.manual_seed(19)
rng = np.random.default_rng(19)


def save(name, arr):
    np.save(os.path.join(HERE, name), arr)
    return torch.from_numpy(arr)


# 28 samples in batches of 8 (the last one partial), 2 epochs.
Y = save("conv_y.npy", rng.integers(0, 3, 28).astype(np.int32)).long()
X2 = save("conv_x2d.npy", rng.standard_normal((28, 4, 9, 9)).astype(np.float32))
X1 = save("conv_x1d.npy", rng.standard_normal((28, 3, 20)).astype(np.float32))
run("conv2d", Net2d(), X2, Y)
run("conv1d", Net1d(), X1, Y)
XR = save("conv_xrs.npy", rng.standard_normal((28, 2, 5, 7)).astype(np.float32))
run("resample", NetResample(), XR, Y)
