#!/usr/bin/python3
"""Makes the PyTorch references of the batchnorm and dropout tests with
Debian's python3-torch, as ../train/make_fixtures.py does for the MLPs:
initial weights (the module's state_dict, PyTorch's names, its
num_batches_tracked included), data (.npy), every step's loss and the final
weights and running statistics (.npz), and the eval-mode outputs of the
trained model. Also the dropout masks of the hash of docs/DIALECT.md
("Dropout"), computed here from its definition with Python integers. Run
once; the files are committed and the tests run without torch."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
torch.manual_seed(5)
rng = np.random.default_rng(17)


class Net(torch.nn.Module):
    """bn_mlp.nn: dense, BatchNorm1d, relu, dense to [N, 4, 2, 2],
    BatchNorm2d, flatten, dense."""

    def __init__(self):
        super().__init__()
        self.h = torch.nn.Linear(20, 16)
        self.bn1 = torch.nn.BatchNorm1d(16)
        self.g = torch.nn.Linear(16, 16)
        self.bn2 = torch.nn.BatchNorm2d(4, momentum=0.2, eps=1e-3)
        self.out = torch.nn.Linear(16, 4)

    def forward(self, x):
        a = torch.relu(self.bn1(self.h(x)))
        b = self.bn2(self.g(a).reshape(-1, 4, 2, 2))
        return self.out(torch.relu(b).flatten(1))


x = rng.standard_normal((36, 20)).astype(np.float32)
y = rng.integers(0, 4, 36).astype(np.int32)
np.save(os.path.join(HERE, "x.npy"), x)
np.save(os.path.join(HERE, "y.npy"), y)
net = Net()
# Non-trivial starting statistics, so that loading them is tested too.
with torch.no_grad():
    net.bn1.running_mean.copy_(torch.randn(16) * 0.1)
    net.bn1.running_var.copy_(torch.rand(16) + 0.5)
    net.bn1.weight.copy_(torch.rand(16) + 0.5)
    net.bn1.bias.copy_(torch.randn(16) * 0.1)
write_safetensors(os.path.join(HERE, "bn_init.safetensors"),
                  {k: v.detach().numpy() for k, v in net.state_dict().items()})
X, Y = torch.from_numpy(x), torch.from_numpy(y).long()

# The untrained model in eval mode: running statistics from the file.
net.eval()
np.save(os.path.join(HERE, "bn_init_eval.npy"), net(X).detach().numpy())
net.train()

opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
losses = []
for _ in range(2):
    for b in range(0, 36, 8):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(X[b:b + 8]), Y[b:b + 8])
        losses.append(loss.item())
        loss.backward()
        opt.step()
state = {k: v.detach().numpy() for k, v in net.state_dict().items()
         if not k.endswith("num_batches_tracked")}
np.savez(os.path.join(HERE, "bn_expected.npz"), losses=np.array(losses), **state)
net.eval()
np.save(os.path.join(HERE, "bn_trained_eval.npy"), net(X).detach().numpy())

# Dropout masks: the hash of docs/DIALECT.md for seed 7, streams 0 and 1,
# counters 0 and 1, over a [3, 5] tensor, p = 0.3.
M = 2 ** 64


def fmix(h):
    h ^= h >> 33
    h = h * 0xff51afd7ed558ccd % M
    h ^= h >> 33
    h = h * 0xc4ceb9fe1a85ec53 % M
    h ^= h >> 33
    return h


def mask(seed, stream, counter, n, p):
    key = fmix((seed * 0x9E3779B97F4A7C15 + stream) % M)
    hc = fmix(key ^ (counter * 0xBF58476D1CE4E5B9 % M))
    t = round(p * 2 ** 24)
    return [int(fmix(hc ^ (i * 0x94D049BB133111EB % M)) >> 40 >= t)
            for i in range(n)]


with open(os.path.join(HERE, "dropout_masks.txt"), "w") as f:
    for stream in (0, 1):
        for counter in (0, 1):
            m = np.array(mask(7, stream, counter, 15, 0.3)).reshape(3, 5)
            f.write(f"stream {stream} counter {counter}: {m.tolist()}\n")
print("losses", losses)
