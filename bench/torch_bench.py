"""PyTorch side of bench/bench.py, on T threads (argv[2], default 1), medians
of R repeats (argv[1]) in milliseconds on stdout as `name wall_ms cpu_ms`
(the median wall time per call, and the median CPU time of the process per
call: on a shared machine the wall time includes other processes' turns):

- matmul<S>: torch.mm of two S x S f32 matrices, S = 128 ... 2048;
- mlp_step: the Fashion-MLP training step at batch 64 (784-128-10,
  cross-entropy + 1e-4 * l2, SGD with momentum, clip_grad_norm 5);
- mlp_fwd<B>: its forward pass at batch B = 1 and 64, eager under
  torch.no_grad(), and mlp_traced<B>: torch.jit.trace + optimize_for_inference.

Run by /usr/bin/python3 (Debian's python3-torch). PyTorch at its best on this
machine (/work/shared/TOOLCHAIN.md): OpenBLAS must not be pinned to its
Haswell kernels nor sized for more threads than torch uses, so the
environment is set before torch is imported."""
import os
import statistics
import sys
import time

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 7
THREADS = int(sys.argv[2]) if len(sys.argv) > 2 else 1
SIZES = [int(s) for s in sys.argv[3].split(",")] if len(sys.argv) > 3 else [
    128, 256, 512, 1024, 2048]

os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ.pop("OPENBLAS_L2_SIZE", None)
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)
os.environ["ATEN_CPU_CAPABILITY"] = "avx512"

import torch  # noqa: E402

torch.set_num_threads(THREADS)


def median_ms(fn, seconds=0.3):
    """Median per-call wall and CPU times (ms) of REPEATS batches of calls,
    each batch about `seconds` of CPU long, as "wall cpu"."""
    fn()
    start = time.process_time()
    fn()
    once = max(time.process_time() - start, 1e-6)
    inner = max(1, int(seconds / once))
    walls, cpus = [], []
    for _ in range(REPEATS):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(inner):
            fn()
        walls.append((time.perf_counter() - start) / inner * 1e3)
        cpus.append((time.process_time() - cpu) / inner * 1e3)
    return f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f}"


def mlp():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10))


def mlp_step():
    model = mlp()
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

    return median_ms(step)


def mlp_forward(batch, traced):
    model = mlp().eval()
    x = torch.rand(batch, 784)
    with torch.no_grad():
        if traced:
            model = torch.jit.optimize_for_inference(
                torch.jit.trace(model, x))
        return median_ms(lambda: model(x))


for s in SIZES:
    a, b = torch.rand(s, s), torch.rand(s, s)
    print(f"matmul{s} {median_ms(lambda: torch.mm(a, b))}")
print(f"mlp_step {mlp_step()}")
for batch in (1, 64):
    print(f"mlp_fwd{batch} {mlp_forward(batch, False)}")
    print(f"mlp_traced{batch} {mlp_forward(batch, True)}")
