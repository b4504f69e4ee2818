"""PyTorch side of bench/bench.py: the Fashion-MLP training step at batch 64
and a 1024^3 f32 matmul, one thread, medians in milliseconds on stdout as
`name median_ms`. Run by /usr/bin/python3 (Debian's python3-torch).

PyTorch at its best on this machine (/work/shared/TOOLCHAIN.md): OpenBLAS
must not be pinned to its Haswell kernels nor sized for more threads than
torch uses, so the environment is set before torch is imported."""
import os
import sys
import time

os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["ATEN_CPU_CAPABILITY"] = "avx512"

import torch  # noqa: E402

torch.set_num_threads(1)
REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 7


def median_ms(fn, inner):
    fn()
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        times.append((time.perf_counter() - start) / inner * 1e3)
    times.sort()
    return times[len(times) // 2]


def mlp_step():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                                torch.nn.Linear(128, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    x = torch.rand(64, 784)
    y = torch.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        out = model(x)
        l2 = sum((p * p).sum() for p in model.parameters())
        loss = torch.nn.functional.cross_entropy(out, y) + 1e-4 * l2
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()

    return median_ms(step, 200)


def matmul():
    a = torch.rand(1024, 1024)
    b = torch.rand(1024, 1024)
    return median_ms(lambda: torch.mm(a, b), 5)


print(f"mlp_step {mlp_step():.4f}")
print(f"matmul1024 {matmul():.4f}")
