"""Times deepc against PyTorch, oneDNN and OpenBLAS on this machine; writes
bench/RESULTS.md.

    /usr/bin/python3 bench/bench.py [--deepc build/bin/deepc] [--repeats 3]
                                    [--threads 1,2] [--sizes 128,...,2048]
                                    [--only matmul,mlp,lenet,cnn_bn,charlm,
                                            chains,compile,memory]

One command runs everything below in one run and writes bench/RESULTS.md
(the machine, the date, the commit, the load average, every figure, issue
14's targets met or missed); `--only` runs a subset
and prints it without writing (so does `--no-write`). The section of
RESULTS.md from "## Where the targets stand" on is written by hand from the
run and from profiles; bench.py keeps it as it is.

For each thread count T of --threads:

- peak: the FMA rate now, with the widest FMA the CPU has (AVX-512F, else
  AVX2, chosen at run time by bench/fma_peak.c): on a shared machine
  the cores give less than their nominal peak, and the matmul figures are
  put against what they give in the same run; bandwidth: the STREAM triad
  (bench/stream.c) on arrays of the chains' size;
- matmul: f32, S x S x S for S in --sizes, and the MLP's five shapes at
  batch 64 (forward x W^T, backward dY W and dY^T X). deepc: `deepc bench`
  of a one-matmul model (bias-free dense layer, B read transposed as
  torch.nn.Linear does, packed on every call; `a @ w` and
  `transpose(a, [1, 0]) @ b`, the forms autodiff emits, for the backward);
  oneDNN's dnnl_sgemm and OpenBLAS's cblas_sgemm called directly
  (bench/sgemm.c, same layouts); PyTorch: torch.mm of the same operands;
- mlp, lenet: the training step at batch 64 and the forward pass at batch 1
  and 64 of examples/fashion_mlp.nn and examples/lenet/lenet.nn. deepc:
  `deepc bench` (the compiled function alone, on random inputs); PyTorch:
  the same step in a loop (bench/torch_bench.py; LeNet's from
  examples/lenet/torch_step.py), the forward eager (no_grad) and traced
  (torch.jit.trace + optimize_for_inference);
- cnn_bn, charlm: the training step alone of
  examples/fashion_cnn_bn/fashion_cnn_bn.nn at batch 64 and of
  examples/transformer_charlm/charlm.nn at batch 32 (the batches of their
  train blocks). deepc: `deepc bench` (charlm's with `--model charlm`);
  PyTorch: their twins in bench/torch_bench.py (fashion_cnn_bn's net from
  its torch_reference.py; charlm written op for op from the .nn), the
  step in a loop at a fixed learning rate, as `deepc bench` runs it;
- chains: bench/elementwise.nn (a fused elementwise chain, 8 bytes an
  element) and bench/reduction.nn (a row sum of squares, 4 bytes an
  element) on [R, 4096] f32, R sized from the host's L3 (sysfs) so that a
  tensor is at least 4 times the L3, as issue 14 asks (and R at least
  1920: 30 MiB), GB/s against the triad on arrays of the same size. A
  chain whose input is not at least 4 times the L3, or whose L3 is
  unknown, is not judged against STREAM: from the cache it could beat it.

Once, on one thread:

- compile: `deepc bench --min-time 0` of every examples/**/*.nn (in a file
  of several models, the one its train block calls); its compile records
  give the CPU and wall seconds from .nn to runnable code (read, check,
  lower, JIT) of the model's forward and of the train block's step; also
  the peak memory (max RSS) of that process;
- memory: one training epoch at batch 64 on Fashion-MNIST (the MLP on
  all 60000 images, LeNet on the first 6400), --repeats times: `deepc
  train --epochs 1 --threads 1 --log run.jsonl` against torch_bench.py's
  `epoch` (the same model, optimizer and data, one thread). The epoch
  alone: deepc's `seconds` and `cpu_seconds` from the log's epoch record
  (from the first batch to the summary line: batch gathering, metrics and
  logging every step included), PyTorch's wall and CPU time around its
  training loop (shuffle, batch indexing, steps), which torch_bench.py
  prints; and of the whole processes (compile and `import torch`
  included): max RSS, wall and CPU time. Medians over the repeats.

The targets table judges issue 14's list, one row each (per thread count
where the figure has one), from this run's figures only: on one thread by
CPU time, on two by wall time, and a two-thread row is "not judged" when
the FMA loop on two threads got less than 1.5 cores' worth over wall time
(one core's worth: the one-thread loop's GFLOP/s per CPU second), i.e.
the cores were busy with other work. The rows and what each reads:

- LeNet training step, batch 64: >= 3x PyTorch (lenet's step row);
- LeNet inference, batch 64: >= 1.5x PyTorch's traced module (lenet's
  "inference, batch 64 (traced)" row);
- MLP and LeNet training epoch: >= 2x and >= 3x PyTorch's loop (memory's
  epoch table; one thread);
- fashion_cnn_bn training step: >= 2.5x PyTorch (cnn_bn);
- transformer_charlm training step: >= 2x PyTorch's twin (charlm);
- compile, .nn to a runnable train step, one thread, CPU seconds: MLP
  < 0.3 s, LeNet < 1 s, transformer_charlm < 2 s, and each forward under
  half of its limit (compile's rows of examples/fashion_mlp.nn,
  examples/lenet/lenet.nn, examples/transformer_charlm/charlm.nn);
- elementwise and reduction chains: >= 80% of the STREAM triad measured
  in the same run on arrays of the same size (chains);
- matmul on the MLP's five shapes: each at or above oneDNN (matmul);
- MLP and LeNet inference at batch 1: >= 8x PyTorch eager (mlp, lenet).

A "when filed" column quotes the figure issue 14 was filed with (Zen 3),
as a reference only.

Figures are medians: deepc's over --repeats runs of `deepc bench` (each the
median of at least 5 calls), the others' over --repeats batches of calls.
PyTorch, oneDNN and OpenBLAS run set up as /work/shared/TOOLCHAIN.md says,
at their best for the host (examples/torch_setup.py: OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and torch's
threads = T, ATEN_CPU_CAPABILITY the widest the CPU has: avx512 only with
AVX-512 F/BW/VL/DQ, else avx2). RESULTS.md names the CPU (lscpu's model
name), its L3 and vector features (AVX2, FMA, AVX-512, bf16) and the
kernels each library picked: ATen's capability and OpenBLAS's core
(torch_bench.py info), oneDNN's ISA and OpenBLAS's core in bench/sgemm.c.
PyTorch is Debian's python3-torch (not in scripts/setup.sh: only the bench
needs it), run under /usr/bin/python3; bench.py stops with the command to
install it when it is missing. Debian's libblas.so.3 here may be the
reference BLAS, and the headers of oneDNN and OpenBLAS are not installed:
the Debian packages
libopenblas0-pthread, libopenblas-pthread-dev, libdnnl-dev (and libdnnl2 if
missing) are unpacked with `apt-get download` into ~/.cache/deepc-bench;
OpenBLAS goes first on LD_LIBRARY_PATH of the PyTorch process only.
Benchmarks are not tests, but their pieces are checked under lit
(test/bench): fma_peak.c builds and picks the host's widest FMA
(fma-peak.test); the chains' size follows the L3 and the targets table
judges issue 14's rows from given figures (judge.test, bench.py's
functions on made-up figures, nothing timed).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path.home() / ".cache/deepc-bench"
LIBDIR = "usr/lib/x86_64-linux-gnu"
DATA = Path("/usr/share/datasets/fashion-mnist")
SECTIONS = ["matmul", "mlp", "lenet", "cnn_bn", "charlm", "chains", "compile",
            "memory"]
# Sections whose figures come partly from torch_bench.py's `time` mode.
TORCH_TIMED = ("matmul", "mlp", "lenet", "cnn_bn", "charlm")
# Models of which the bench times the training step alone: section:
# (label, .nn file, batch: its train block's).
STEP_MODELS = {
    "cnn_bn": ("fashion_cnn_bn", "examples/fashion_cnn_bn/fashion_cnn_bn.nn",
               64),
    "charlm": ("transformer_charlm",
               "examples/transformer_charlm/charlm.nn", 32),
}
# The MLP's matmuls at batch 64 (784-128-10): MxNxK:AB as bench/sgemm.c
# takes them, A or B `T` when stored transposed.
MLP_SHAPES = {
    "64x128x784:NT": "MLP fc1 forward, x W1^T",
    "64x10x128:NT": "MLP out forward, h W2^T",
    "64x128x10:NN": "MLP backward dh = dY W2",
    "10x128x64:TN": "MLP backward dW2 = dY^T h",
    "128x784x64:TN": "MLP backward dW1 = dH^T x",
}
CHAIN_MIN_ROWS = 1920  # [1920, 4096] f32: 30 MiB, the floor
CHAIN_L3_TIMES = 4  # a chain's tensor is at least 4x the L3 (issue 14)
# The anchors of issue 5 and /work/shared/TOOLCHAIN.md, measured on the Zen 5
# machine (AMD EPYC znver5, AVX-512) when it was idle: what the targets are
# stated against there; on another CPU they are only a reference.
ANCHOR_PEAK = 253.0  # AVX-512 FMA GFLOP/s per core (253-267)
ANCHOR_STREAM = {1: 37.0, 2: 69.0}  # STREAM triad GB/s
ANCHOR_TORCH = {  # PyTorch at its best, one thread, ms
    "mlp_step": "0.28", "lenet_step": "3.7-4.2", "mlp_fwd1": "0.033",
    "mlp_traced1": "0.0084", "lenet_fwd1": "0.099", "lenet_traced1": "0.066"}


def run(cmd, **kw):
    return subprocess.run([str(c) for c in cmd], check=True,
                          capture_output=True, text=True, **kw).stdout


def deepc_bench(deepc, nn_file, batches, threads, min_time=0.5, extra=(),
                rss=None):
    """`deepc bench --json` records by (kind, batch); appends the process's
    max RSS (MiB) to the list `rss` if given."""
    cmd = [str(c) for c in [deepc, "bench", nn_file, "--json", "--threads",
                            threads, "--min-time", min_time, "--batch-sizes",
                            ",".join(str(b) for b in batches)] + list(extra)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = proc.stdout.read(), proc.stderr.read()  # both a few lines
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd, out, err)
    if rss is not None:
        rss.append(usage.ru_maxrss / 1024)
    records = {}
    for line in out.splitlines():
        r = json.loads(line)
        records[(r["kind"], r.get("batch"))] = r
    return records


def main_model(nn_file):
    """`--model NAME` for a file of several models: the first one its train
    block calls (else its last model); nothing for a file of one."""
    text = Path(nn_file).read_text()
    models = re.findall(r"^model (\w+)\(", text, re.M)
    if len(models) < 2:
        return []
    train = re.search(r"^train .*", text, re.M | re.S)
    if train:
        calls = [(train.group(0).find(m + "("), m) for m in models
                 if re.search(rf"\b{m}\(", train.group(0))]
        if calls:
            return ["--model", min(calls)[1]]
    return ["--model", models[-1]]


def matmul_model(work, shape):
    """A .nn model whose forward is the matmul `shape` at batch = the
    shape's batch dimension (M, or K for TN); (path, batch)."""
    dims, ops = shape.split(":")
    m, n, k = (int(d) for d in dims.split("x"))
    path = work / f"mm_{dims}_{ops}.nn"
    if ops == "NT":
        text = (f"model mm(x: f32[B, {k}]) -> f32[B, {n}] {{\n"
                f"  y = dense(x, {n}, bias = false)\n  return y\n}}\n")
        batch = m
    elif ops == "NN":
        text = (f"model mm(a: f32[B, {k}]) -> f32[B, {n}] {{\n"
                f"  param w: f32[{k}, {n}] = glorot_uniform\n"
                f"  return a @ w\n}}\n")
        batch = m
    elif ops == "TN":
        text = (f"model mm(a: f32[B, {m}], b: f32[B, {n}]) -> f32[{m}, {n}] {{\n"
                f"  return transpose(a, [1, 0]) @ b\n}}\n")
        batch = k
    else:
        raise ValueError(shape)
    path.write_text(text)
    return path, batch


def cc():
    return shutil.which("clang-22") or shutil.which("cc")


def build(work, name, sources, flags=()):
    """Builds bench/NAME.c (+ sources) into work/NAME; the path or None."""
    exe = work / name
    if exe.exists():
        return exe
    if not cc():
        return None
    cmd = [cc(), "-O2", "-march=native", "-pthread"] + \
        [str(ROOT / f"bench/{name}.c")] + list(sources) + list(flags) + \
        ["-o", str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        print(f"building {name} failed:\n{r.stderr}", file=sys.stderr)
        return None
    return exe


def debian(package, marker):
    """Unpacks Debian's `package` into CACHE/root unless CACHE/root/marker
    exists; True when the marker is there afterwards."""
    root = CACHE / "root"
    if (root / marker).exists():
        return True
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["apt-get", "download", package], cwd=CACHE,
                       check=True, capture_output=True)
        deb = sorted(CACHE.glob(f"{package}_*.deb"))[-1]
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    except (OSError, subprocess.CalledProcessError, IndexError) as e:
        print(f"could not unpack {package}: {e}", file=sys.stderr)
    return (root / marker).exists()


def openblas_dir():
    """The folder of OpenBLAS's libblas.so.3 and libopenblas.so.0, or None."""
    system = Path("/") / LIBDIR / "openblas-pthread"
    if (system / "libopenblas.so.0").exists():
        return system
    marker = f"{LIBDIR}/openblas-pthread/libopenblas.so.0"
    return (CACHE / "root" / marker).parent if debian(
        "libopenblas0-pthread", marker) else None


def sgemm_exe(work):
    """bench/sgemm.c built against oneDNN and OpenBLAS, or None."""
    blas = openblas_dir()
    dnnl = Path("/") / LIBDIR / "libdnnl.so.2"
    if not dnnl.exists() and debian("libdnnl2", f"{LIBDIR}/libdnnl.so.2"):
        dnnl = CACHE / "root" / LIBDIR / "libdnnl.so.2"
    root = CACHE / "root"
    headers = (debian("libdnnl-dev", "usr/include/dnnl.h") and debian(
        "libopenblas-pthread-dev",
        "usr/include/x86_64-linux-gnu/openblas-pthread/cblas.h"))
    if not (blas and dnnl.exists() and headers):
        return None
    return build(work, "sgemm", [blas / "libopenblas.so.0", dnnl], [
        f"-I{root}/usr/include",
        f"-I{root}/usr/include/x86_64-linux-gnu/openblas-pthread",
        f"-Wl,-rpath,{blas}", f"-Wl,-rpath,{dnnl.parent}"])


def lib_env(threads):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    return env


def sgemm_figures(exe, lib, threads, repeats, shapes):
    out = run([exe, lib, repeats, 0.3] + shapes, env=lib_env(threads))
    return {s: (float(w), float(c)) for s, w, c in
            (line.split() for line in out.splitlines() if line)}


def torch_env():
    env = dict(os.environ)
    blas = openblas_dir()
    if blas:
        env["LD_LIBRARY_PATH"] = f"{blas}:" + env.get("LD_LIBRARY_PATH", "")
    return env, str(blas) if blas else "Debian's libblas.so.3"


def torch_figures(repeats, threads, sections, shapes):
    env, _ = torch_env()
    out = run(["/usr/bin/python3", ROOT / "bench/torch_bench.py", "time",
               repeats, threads, ",".join(sections) or "none",
               ",".join(shapes)], env=env)
    return {n: (float(w), float(c)) for n, w, c in
            (line.split() for line in out.splitlines() if line)}


def timed(cmd, env=None):
    """(wall s, CPU s, max RSS MiB, stdout) of a child process; raises on
    failure. Its output goes through files, which never fill up as a pipe
    the parent does not read until the child ends would."""
    with tempfile.TemporaryFile("w+") as out, \
            tempfile.TemporaryFile("w+") as errf:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], env=env, stdout=out,
                                stderr=errf, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errf.seek(0)
        stdout, err = out.read(), errf.read()
    if proc.returncode:
        raise RuntimeError(f"{cmd[0]} failed: {err[-2000:]}")
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            stdout)


def cpuinfo():
    """The first CPU's fields in /proc/cpuinfo, {name: value}."""
    fields = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def l3_bytes():
    """The size of the L3 cache (sysfs, else lscpu), or None."""
    for index in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*"):
        try:
            if (index / "level").read_text().strip() != "3":
                continue
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        m = re.fullmatch(r"(\d+)([KMG]?)", size)
        if m:
            return int(m.group(1)) * {"": 1, "K": 2**10, "M": 2**20,
                                       "G": 2**30}[m.group(2)]
    try:
        out = run(["lscpu", "-B"])
        m = re.search(r"^L3 cache:\s+(\d+)", out, re.M)
        return int(m.group(1)) if m else None
    except (OSError, subprocess.CalledProcessError):
        return None


def chain_rows():
    """R of the chains' [R, 4096] f32 tensors: at least CHAIN_L3_TIMES the
    L3, in multiples of 64 rows, never below CHAIN_MIN_ROWS."""
    l3 = l3_bytes() or 32 * 2**20
    need = -(-CHAIN_L3_TIMES * l3 // (4096 * 4))
    return max(CHAIN_MIN_ROWS, -(-need // 64) * 64)


def features():
    """The vector features a matmul's speed depends on, as the kernel's
    /proc/cpuinfo flags name them: present ones, then `no ...`."""
    flags = set(cpuinfo().get("flags", "").split())
    names = [("avx2", "AVX2"), ("fma", "FMA"), ("avx512f", "AVX-512F"),
             ("avx512bw", "AVX-512BW"), ("avx512vl", "AVX-512VL"),
             ("avx512dq", "AVX-512DQ"), ("avx512_vnni", "AVX-512 VNNI"),
             ("avx512_bf16", "AVX-512 BF16"), ("amx_tile", "AMX")]
    have = [n for f, n in names if f in flags]
    lack = [n for f, n in names if f not in flags]
    if "avx512f" not in flags:  # one "no AVX-512" for the whole family
        lack = [n for n in lack if not n.startswith(("AVX-512", "AMX"))]
        lack.append("AVX-512 (none of F, BW, VL, DQ, VNNI, BF16)")
    return ", ".join(have) + ("; no " + ", no ".join(lack) if lack else "")


def machine():
    info = cpuinfo()
    cpu = info.get("model name", "unknown CPU")
    fam = (f" (family {info['cpu family']}, model {info['model']})"
           if "cpu family" in info and "model" in info else "")
    l3 = l3_bytes()
    cache = f", L3 {l3 / 2**20:.0f} MiB" if l3 else ""
    return (f"{cpu}{fam}, {os.cpu_count()} cores{cache}, "
            f"{platform.system()} {platform.release()}; {features()}")


def deepc_source(deepc):
    """Where the deepc binary comes from: its path and the git tree that
    holds it, at COMMIT (+ uncommitted changes) as the bench runs."""
    path = Path(deepc).resolve()
    for tree in path.parents:
        if (tree / ".git").exists():
            try:
                head = run(["git", "-C", tree, "rev-parse", "--short",
                            "HEAD"]).strip()
                dirty = run(["git", "-C", tree, "status", "--porcelain",
                             "--untracked-files=no"]).strip()
            except (OSError, subprocess.CalledProcessError):
                break
            return (f"{path}, from the tree {tree}, at {head}"
                    + (" + uncommitted changes" if dirty else "")
                    + " when the bench ran")
    return str(path)


def med(values):
    return statistics.median(values)


def medpair(pairs):
    return (med([w for w, _ in pairs]), med([c for _, c in pairs]))


def ms(value):
    return f"{value * 1e3:.1f} us" if value < 1 else f"{value:.2f} ms"


def ratio(other, deepc):
    """other's time over deepc's, CPU (wall); above 1, deepc is faster."""
    return f"{other[1] / deepc[1]:.2f}x ({other[0] / deepc[0]:.2f}x)"


class Bench:
    def __init__(self, args, work):
        self.args, self.work = args, work
        self.deepc = args.deepc
        self.repeats = args.repeats
        self.tables = {}  # section -> list of markdown lines
        self.notes = []
        self.targets = []  # rows of the targets table
        self.fig = {}  # (name, threads) -> figure, for the targets
        self.l3 = l3_bytes()
        self.rows = chain_rows()  # the chains' and the triad's [rows, 4096]

    def add(self, section, line):
        self.tables.setdefault(section, []).append(line)

    def deepc_repeated(self, nn_file, batches, threads, keys, extra=()):
        """{key: (wall ms, cpu ms)} medians over the repeats of deepc bench."""
        got = {k: [] for k in keys}
        for _ in range(self.repeats):
            r = deepc_bench(self.deepc, nn_file, batches, threads,
                            extra=extra)
            for k in keys:
                got[k].append((r[k]["median_ms"], r[k]["cpu_median_ms"]))
        return {k: medpair(v) for k, v in got.items()}

    def kernels(self):
        """Notes the kernels PyTorch, oneDNN and OpenBLAS picked on this
        CPU; the ATen capability for the header, or None."""
        env, _ = torch_env()
        try:
            info = json.loads(run(["/usr/bin/python3",
                                   ROOT / "bench/torch_bench.py", "info", 1],
                                  env=env).strip().splitlines()[-1])
        except (OSError, subprocess.CalledProcessError, ValueError,
                IndexError) as e:
            self.notes.append(f"PyTorch's kernels: unknown ({e})")
            return None
        try:
            deb = run(["dpkg-query", "-W", "-f=${Version}",
                       "python3-torch"]).strip()
        except (OSError, subprocess.CalledProcessError):
            deb = "?"
        blas = info.get("blas", "?")
        if info.get("blas_core"):
            blas += f", core {info['blas_core']}"
        self.notes.append(
            f"PyTorch {info.get('torch')} (Debian's python3-torch {deb}): "
            f"ATEN_CPU_CAPABILITY={info.get('aten_env')}, ATen's CPU "
            f"capability {info.get('aten', '?')} (torch.__config__.show()); "
            f"its BLAS {blas}")
        exe = sgemm_exe(self.work)
        if exe:
            self.notes.append("bench/sgemm.c: " + run(
                [exe, "kernels"], env=lib_env(1)).strip()
                + " (dnnl_get_effective_cpu_isa, openblas_get_corename)")
        return info.get("aten_env")

    # --- per thread count -------------------------------------------------

    def machine_rates(self, t):
        exe = build(self.work, "fma_peak", [])
        if exe:
            wall, cpu, isa = run([exe, t]).split()
            wall, cpu = float(wall), float(cpu)
            self.fig[("peak", t)] = (wall, cpu)
            self.notes.append(
                f"FMA peak on {t} thread(s) now (bench/fma_peak.c, {isa}, "
                f"the widest this CPU has): {wall:.0f} GFLOP/s over wall "
                f"time, {cpu:.0f} GFLOP/s per CPU second (the Zen 5's "
                f"AVX-512 anchor: {ANCHOR_PEAK:.0f} per core)")
        exe = build(self.work, "stream", [])
        if exe:
            wall, cpu = (float(x) for x in run(
                [exe, t, self.rows * 4096, 20]).split())
            self.fig[("triad", t)] = (wall, cpu)
            self.notes.append(
                f"STREAM triad on {t} thread(s) now (bench/stream.c, "
                f"3 x {self.rows * 4096 * 4 / 2**20:.1f} MiB): {wall:.1f} GB/s "
                f"over wall time, {cpu:.1f} GB/s per CPU second (the Zen 5's anchor: "
                f"{ANCHOR_STREAM.get(t, 0):.0f} GB/s)")

    def matmul(self, t, torch):
        shapes = [f"{s}x{s}x{s}:NT" for s in self.args.sizes] + list(MLP_SHAPES)
        exe = sgemm_exe(self.work)
        libs = {}
        if exe:
            libs["oneDNN"] = sgemm_figures(exe, "dnnl", t, self.repeats, shapes)
            libs["OpenBLAS"] = sgemm_figures(exe, "openblas", t, self.repeats,
                                             shapes)
        else:
            self.notes.append("oneDNN and OpenBLAS: could not build "
                              "bench/sgemm.c (see stderr); not run")
        peak = self.fig.get(("peak", t))
        for shape in shapes:
            path, batch = matmul_model(self.work, shape)
            d = self.deepc_repeated(path, [batch], t, [("forward", batch)])[
                ("forward", batch)]
            self.fig[(shape, t)] = d
            m, n, k = (int(x) for x in shape.split(":")[0].split("x"))
            gflop = 2 * m * n * k / 1e9

            def rate(f):
                if t == 1:
                    r = f"{gflop / (f[1] * 1e-3):.0f}"
                    if peak:
                        r += f" ({100 * gflop / (f[1] * 1e-3) / peak[1]:.0f}%)"
                    return r
                return f"{gflop / (f[0] * 1e-3):.0f} wall"

            others = [("oneDNN", libs.get("oneDNN", {}).get(shape)),
                      ("OpenBLAS", libs.get("OpenBLAS", {}).get(shape)),
                      ("PyTorch", torch.get(f"mm:{shape}"))]
            name = MLP_SHAPES.get(shape, "square, x W^T")
            cells = [f"{shape} ({name})", str(t), f"{ms(d[1])}: {rate(d)}"]
            for _, f in others:
                cells.append(f"{ms(f[1])}: {rate(f)}; {ratio(f, d)}" if f
                             else "not run")
            for lib, f in others:
                if f:
                    self.fig[(f"{lib}:{shape}", t)] = f
            self.add("matmul", "| " + " | ".join(cells) + " |")

    def model_rows(self, section, nn_file, t, torch):
        keys = [("step", 64), ("forward", 1), ("forward", 64)]
        d = self.deepc_repeated(nn_file, [1, 64], t, keys)
        rows = [("training step, batch 64", d[("step", 64)],
                 f"{section}_step")]
        for b in (1, 64):
            for kind in ("fwd", "traced"):
                label = "eager" if kind == "fwd" else "traced"
                rows.append((f"inference, batch {b} ({label})",
                             d[("forward", b)], f"{section}_{kind}{b}"))
        for what, fig, tkey in rows:
            f = torch.get(tkey)
            self.fig[(tkey, t)] = (fig, f)
            anchor = ANCHOR_TORCH.get(tkey) if t == 1 else None
            self.add("models", f"| {section.upper() if section == 'mlp' else 'LeNet'} "
                     f"{what} | {t} | {ms(fig[0])} / {ms(fig[1])} | "
                     + (f"{ms(f[0])} / {ms(f[1])} | {ratio(f, fig)}" if f
                        else "not run | ")
                     + f" | {anchor + ' ms' if anchor else ''} |")

    def step_row(self, section, t, torch):
        """The training step alone of STEP_MODELS[section], at its train
        block's batch, against its PyTorch twin (torch_bench.py)."""
        label, rel, batch = STEP_MODELS[section]
        d = self.deepc_repeated(ROOT / rel, [batch], t, [("step", batch)],
                                extra=main_model(ROOT / rel))[("step", batch)]
        f = torch.get(f"{section}_step")
        self.fig[(f"{section}_step", t)] = (d, f)
        self.add("models", f"| {label} training step, batch {batch} | {t} | "
                 f"{ms(d[0])} / {ms(d[1])} | "
                 + (f"{ms(f[0])} / {ms(f[1])} | {ratio(f, d)}" if f
                    else "not run | ")
                 + " |  |")

    def chains(self, t):
        triad = self.fig.get(("triad", t))
        for name, nbytes in (("elementwise", 8), ("reduction", 4)):
            path = ROOT / f"bench/{name}.nn"
            d = self.deepc_repeated(path, [self.rows], t,
                                    [("forward", self.rows)])[
                ("forward", self.rows)]
            total = nbytes * self.rows * 4096
            gbs = (total / (d[0] * 1e-3) / 1e9, total / (d[1] * 1e-3) / 1e9)
            self.fig[(name, t)] = (gbs, triad)
            vs = (f"{100 * gbs[1] / triad[1]:.0f}% ({100 * gbs[0] / triad[0]:.0f}%)"
                  if triad else "no triad")
            self.add("chains", f"| bench/{name}.nn | {t} | {ms(d[0])} / "
                     f"{ms(d[1])} | {gbs[0]:.1f} / {gbs[1]:.1f} | "
                     + (f"{triad[0]:.1f} / {triad[1]:.1f}" if triad else "-")
                     + f" | {vs} |")

    # --- once ---------------------------------------------------------------

    def compile_times(self):
        files = sorted((ROOT / "examples").glob("**/*.nn"))
        for f in files:
            rel = f.relative_to(ROOT)
            pick = main_model(f)
            recs, rss = [], []
            try:
                for _ in range(self.repeats):
                    recs.append(deepc_bench(self.deepc, f, [1], 1, min_time=0,
                                            extra=pick, rss=rss))
            except subprocess.CalledProcessError as e:
                err = (e.stderr or "").strip().splitlines()
                self.add("compile", f"| {rel} | does not compile: "
                         f"{err[0] if err else e.returncode} | | |")
                continue
            peak = max(rss)
            key = str(rel)
            if pick:
                rel = f"{rel} (model {pick[1]})"
            cells = []
            for kind in ("compile_model", "compile_train"):
                got = [r[(kind, None)] for r in recs if (kind, None) in r]
                if got:
                    cpu = med([g["cpu_seconds"] for g in got])
                    wall = med([g["seconds"] for g in got])
                    cells.append(f"{cpu:.2f} s ({wall:.2f} s)")
                    self.fig[(f"{kind}:{key}", 1)] = (cpu, wall)
                else:
                    cells.append("-")
            self.add("compile", f"| {rel} | {cells[0]} | {cells[1]} | "
                     f"{peak:.0f} MiB |")

    def memory(self):
        """--repeats runs, each of one training epoch at batch 64 on
        Fashion-MNIST, one thread, in `deepc train` and in torch_bench.py's
        `epoch`; medians of: the process's max RSS, wall and CPU time
        (compile and `import torch` included), and the epoch alone (deepc:
        its --log epoch record's seconds and cpu_seconds; PyTorch: its
        training loop, as torch_bench.py prints it)."""
        if not DATA.exists():
            self.notes.append(f"memory: {DATA} (Debian's dataset-fashion-mnist) "
                              "is missing; not run")
            return
        env, _ = torch_env()
        x = DATA / "train-images-idx3-ubyte.gz"
        y = DATA / "train-labels-idx1-ubyte.gz"
        for name, nn_file, rows in (
                ("mlp", ROOT / "examples/fashion_mlp.nn", 60000),
                ("lenet", ROOT / "examples/lenet/lenet.nn", 6400)):
            sel = "" if rows == 60000 else f"[0:{rows}]"
            log = self.work / f"epoch_{name}.jsonl"
            ds, ps = [], []
            for _ in range(self.repeats):
                wall, cpu, rss, _ = timed(
                    [self.deepc, "train", nn_file, "--epochs", 1, "--threads",
                     1, "--data", f"x={x}{sel}", "--data", f"y={y}{sel}",
                     "--log", log])
                epochs = [r for r in map(json.loads,
                                         log.read_text().splitlines())
                          if r.get("kind") == "epoch"]
                if len(epochs) != 1 or "cpu_seconds" not in epochs[0]:
                    raise RuntimeError(
                        f"{self.deepc} train --log {log}: no epoch record "
                        "with cpu_seconds (a deepc older than that field?)")
                ds.append((wall, cpu, rss, epochs[0]["seconds"],
                           epochs[0]["cpu_seconds"]))
                wall, cpu, rss, out = timed(
                    ["/usr/bin/python3", ROOT / "bench/torch_bench.py",
                     "epoch", name, rows], env=env)
                loop = json.loads(out.strip().splitlines()[-1])
                ps.append((wall, cpu, rss, loop["seconds"],
                           loop["cpu_seconds"]))
            d = tuple(med(column) for column in zip(*ds))
            p = tuple(med(column) for column in zip(*ps))
            self.fig[(f"memory:{name}", 1)] = (d, p)
            self.fig[(f"{name}_epoch", 1)] = ((d[3], d[4]), (p[3], p[4]))
            label = "MLP" if name == "mlp" else "LeNet"
            self.add("memory", f"| {label}, 1 epoch of {rows} images | "
                     f"{d[2]:.0f} MiB | {p[2]:.0f} MiB | {p[2] / d[2]:.1f}x | "
                     f"{d[0]:.1f} s / {d[1]:.1f} s | {p[0]:.1f} s / {p[1]:.1f} s |")
            self.add("epoch", f"| {label}, {rows} images, batch 64 | "
                     f"{d[3]:.2f} s / {d[4]:.2f} s | {p[3]:.2f} s / "
                     f"{p[4]:.2f} s | {p[4] / d[4]:.2f}x ({p[3] / d[3]:.2f}x) |")

    # --- targets ----------------------------------------------------------

    def parallel_room(self, t):
        """Why a t-thread figure of this run cannot be judged, or None: when
        the FMA loop on t threads got less than 1.5 cores' worth over wall
        time, the other work on the machine held the cores. A core's worth
        is the one-thread loop's rate per CPU second (what a core gives
        while it runs): its rate over wall time drops with the load too,
        and against it a busy machine could pass (1-thread 8 GFLOP/s wall,
        2-thread 24 wall, 38 per CPU second in one run here)."""
        one, many = self.fig.get(("peak", 1)), self.fig.get(("peak", t))
        if t == 1 or not one or not many or many[0] >= 1.5 * one[1]:
            return None
        return (f"not judged: the FMA loop on {t} threads got "
                f"{many[0] / one[1]:.2f}x one core's rate over wall time in "
                "this run")

    def in_cache(self):
        """Why the chains cannot be judged against STREAM, or None: issue 14
        judges them on data at least CHAIN_L3_TIMES the L3, which
        chain_rows() sizes them to when it knows the L3."""
        tensor = self.rows * 4096 * 4
        if self.l3 is None:
            return "not judged: the L3's size is unknown"
        if tensor < CHAIN_L3_TIMES * self.l3:
            return (f"not judged: its {tensor / 2**20:.0f} MiB input is not "
                    f"{CHAIN_L3_TIMES}x the {self.l3 / 2**20:.0f} MiB L3")
        return None

    def target(self, what, figure, anchor, met, why="", threads=1,
               why_not=None):
        state = "met" if met else f"**missed**{': ' + why if why else ''}"
        state = why_not or self.parallel_room(threads) or state
        self.targets.append(f"| {what} | {figure} | {anchor} | {state} |")

    def speedup(self, what, key, need, t, filed, over="PyTorch",
                fmt=ms):
        """A target "deepc at least `need` times faster": fig[(key, t)] is
        (deepc, other), each (wall, CPU) in the unit `fmt` prints; judged
        on CPU time on one thread, on wall time on more."""
        got = self.fig.get((key, t))
        if not got or not got[0] or not got[1]:
            return
        d, o = got
        i = 1 if t == 1 else 0
        r = o[i] / d[i]
        self.target(f"{what}, {t} thread(s): >= {need:g}x {over}",
                    f"{r:.2f}x ({'CPU' if t == 1 else 'wall'}): deepc "
                    f"{fmt(d[i])}, {over} {fmt(o[i])}",
                    filed if t == 1 else "-", r >= need,
                    f"{need / r:.2f}x short", threads=t)

    def judge(self, threads_list):
        """Issue 14's targets, one row each (per thread count where the
        figure has one), from this run's figures only."""
        f = self.fig
        secs = lambda v: f"{v:.2f} s"
        for t in threads_list:
            self.speedup("LeNet training step, batch 64", "lenet_step", 3, t,
                         "1.28x")
        for t in threads_list:
            self.speedup("LeNet inference, batch 64", "lenet_traced64", 1.5,
                         t, "0.61x", over="PyTorch traced")
        self.speedup("MLP training epoch, all of `deepc train` (log record)",
                     "mlp_epoch", 2, 1, "1.4x", over="PyTorch's loop",
                     fmt=secs)
        self.speedup("LeNet training epoch, all of `deepc train` (log "
                     "record)", "lenet_epoch", 3, 1, "-",
                     over="PyTorch's loop", fmt=secs)
        for t in threads_list:
            self.speedup("fashion_cnn_bn training step, batch 64",
                         "cnn_bn_step", 2.5, t,
                         "0.94x (CPU of the 93.4% run)")
        for t in threads_list:
            self.speedup("transformer_charlm training step, batch 32",
                         "charlm_step", 2, t, "-")
        for rel, label, limit, filed in (
                ("examples/fashion_mlp.nn", "MLP", 0.3, "0.65 s"),
                ("examples/lenet/lenet.nn", "LeNet", 1.0, "3.07 s"),
                ("examples/transformer_charlm/charlm.nn", "transformer_charlm",
                 2.0, "9.30 s")):
            step = f.get((f"compile_train:{rel}", 1))
            fwd = f.get((f"compile_model:{rel}", 1))
            if step is None or fwd is None:
                continue
            short = []
            if step[0] >= limit:
                short.append(f"step {step[0] / limit:.1f}x over")
            if fwd[0] >= limit / 2:
                short.append(f"forward {fwd[0] / (limit / 2):.1f}x over")
            self.target(f"compile {label} (.nn to runnable code), 1 thread: "
                        f"train step < {limit:g} s, forward < {limit / 2:g} s",
                        f"step {step[0]:.2f} s, forward {fwd[0]:.2f} s (CPU)",
                        f"step {filed}", not short, ", ".join(short))
        for name in ("elementwise", "reduction"):
            for t in threads_list:
                got = f.get((name, t))
                if not got or not got[1]:
                    continue
                gbs, triad = got
                i = 1 if t == 1 else 0
                r = gbs[i] / triad[i]
                per = "per CPU s" if t == 1 else "wall"
                self.target(f"{name} chain, {t} thread(s): >= 80% of STREAM",
                            f"{gbs[i]:.1f} GB/s ({per}) = {100 * r:.0f}% of "
                            f"the triad's {triad[i]:.1f} now",
                            "-", r >= 0.8, f"{100 * (0.8 - r):.0f} points short",
                            threads=t, why_not=self.in_cache())
        for t in threads_list:
            i = 1 if t == 1 else 0
            got = [(s, f[(s, t)][i], f[(f"oneDNN:{s}", t)][i])
                   for s in MLP_SHAPES
                   if (s, t) in f and (f"oneDNN:{s}", t) in f]
            if len(got) < len(MLP_SHAPES):
                continue
            each = [(o / d, s) for s, d, o in got]
            worst = min(each)
            total = sum(o for _, _, o in got) / sum(d for _, d, _ in got)
            self.target(f"matmul on the MLP's 5 shapes, {t} thread(s): each "
                        ">= oneDNN",
                        f"oneDNN / deepc ({'CPU' if t == 1 else 'wall'}): "
                        + ", ".join(f"{s.split(':')[0]} {r:.2f}x"
                                    for r, s in each)
                        + f"; all 5: {total:.2f}x",
                        "-", worst[0] >= 1,
                        f"{worst[1]} at {worst[0]:.2f}x", threads=t)
        for model, label in (("mlp", "MLP"), ("lenet", "LeNet")):
            for t in threads_list:
                self.speedup(f"{label} inference, batch 1", f"{model}_fwd1",
                             8, t, "-", over="PyTorch eager")


def keep_hand_written(path):
    marker = "## Where the targets stand"
    if path.exists():
        text = path.read_text()
        if marker in text:
            return text[text.index(marker):]
    return f"{marker} (written by hand from the run and profiles)\n\nNot yet written.\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deepc", default=str(ROOT / "build/bin/deepc"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--sizes", default="128,256,512,1024,2048")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="sections to run (implies --no-write): "
                        + ",".join(SECTIONS))
    parser.add_argument("--no-write", action="store_true",
                        help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    threads_list = [int(t) for t in args.threads.split(",")]
    only = [s for s in args.only.split(",") if s]
    for s in only:
        if s not in SECTIONS:
            parser.error(f"--only: unknown section '{s}'")
    write = not args.no_write and set(only) == set(SECTIONS)
    if set(only) & {*TORCH_TIMED, "memory"} and subprocess.run(
            ["/usr/bin/python3", "-c", "import torch"],
            capture_output=True).returncode:
        parser.error("PyTorch is missing from /usr/bin/python3: as root, "
                     "`apt-get install -y python3-torch` (Debian 12's 1.13)")

    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        b = Bench(args, Path(tmp))
        aten = b.kernels()
        for t in threads_list:
            b.machine_rates(t)
            shapes = ([f"{s}x{s}x{s}:NT" for s in args.sizes] +
                      list(MLP_SHAPES)) if "matmul" in only else []
            torch = torch_figures(args.repeats, t,
                                  [s for s in only if s in TORCH_TIMED],
                                  shapes) \
                if set(only) & set(TORCH_TIMED) else {}
            if "matmul" in only:
                b.matmul(t, torch)
            if "mlp" in only:
                b.model_rows("mlp", ROOT / "examples/fashion_mlp.nn", t, torch)
            if "lenet" in only:
                b.model_rows("lenet", ROOT / "examples/lenet/lenet.nn", t,
                             torch)
            for section in STEP_MODELS:
                if section in only:
                    b.step_row(section, t, torch)
            if "chains" in only:
                b.chains(t)
        if "compile" in only:
            b.compile_times()
        if "memory" in only:
            b.memory()
        b.judge(threads_list)
    load_after = os.getloadavg()

    heads = {
        "matmul": ["## matmul f32\n",
                   "Each cell: median CPU time per call: GFLOP/s (1 thread: per "
                   "CPU second, with % of the FMA peak measured in this run; "
                   "2 threads: over wall time); then for the others, their "
                   "time over deepc's, CPU (wall): above 1, deepc is faster.\n",
                   "| shape MxNxK:AB | threads | deepc | oneDNN | OpenBLAS | "
                   "PyTorch |", "| --- | --- | --- | --- | --- | --- |"],
        "models": ["## Training steps and inference\n",
                   "Median wall / CPU time per call; PyTorch / deepc is "
                   "PyTorch's time over deepc's, CPU (wall): above 1, deepc "
                   "is faster. The anchor is PyTorch at its best on the idle "
                   "Zen 5 machine (one thread), a reference on other CPUs.\n",
                   "| workload | threads | deepc | PyTorch | PyTorch / deepc "
                   "| anchor |", "| --- | --- | --- | --- | --- | --- |"],
        "chains": ["## Elementwise and reduction chains against STREAM\n",
                   f"[{b.rows}, 4096] f32 ({b.rows * 4096 * 4 / 2**20:.0f} MiB"
                   + (f", {b.rows * 4096 * 4 / b.l3:.1f}x the L3" if b.l3 else "")
                   + ") per call; GB/s counts the bytes "
                   "the chain must move (elementwise: read + write, 8 B an "
                   "element; reduction: read, 4 B), the triad as STREAM does "
                   "(12 B). deepc's time is `deepc bench`'s call; its "
                   "result is handed over, not copied.\n",
                   "| chain | threads | deepc wall / CPU | deepc GB/s wall / "
                   "per CPU s | triad GB/s wall / per CPU s | deepc / triad, "
                   "CPU (wall) |", "| --- | --- | --- | --- | --- | --- |"],
        "compile": ["## Compile time, .nn to runnable code (one thread)\n",
                    "Median over the repeats of `deepc bench F.nn --min-time 0 "
                    "--batch-sizes 1 --json`, CPU seconds (wall in "
                    "parentheses): reading, checking, lowering and "
                    "JIT-compiling the model's forward, and separately the "
                    "train block's step; peak memory of that process.\n",
                    "| file | forward | train step | max RSS |",
                    "| --- | --- | --- | --- |"],
        "epoch": ["## A training epoch: `deepc train` against PyTorch's loop "
                  "(one thread)\n",
                  "The epoch alone, medians over the repeats: deepc's from "
                  "the epoch record of `deepc train --epochs 1 --threads 1 "
                  "--log run.jsonl` (`seconds`, `cpu_seconds`: from its "
                  "first batch to its summary line, batch gathering, "
                  "metrics and the log's step records included), "
                  "PyTorch's from `bench/torch_bench.py epoch` around its "
                  "training loop (time.perf_counter, time.process_time: "
                  "shuffle, batch indexing and steps). Same model, "
                  "optimizer, data, batch 64, shuffled.\n",
                  "| work | deepc wall / CPU | PyTorch wall / CPU | "
                  "PyTorch / deepc, CPU (wall) |",
                  "| --- | --- | --- | --- |"],
        "memory": ["## Peak memory and time of a training epoch (one thread)\n",
                   "`deepc train F.nn --epochs 1 --data x=... --data y=...` "
                   "against `bench/torch_bench.py epoch` (same model, "
                   "optimizer, batch 64, shuffled); compile and `import "
                   "torch` included; medians over the repeats.\n",
                   "| work | deepc max RSS | PyTorch max RSS | PyTorch / "
                   "deepc | deepc wall / CPU | PyTorch wall / CPU |",
                   "| --- | --- | --- | --- | --- | --- |"],
    }
    body = []
    body += ["## The issue's targets\n",
             "Issue 14's targets, one row each (per thread count where the "
             "figure has one). Each target's figure from this run, judged "
             "only from this run's figures: on one thread by CPU time, on "
             "two by wall time, and not judged on two when the FMA loop "
             "showed the cores busy. \"When filed\" is the figure issue 14 "
             "was filed with (an AMD EPYC Zen 3, AVX2, one thread): a "
             "reference, not judged.\n",
             "| target | this run | when filed | |",
             "| --- | --- | --- | --- |"]
    body += b.targets + [""]
    for key in ("matmul", "models", "chains", "compile", "epoch", "memory"):
        if key in b.tables:
            body += heads[key] + b.tables[key] + [""]
    text = "\n".join(body)
    notes = "\n".join(f"- {n}" for n in b.notes)
    print(text)
    print(notes)
    if not write:
        return 0
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
    load = lambda l: ", ".join(f"{x:.1f}" for x in l)
    _, blas = torch_env()
    path = ROOT / "bench/RESULTS.md"
    hand = keep_hand_written(path)
    path.write_text(f"""# deepc against PyTorch, oneDNN and OpenBLAS

{started:%Y-%m-%d %H:%M} UTC, commit {commit}, {machine()}.
The machine is shared with other work: the load average (1, 5, 15 min) was
{load(load_before)} before and {load(load_after)} after, on 2 cores, so
absolute figures carry noise of tens of percent; compare the ratios within
this run, the matmul rates with the FMA peak and the chains with the STREAM
triad measured in the same run. CPU time (process CPU seconds per call) is
inflated much less by other processes than wall time; with 2 threads it
counts both threads, so there the wall-time figures show parallel speed.

deepc: {deepc_source(args.deepc)}.

Rerun: `/usr/bin/python3 bench/bench.py --deepc build/bin/deepc` (its
docstring has the method; `--only SECTIONS` runs a part without writing
this file).

- {notes[2:] if notes else 'no peak or triad measured'}
- PyTorch 1.13 (Debian), oneDNN 2.6 (Debian's libdnnl2) and OpenBLAS 0.3.21
  (Debian's libopenblas0-pthread, from {blas}); OPENBLAS_CORETYPE and
  OPENBLAS_L2_SIZE unset, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and
  torch.set_num_threads = the thread count,
  ATEN_CPU_CAPABILITY={aten or "(unknown)"}, the widest this CPU has.

{text}
{hand}""")
    return 0


if __name__ == "__main__":
    sys.exit(main())
