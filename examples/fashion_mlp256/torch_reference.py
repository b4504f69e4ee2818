#!/usr/bin/python3
"""mlp256.nn in PyTorch (Debian's python3-torch 1.13): the same layers and
init family (torch.nn.Linear), Adam lr 1e-3, batch 64, 15 epochs, shuffled
per epoch, for the wall-time comparison in README.md. Prints the test
accuracy and times after each epoch.

    LD_LIBRARY_PATH=~/.cache/deepc-bench/root/usr/lib/x86_64-linux-gnu/openblas-pthread \\
        /usr/bin/python3 examples/fashion_mlp256/torch_reference.py [EPOCHS] [SEED]

PyTorch at its best here, as /work/shared/TOOLCHAIN.md says: one thread,
OpenBLAS unpinned (Debian's default libblas.so.3 here is the reference
BLAS; bench/bench.py unpacks Debian's libopenblas0-pthread into that
folder and puts it first on LD_LIBRARY_PATH the same way)."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fashion_torch  # noqa: E402  (sets up PyTorch before importing it)

torch = fashion_torch.torch
nn = torch.nn


def load(kind):
    return fashion_torch.load(kind, (-1, 784))


epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
torch.manual_seed(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                    nn.ReLU(), nn.Linear(128, 100), nn.ReLU(),
                    nn.Linear(100, 10))
x, y = load("train")
xt, yt = load("t10k")
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
start, cpu0 = time.time(), time.process_time()
for epoch in range(epochs):
    order = torch.randperm(len(x))
    for b in range(0, len(x), 64):
        idx = order[b:b + 64]
        opt.zero_grad()
        nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
        opt.step()
    with torch.no_grad():
        acc = (net(xt).argmax(1) == yt).float().mean().item()
    print(f"epoch {epoch + 1}: test accuracy {acc:.4f}, "
          f"{time.time() - start:.1f} s wall, "
          f"{time.process_time() - cpu0:.1f} s CPU", flush=True)
