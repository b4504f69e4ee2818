#!/usr/bin/python3
"""Makes the PyTorch reference trajectory of lenet.test with Debian's
python3-torch, as make_fixtures.py does for the MLPs: LeNet-5
(examples/lenet/lenet.nn) from torch.nn's initial weights, Adam (lr 1e-3),
20 steps of 16 samples of Fashion-MNIST's training set in file order; the
loss of every step and the final weights. Run once; the files are committed
and the test runs without torch."""
import gzip
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
DATA = "/usr/share/datasets/fashion-mnist"
STEPS, BATCH = 20, 16
torch.manual_seed(5)

n = STEPS * BATCH
with gzip.open(os.path.join(DATA, "train-images-idx3-ubyte.gz")) as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16)[:n * 784]
with gzip.open(os.path.join(DATA, "train-labels-idx1-ubyte.gz")) as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
# uint8 as deepc reads it: scaled to [0, 1].
x = images.reshape(n, 1, 28, 28)
np.save(os.path.join(HERE, "lenet_x.npy"), x)
np.save(os.path.join(HERE, "lenet_y.npy"), labels.astype(np.int32))
X = torch.from_numpy(x.astype(np.float32) / 255.0)
Y = torch.from_numpy(labels.astype(np.int64))

layers = {"c1": torch.nn.Conv2d(1, 6, 5, padding=2), "c2": torch.nn.Conv2d(6, 16, 5),
          "f1": torch.nn.Linear(400, 120), "f2": torch.nn.Linear(120, 84),
          "out": torch.nn.Linear(84, 10)}
params = {f"{k}.{p}": getattr(m, p) for k, m in layers.items() for p in ("weight", "bias")}
write_safetensors(os.path.join(HERE, "lenet_init.safetensors"),
                  {k: v.detach().numpy() for k, v in params.items()})


def forward(x):
    F = torch.nn.functional
    p1 = F.max_pool2d(F.relu(layers["c1"](x)), 2)
    p2 = F.max_pool2d(F.relu(layers["c2"](p1)), 2)
    f1 = layers["f1"](p2.flatten(1))
    f2 = layers["f2"](F.relu(f1))
    return layers["out"](F.relu(f2))


opt = torch.optim.Adam(list(params.values()), lr=1e-3)
losses = []
for s in range(STEPS):
    xb, yb = X[s * BATCH:(s + 1) * BATCH], Y[s * BATCH:(s + 1) * BATCH]
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(forward(xb), yb)
    losses.append(loss.item())
    loss.backward()
    opt.step()
np.savez(os.path.join(HERE, "lenet_expected.npz"), losses=np.array(losses),
         **{k: v.detach().numpy() for k, v in params.items()})
