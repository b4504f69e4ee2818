"""Times deepc against PyTorch on this machine; writes bench/RESULTS.md.

    /usr/bin/python3 bench/bench.py [--deepc build/bin/deepc] [--repeats 3]
                                    [--threads 1,2] [--sizes 128,...,2048]

In one run, for each thread count T:

- the AVX-512 FMA peak now (bench/fma_peak.c, built with the C compiler):
  on a shared machine the cores give less than their nominal peak, and the
  matmul figures are put against what they give in the same run;
- matmul S x S x S f32, S = 128 ... 2048. deepc: `deepc bench` of a bias-free
  dense layer (B read transposed, as torch.nn.Linear) at batch S, which
  includes packing B on every call; PyTorch: torch.mm;
- the Fashion-MLP (examples/fashion_mlp.nn: 784-128-10, cross-entropy +
  1e-4 * l2, SGD with momentum, clip_norm 5): the training step at batch 64
  and the forward pass at batch 1 and 64. deepc: `deepc bench` (the compiled
  step or forward alone, on random inputs); PyTorch: the same step in a
  loop, the forward eager (no_grad) and traced (torch.jit.trace +
  optimize_for_inference);
- deepc's compile time from .nn to runnable code (parse, check, lower, JIT).

deepc figures are medians over --repeats runs of `deepc bench` (itself the
median of at least 5 calls); PyTorch's are medians of --repeats batches of
calls (bench/torch_bench.py). PyTorch runs set up as /work/shared/TOOLCHAIN.md
says. Debian's libblas.so.3 here may be the reference BLAS (PyTorch then runs
its matmuls 15x slower); OpenBLAS is then taken from libopenblas0-pthread,
system-wide if installed, else unpacked with `apt-get download` into
~/.cache/deepc-bench, and put first on LD_LIBRARY_PATH of the PyTorch process
only. Benchmarks are not tests: nothing here runs under lit or ctest.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deepc_bench(deepc, nn_file, batches, threads, min_time=0.5):
    """`deepc bench --json` records by (kind, batch)."""
    out = subprocess.run(
        [deepc, "bench", str(nn_file), "--json", "--threads", str(threads),
         "--min-time", str(min_time),
         "--batch-sizes", ",".join(str(b) for b in batches)],
        check=True, capture_output=True, text=True).stdout
    records = {}
    for line in out.splitlines():
        r = json.loads(line)
        records[(r["kind"], r.get("batch"))] = r
    return records


def matmul_model(work, s):
    path = work / f"mm{s}.nn"
    path.write_text(f"model mm(x: f32[N, {s}]) -> f32[N, {s}] {{\n"
                    f"  y = dense(x, {s}, bias = false)\n  return y\n}}\n")
    return path


def fma_peak(work, threads):
    """(GFLOP/s over wall time, GFLOP/s per CPU second) of bench/fma_peak.c
    on `threads` threads, or None."""
    exe = work / "fma_peak"
    if not exe.exists():
        cc = shutil.which("clang-22") or shutil.which("cc")
        if not cc or subprocess.run(
                [cc, "-O2", "-march=native", "-pthread",
                 str(ROOT / "bench/fma_peak.c"), "-o", str(exe)]).returncode:
            return None
    out = subprocess.run([str(exe), str(threads)], check=True,
                         capture_output=True, text=True).stdout
    return tuple(float(x) for x in out.split())


def compile_cpu_seconds(deepc, nn_file):
    """CPU seconds of `deepc bench` with no timed calls beyond six tiny
    ones: reading, checking, lowering and JIT-compiling the file's model and
    training step."""
    before = os.times()
    subprocess.run([deepc, "bench", str(nn_file), "--min-time", "0",
                    "--batch-sizes", "1"], check=True, capture_output=True)
    after = os.times()
    return (after.children_user - before.children_user +
            after.children_system - before.children_system)


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


def torch_figures(repeats, threads, sizes):
    env = dict(os.environ)
    blas = openblas_dir()
    if blas:
        env["LD_LIBRARY_PATH"] = f"{blas}:" + env.get("LD_LIBRARY_PATH", "")
    out = subprocess.run(
        ["/usr/bin/python3", str(ROOT / "bench/torch_bench.py"), str(repeats),
         str(threads), ",".join(str(s) for s in sizes)],
        env=env, check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in out.splitlines():
        if line:
            name, wall, cpu = line.split()
            figures[name] = (float(wall), float(cpu))
    return (figures,
            str(blas) if blas else "Debian's libblas.so.3 (reference BLAS)")


def machine():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def med(values):
    return statistics.median(values)


def pair(record):
    return (record["median_ms"], record["cpu_median_ms"])


def medpair(pairs):
    return (med([w for w, _ in pairs]), med([c for _, c in pairs]))


def ms(value):
    return f"{value * 1e3:.1f} us" if value < 1 else f"{value:.3f} ms"


def row(name, threads, deepc, torch):
    """A table row: wall / CPU of each, and PyTorch's time over deepc's on
    CPU time and (in parentheses) wall time."""
    return (f"| {name} | {threads} | {ms(deepc[0])} / {ms(deepc[1])} | "
            f"{ms(torch[0])} / {ms(torch[1])} | {torch[1] / deepc[1]:.2f}x "
            f"({torch[0] / deepc[0]:.2f}x) |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deepc", default=str(ROOT / "build/bin/deepc"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--sizes", default="128,256,512,1024,2048")
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    threads_list = [int(t) for t in args.threads.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    mlp_file = ROOT / "examples/fashion_mlp.nn"

    load_before = os.getloadavg()
    rows, notes, blas = [], [], None
    compiles = []
    one_thread_mm = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for threads in threads_list:
            peak = fma_peak(work, threads)
            mm = {s: [] for s in sizes}
            step, fwd = [], {1: [], 64: []}
            for _ in range(args.repeats):
                for s in sizes:
                    r = deepc_bench(args.deepc, matmul_model(work, s), [s],
                                    threads)[("forward", s)]
                    mm[s].append((r["median_ms"], r["cpu_median_ms"]))
                r = deepc_bench(args.deepc, mlp_file, [1, 64], threads)
                step.append(pair(r[("step", 64)]))
                for b in fwd:
                    fwd[b].append(pair(r[("forward", b)]))
                if threads == 1:
                    compiles.append(compile_cpu_seconds(args.deepc, mlp_file))
            torch, blas = torch_figures(args.repeats, threads, sizes)
            if peak:
                notes.append(f"FMA peak on {threads} thread(s) in this run "
                             f"(bench/fma_peak.c): {peak[0]:.0f} GFLOP/s over "
                             f"wall time, {peak[1]:.0f} GFLOP/s per CPU second")
            for s in sizes:
                wall, cpu = medpair(mm[s])
                flop = 2 * s**3
                rate = f"{flop / (cpu * 1e-3) / 1e9:.0f} GFLOP/s per CPU s"
                if threads == 1:
                    one_thread_mm[s] = wall
                    if peak:
                        rate += f", {100 * flop / (cpu * 1e-3) / 1e9 / peak[1]:.0f}% of peak"
                elif s in one_thread_mm:
                    rate = (f"{flop / (wall * 1e-3) / 1e9:.0f} GFLOP/s wall, "
                            f"{one_thread_mm[s] / wall:.2f}x 1 thread's wall")
                rows.append(row(f"matmul {s}^3 f32 ({rate})", threads,
                                (wall, cpu), torch[f"matmul{s}"]))
            rows.append(row("MLP train step, batch 64", threads,
                            medpair(step), torch["mlp_step"]))
            for b in fwd:
                rows.append(row(f"MLP inference, batch {b} (eager)", threads,
                                medpair(fwd[b]), torch[f"mlp_fwd{b}"]))
                rows.append(row(f"MLP inference, batch {b} (traced)", threads,
                                medpair(fwd[b]), torch[f"mlp_traced{b}"]))
    load_after = os.getloadavg()

    table = ["| workload | threads | deepc wall / CPU | PyTorch wall / CPU "
             "| PyTorch / deepc, CPU (wall) |", "| --- | --- | --- | --- | --- |"]
    table += rows
    compile_line = (f"deepc compile time, .nn to runnable code, of the MLP's "
                    f"forward and training step together (median CPU time of "
                    f"`deepc bench --min-time 0`): {med(compiles):.2f} s")
    print("\n".join(table))
    print("\n".join(notes))
    print(compile_line)
    if args.no_write:
        return
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short",
                             "HEAD"], capture_output=True, text=True).stdout
    load = lambda l: ", ".join(f"{x:.1f}" for x in l)
    bullets = "\n".join(f"- {n}" for n in notes + [compile_line + "."])
    (ROOT / "bench/RESULTS.md").write_text(f"""# deepc vs PyTorch

{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit
{commit.strip()}, {machine()}. The machine is shared with other work: the
load average (1, 5, 15 min) was {load(load_before)} before and {load(load_after)}
after, on 2 cores, so absolute figures carry noise of tens of percent;
compare the ratios within this run, and the matmul rates with the FMA peak
measured in the same run.

{chr(10).join(table)}

{bullets}
- PyTorch / deepc is PyTorch's time over deepc's: above 1, deepc is faster.
  The first figure compares CPU time (process CPU seconds per call), which
  other processes on the cores inflate much less than wall time; with 2
  threads the CPU time counts both threads (and OpenMP's waiting), so there
  the wall-time ratio in parentheses is the one that shows parallel speed.
- deepc times are medians of `deepc bench` (the compiled function alone, on
  random inputs; the matmul includes packing its B on every call).
- PyTorch 1.13 (Debian), OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset,
  OPENBLAS_NUM_THREADS and torch.set_num_threads = the thread count,
  ATEN_CPU_CAPABILITY=avx512; BLAS: {blas}.

Rerun: `/usr/bin/python3 bench/bench.py --deepc build/bin/deepc` (see its
docstring for the method).
""")


if __name__ == "__main__":
    sys.exit(main())
