#!/usr/bin/python3
"""The time of one LeNet-5 training step (Adam, batch 64) in PyTorch, on one
thread, configured as fast as Debian's torch 1.13 goes on this machine:
OpenBLAS not pinned to Haswell kernels, ATen's widest kernels the CPU has
(examples/fashion_torch.py sets that up). Run with Debian's python3-torch
(/usr/bin/python3). README.md compares it with deepc's step (step_bench.c).

bench/torch_bench.py imports `lenet` and `make_step` from here, after
setting PyTorch up for its own thread count."""
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import fashion_torch  # noqa: F401  (sets up PyTorch before importing it)
import torch  # noqa: E402


def lenet():
    """lenet.nn's layers, with torch.nn's initialisation."""
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def make_step(m):
    """lenet.nn's train block: cross-entropy, Adam lr 1e-3; step(x, y)."""
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()

    return step


if __name__ == "__main__":
    torch.manual_seed(0)
    step = make_step(lenet())
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
    for _ in range(10):
        step(x, y)
    t0 = time.process_time()
    w0 = time.perf_counter()
    for _ in range(200):
        step(x, y)
    print(f"torch step: {(time.process_time()-t0)/200*1e3:.2f} ms cpu, "
          f"{(time.perf_counter()-w0)/200*1e3:.2f} ms wall")
