#!/usr/bin/python3
"""Makes the PyTorch reference trajectories of recurrent.test with Debian's
python3-torch: for each train block of Inputs/recurrent.nn, its twin
torch.nn.Module (attribute names are the .nn bindings, so the state_dict
names are deepc's parameter names), the twin's initial state_dict
(.safetensors), the data (.npy), the untrained twin's outputs on the
data's first 4 steps (_predict4.npy), every step's loss and the final
state_dict (.npz). Run once; the files are committed and the test runs
without torch."""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")


def reversed_layer(layer, x):
    """`layer(x, reverse = true)` in deepc: the sequence read from its end."""
    return layer(x.flip(1))[0].flip(1)


class LstmNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.LSTM(3, 6, batch_first=True)
        self.b = nn.LSTM(6, 5, batch_first=True)
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        a = self.a(x)[0]
        b = reversed_layer(self.b, a)
        return self.out(b.mean(1))


class GruNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.GRU(3, 6, batch_first=True)
        self.b = nn.GRU(6, 5, batch_first=True)
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        a = reversed_layer(self.a, x)
        b = self.b(a)[0]
        return self.out(b.mean(1))


def run(name, net, x, y, batch=8, epochs=2):
    write_safetensors(os.path.join(HERE, name + "_init.safetensors"),
                      {k: v.numpy() for k, v in net.state_dict().items()})
    # The untrained twin on the first 4 steps: T differs from training's.
    with torch.no_grad():
        np.save(os.path.join(HERE, name + "_predict4.npy"), net(x[:, :4]).numpy())
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


# 28 sequences of 9 steps in batches of 8 (the last one partial), 2 epochs.
Y = save("rnn_y.npy", rng.integers(0, 3, 28).astype(np.int32)).long()
X = save("rnn_x.npy", rng.standard_normal((28, 9, 3)).astype(np.float32))
run("lstm", LstmNet(), X, Y)
run("gru", GruNet(), X, Y)
