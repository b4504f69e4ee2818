#!/usr/bin/python3
"""The time of one LeNet-5 training step (Adam, batch 64) in PyTorch, on one
thread, configured as fast as Debian's torch 1.13 goes on this machine:
OpenBLAS not pinned to Haswell kernels, ATen's AVX-512 kernels. Run with
Debian's python3-torch (/usr/bin/python3). README.md compares it with
deepc's step (step_bench.c)."""
import os, time
for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(k, None)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["ATEN_CPU_CAPABILITY"] = "avx512"
import torch
torch.set_num_threads(1)
torch.manual_seed(0)
F = torch.nn.functional
m = torch.nn.Sequential(torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
                        torch.nn.Linear(84, 10))
opt = torch.optim.Adam(m.parameters(), lr=1e-3)
x = torch.rand(64, 1, 28, 28); y = torch.randint(0, 10, (64,))
def step():
    opt.zero_grad(); l = F.cross_entropy(m(x), y); l.backward(); opt.step()
for _ in range(10): step()
t0 = time.process_time(); w0 = time.perf_counter()
for _ in range(200): step()
print(f"torch step: {(time.process_time()-t0)/200*1e3:.2f} ms cpu, {(time.perf_counter()-w0)/200*1e3:.2f} ms wall")
