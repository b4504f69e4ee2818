#!/usr/bin/python3
"""fashion_cnn_bn.nn in PyTorch (Debian's python3-torch 1.13), same model,
optimizer, cosine schedule over steps and batch, for the wall-time
comparison in README.md. Usage: torch_reference.py [EPOCHS] [MAX_STEPS]
[DROP1 DROP2] (MAX_STEPS, if not 0, stops early and reports the time per
step). PyTorch at its best here, as /work/shared/TOOLCHAIN.md says: one
thread, OpenBLAS unpinned (put bench.py's OpenBLAS first on
LD_LIBRARY_PATH: Debian's default libblas.so.3 is the reference BLAS)."""
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fashion_torch  # noqa: E402  (sets up PyTorch before importing it)

torch = fashion_torch.torch
nn = torch.nn


def load(kind):
    return fashion_torch.load(kind, (-1, 1, 28, 28))


# Dropout after each conv stage: fashion_cnn_bn.nn's 0.1 and 0.2 unless
# given (DROP1 DROP2); the dense layer's is 0.5.
drop1 = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
drop2 = float(sys.argv[4]) if len(sys.argv) > 4 else 0.2
net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Dropout(drop1),
    nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Dropout(drop2),
    nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.BatchNorm1d(256), nn.ReLU(),
    nn.Dropout(0.5), nn.Linear(256, 10))
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
max_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 0
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
