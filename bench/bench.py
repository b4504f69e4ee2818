"""Times deepc against PyTorch on this machine; writes bench/RESULTS.md.

    /usr/bin/python3 bench/bench.py [--deepc build-perf/bin/deepc] [--repeats 3]

Two workloads, medians over --repeats runs:

- the Fashion-MLP training step at batch 64 (examples/fashion_mlp.nn: 784-128-10,
  cross-entropy + 1e-4 * l2, SGD with momentum, clip_norm 5). deepc: `deepc train
  --epochs 3 --log`, the seconds of epochs 2 and 3 (the first one includes the JIT
  compilation, reported apart) divided by their 938 steps, so the figure includes
  the driver's per-step work (batch gathering, metrics, the log line). PyTorch: the
  same step in a loop (bench/torch_bench.py);
- a 1024 x 1024 x 1024 f32 matmul. deepc: `deepc predict` of bench/matmul.nn (a
  bias-free dense layer, so B is read transposed as in torch.nn.Linear) on 1024 and
  5 * 1024 rows, in calls of 1024 rows: the difference of the two wall times over 4
  is one call (compilation and start-up cancel). PyTorch: torch.mm.

PyTorch runs one thread, set up as /work/shared/TOOLCHAIN.md says. Debian's
libblas.so.3 here may be the reference BLAS (PyTorch then runs its matmuls 15x
slower); OpenBLAS is then taken from libopenblas0-pthread, system-wide if installed,
else unpacked with `apt-get download` into ~/.cache/deepc-bench, and put first on
LD_LIBRARY_PATH of the PyTorch process only. Benchmarks are not tests: nothing here
runs under lit or ctest. The machine is shared (2 cores): compare medians.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/usr/share/datasets/fashion-mnist")
STEPS_PER_EPOCH = 938  # ceil(60000 / 64)


def deepc_mlp_step(deepc, work):
    """Median ms per training step (epochs 2 and 3) and the first epoch's
    extra time (compilation), in s."""
    log = work / "mlp.jsonl"
    if log.exists():
        log.unlink()
    subprocess.run(
        [deepc, "train", str(ROOT / "examples/fashion_mlp.nn"),
         "--data", f"x={DATA}/train-images-idx3-ubyte.gz",
         "--data", f"y={DATA}/train-labels-idx1-ubyte.gz",
         "--epochs", "3", "--log", str(log)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    epochs = [json.loads(line) for line in log.read_text().splitlines()]
    seconds = [e["seconds"] for e in epochs if e["kind"] == "epoch"]
    steady = seconds[1:]
    return ([s / STEPS_PER_EPOCH * 1e3 for s in steady],
            seconds[0] - statistics.mean(steady))


def deepc_matmul(deepc, work):
    """ms per 1024^3 matmul call (difference of 5 and 1 calls, over 4)."""
    times = {}
    for calls in (1, 5):
        x = work / f"x{calls}.npy"
        if not x.exists():
            np.save(x, np.random.default_rng(0).random(
                (1024 * calls, 1024), dtype=np.float32))
        start = time.perf_counter()
        subprocess.run([deepc, "predict", str(ROOT / "bench/matmul.nn"),
                        "--data", f"x={x}", "--batch", "1024",
                        "-o", str(work / f"y{calls}.npy")],
                       check=True, stdout=subprocess.DEVNULL)
        times[calls] = time.perf_counter() - start
    return (times[5] - times[1]) / 4 * 1e3


def openblas_dir():
    """A directory holding OpenBLAS's libblas.so.3, or None."""
    system = Path("/usr/lib/x86_64-linux-gnu/openblas-pthread")
    if (system / "libblas.so.3").exists():
        return system
    cache = Path.home() / ".cache/deepc-bench"
    local = cache / "root/usr/lib/x86_64-linux-gnu/openblas-pthread"
    if (local / "libblas.so.3").exists():
        return local
    cache.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["apt-get", "download", "libopenblas0-pthread"],
                       cwd=cache, check=True, capture_output=True)
        deb = sorted(cache.glob("libopenblas0-pthread_*.deb"))[-1]
        subprocess.run(["dpkg-deb", "-x", str(deb), str(cache / "root")],
                       check=True)
    except (OSError, subprocess.CalledProcessError, IndexError):
        return None
    return local if (local / "libblas.so.3").exists() else None


def torch_figures(repeats):
    env = dict(os.environ)
    blas = openblas_dir()
    if blas:
        env["LD_LIBRARY_PATH"] = f"{blas}:" + env.get("LD_LIBRARY_PATH", "")
    out = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench/torch_bench.py"), str(repeats)],
        env=env, check=True, capture_output=True, text=True).stdout
    figures = dict(line.split() for line in out.splitlines() if line)
    return ({k: float(v) for k, v in figures.items()},
            str(blas) if blas else "Debian's libblas.so.3 (reference BLAS)")


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deepc", default=str(ROOT / "build-perf/bin/deepc"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", metavar="DEEPC",
                        help="another deepc binary (e.g. built before a change) "
                             "to time alongside, once")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        steps, compiles, matmuls = [], [], []
        for _ in range(args.repeats):
            per_step, compile_s = deepc_mlp_step(args.deepc, work)
            steps += per_step
            compiles.append(compile_s)
            matmuls.append(deepc_matmul(args.deepc, work))
        base = None
        if args.baseline:
            base_steps, _ = deepc_mlp_step(args.baseline, work)
            base = (statistics.median(base_steps),
                    deepc_matmul(args.baseline, work))
    torch, blas = torch_figures(args.repeats)

    d_step, d_mm = statistics.median(steps), statistics.median(matmuls)
    t_step, t_mm = torch["mlp_step"], torch["matmul1024"]
    gflops = lambda ms: 2 * 1024**3 / (ms * 1e-3) / 1e9
    rows = [
        ("Fashion-MLP train step, batch 64", f"{d_step:.3f} ms",
         f"{t_step:.3f} ms", f"{d_step / t_step:.2f}"),
        ("matmul 1024^3 f32", f"{d_mm:.1f} ms ({gflops(d_mm):.0f} GFLOP/s)",
         f"{t_mm:.1f} ms ({gflops(t_mm):.0f} GFLOP/s)", f"{d_mm / t_mm:.2f}"),
    ]
    table = ["| workload | deepc | PyTorch | deepc / PyTorch |",
             "| --- | --- | --- | --- |"]
    table += [f"| {' | '.join(r)} |" for r in rows]
    if base:
        table += [f"| baseline deepc ({args.baseline}): step | "
                  f"{base[0]:.3f} ms | | {base[0] / t_step:.2f} |",
                  f"| baseline deepc: matmul 1024^3 | {base[1]:.1f} ms "
                  f"({gflops(base[1]):.0f} GFLOP/s) | | {base[1] / t_mm:.2f} |"]
    print("\n".join(table))
    print(f"deepc JIT compile (first epoch minus a later one): "
          f"{statistics.median(compiles):.2f} s")
    if args.no_write:
        return
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short",
                             "HEAD"], capture_output=True, text=True).stdout
    (ROOT / "bench/RESULTS.md").write_text(f"""# deepc vs PyTorch

{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit
{commit.strip()}, {machine()}. Medians of {args.repeats} runs on a machine shared
with other work: the 1-minute load average was {load_before:.1f} before and
{os.getloadavg()[0]:.1f} after, on 2 cores, so expect noise of tens of percent
(PyTorch's many small ops suffer most); compare ratios within one run.

{chr(10).join(table)}

- deepc JIT compilation of the training step: {statistics.median(compiles):.2f} s (first
  epoch minus a later one), not in the figures above.
- The deepc step time is a whole epoch over its 938 steps, so it includes the
  driver's per-step work (batch gathering, metrics, log); PyTorch's is the step alone.
- A baseline row, when present, is another deepc binary timed in the same run
  (`--baseline`; here: a deepc built from main just before the tiled stage).
- PyTorch 1.13 (Debian), one thread, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset,
  OPENBLAS_NUM_THREADS=1, ATEN_CPU_CAPABILITY=avx512; BLAS: {blas}.

Rerun: `/usr/bin/python3 bench/bench.py --deepc build-perf/bin/deepc` (see its
docstring for the method).
""")


if __name__ == "__main__":
    sys.exit(main())
