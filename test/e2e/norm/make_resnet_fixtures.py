#!/usr/bin/python3
"""Makes the PyTorch reference of resnet-mini.test with Debian's
python3-torch: examples/resnet_mini/resnet_mini.nn as an nn.Module (the
README's), its initial state_dict, 80 8x8 images and labels, every step's
loss over 20 SGD steps (batches of 8 in file order, 2 epochs) and the final
weights and running statistics. Run once; the files are committed."""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
torch.manual_seed(23)
rng = np.random.default_rng(29)


class Basic(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.conv2, self.bn2 = nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)

    def forward(self, x):
        h = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(h + x)


class Down(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.proj, self.short = nn.Conv2d(8, 16, 1, stride=2), nn.BatchNorm2d(16)

    def forward(self, x):
        h = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(h + self.short(self.proj(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.bn = nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8)
        self.layer1, self.layer2 = Basic(), Down()
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        h = self.layer2(self.layer1(torch.relu(self.bn(self.stem(x)))))
        return self.fc(nn.functional.avg_pool2d(h, 4).flatten(1))


x = rng.standard_normal((80, 1, 8, 8)).astype(np.float32)
y = rng.integers(0, 10, 80).astype(np.int32)
np.save(os.path.join(HERE, "resnet_x.npy"), x)
np.save(os.path.join(HERE, "resnet_y.npy"), y)
net = ResNet()
write_safetensors(os.path.join(HERE, "resnet_init.safetensors"),
                  {k: v.detach().numpy() for k, v in net.state_dict().items()})
X, Y = torch.from_numpy(x), torch.from_numpy(y).long()
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
losses = []
for _ in range(2):
    for b in range(0, 80, 8):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(X[b:b + 8]), Y[b:b + 8])
        losses.append(loss.item())
        loss.backward()
        opt.step()
state = {k: v.detach().numpy() for k, v in net.state_dict().items()
         if not k.endswith("num_batches_tracked")}
np.savez(os.path.join(HERE, "resnet_expected.npz"), losses=np.array(losses), **state)
net.eval()
np.save(os.path.join(HERE, "resnet_eval.npy"), net(X).detach().numpy())
print("losses", losses)
