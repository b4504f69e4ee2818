#!/usr/bin/python3
"""mpi_scaling.py [--deepc PATH] [--samples N] [--epochs E] [--batch B]:
data-parallel scaling of `deepc train` (docs/DISTRIBUTED.md) on this
machine: the SPEC's Fashion-MLP on the first N training images, run as one
process and as `mpirun -np 2` (TCP loopback and shared memory, the ordered
sum and Open MPI's own MPI_Allreduce). Prints, per run, the training
throughput (samples per second of the epochs' wall time, compile excluded),
the scaling efficiency (throughput over W times the one-process one), the
time per step spent summing gradients over the ranks (the transfer and the
additions, timed after a barrier) with the bytes each step sums, and the
time per step the ranks wait at that barrier for the slowest one.

On a machine shared with other work the wall times carry that noise: run it
when the load average is low, and more than once."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
FM = "/usr/share/datasets/fashion-mnist"
# Open MPI polls while it waits; on a machine shared with other work, ranks
# that yield the CPU instead wait far less for each other.
MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "--bind-to",
          "none", "--mca", "mpi_yield_when_idle", "1"]


def run(cmd, log, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env=env).stdout
    with open(log) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    epochs = [r for r in rows if r.get("kind") == "epoch"]
    m = re.search(r"gradient sum: ([0-9.]+) ms per step, (\d+) floats.*"
                  r"slowest rank: ([0-9.]+) ms", out)
    comm = (float(m.group(1)), int(m.group(2)), float(m.group(3))) if m else None
    return sum(e["seconds"] for e in epochs), epochs[-1]["step"], comm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--deepc", default=os.path.join(SRC, "build/bin/deepc"))
    ap.add_argument("--samples", type=int, default=12000)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=256)
    a = ap.parse_args()
    sel = f"[0:{a.samples}]"
    train = [a.deepc, "train", os.path.join(SRC, "examples/fashion_mlp.nn"),
             "--data", f"x={FM}/train-images-idx3-ubyte.gz{sel}",
             "--data", f"y={FM}/train-labels-idx1-ubyte.gz{sel}",
             "--epochs", str(a.epochs), "--batch", str(a.batch),
             "--print-comm-time"]
    samples = a.samples * a.epochs
    print(f"Fashion-MLP, {a.samples} samples x {a.epochs} epochs, batch "
          f"{a.batch}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "run.jsonl")
        one, steps, _ = run(train + ["--log", log], log)
        base = samples / one
        print(f"W=1             {base:9.0f} samples/s  ({steps} steps)")
        for btl in ["tcp", "vader"]:
            for mode in ["ordered", "native"]:
                env = dict(os.environ, DEEPC_MPI_ALLREDUCE=mode)
                cmd = MPIRUN + ["--mca", "btl", f"self,{btl}", "-np", "2"]
                secs, steps, comm = run(cmd + train + ["--log", log], log, env)
                thr = samples / secs
                ms, floats, wait = comm
                print(f"W=2 {btl:5} {mode:7} {thr:9.0f} samples/s  "
                      f"efficiency {thr / (2 * base):4.2f}  sum {ms:6.3f} "
                      f"ms/step of {floats * 4 / 1e6:.2f} MB, waiting "
                      f"{wait:6.3f} ms/step")


if __name__ == "__main__":
    sys.exit(main())
