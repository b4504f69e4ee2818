#!/usr/bin/python3
"""fashion_cnn_bn.nn in PyTorch (Debian's python3-torch 1.13), same model,
optimizer, cosine schedule over steps and batch, for the wall-time
comparison in README.md. Usage: torch_reference.py [EPOCHS] [MAX_STEPS]
(MAX_STEPS stops early and reports the time per step). PyTorch at its best
here, as /work/shared/TOOLCHAIN.md says: one thread, OpenBLAS unpinned."""
import gzip
import math
import os
import sys
import time

for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(k, None)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["ATEN_CPU_CAPABILITY"] = "avx512"
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(1)
D = "/usr/share/datasets/fashion-mnist"


def load(kind):
    img = gzip.open(f"{D}/{kind}-images-idx3-ubyte.gz").read()[16:]
    lab = gzip.open(f"{D}/{kind}-labels-idx1-ubyte.gz").read()[8:]
    x = np.frombuffer(img, np.uint8).reshape(-1, 1, 28, 28) / 255.0
    return (torch.from_numpy(x.astype(np.float32)),
            torch.from_numpy(np.frombuffer(lab, np.uint8).astype(np.int64)))


net = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.BatchNorm1d(128), nn.ReLU(),
    nn.Dropout(0.4), nn.Linear(128, 10))
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
max_steps = int(sys.argv[2]) if len(sys.argv) > 2 else None
x, y = load("train")
xt, yt = load("t10k")
steps_per_epoch = math.ceil(len(x) / 64)
total = epochs * steps_per_epoch
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, total) / total)))
step = 0
start, cpu0 = time.time(), time.process_time()
for epoch in range(epochs):
    net.train()
    order = torch.randperm(len(x))
    for b in range(0, len(x), 64):
        idx = order[b:b + 64]
        opt.zero_grad()
        loss = nn.functional.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        if max_steps and step == max_steps:
            t, c = time.time() - start, time.process_time() - cpu0
            print(f"{step} steps in {t:.1f} s wall, {c:.1f} s CPU: "
                  f"{1000 * t / step:.1f} ms wall, {1000 * c / step:.1f} ms CPU per step")
            sys.exit(0)
    net.eval()
    with torch.no_grad():
        acc = (net(xt).argmax(1) == yt).float().mean().item()
    print(f"epoch {epoch + 1}: test accuracy {acc:.4f}, {time.time() - start:.0f} s "
          f"wall, {time.process_time() - cpu0:.0f} s CPU")
