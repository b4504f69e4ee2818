"""bench/bench.py's sizing and judging on made-up figures, nothing timed.

    judge.py BENCH_DIR

Prints the chains' rows for given L3 sizes, then the targets table's rows
(one per line) of three runs: figures that meet some targets and miss
others with the cores free on two threads; the same with the cores busy
(the 2-thread FMA loop over wall time at under 1.5x the 1-thread loop's
rate per CPU second, though 1.75x its rate over wall time); and chains on
data under 4x the L3."""
import argparse
import sys
import tempfile
from pathlib import Path

# No bench/__pycache__: the source tree stays clean, and a .pyc of an
# edit made within the same second at the same size (which Python takes
# for current) cannot stand in for bench.py.
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
import bench  # noqa: E402

MiB = 2**20

# The chains' [R, 4096] f32 tensors: at least 4x the L3, whole 64-row
# steps, never under 1920 rows.
for l3 in (8 * MiB, 32 * MiB, 6 * MiB, 9 * MiB):
    bench.l3_bytes = lambda: l3
    rows = bench.chain_rows()
    print(f"chain l3={l3 // MiB} rows={rows} "
          f"times={rows * 4096 * 4 / l3:.2f}")
bench.l3_bytes = lambda: 8 * MiB


def run(name, peak2, rows=None):
    with tempfile.TemporaryDirectory() as tmp:
        args = argparse.Namespace(deepc="deepc", repeats=1, sizes=[])
        b = bench.Bench(args, Path(tmp))
        if rows:
            b.rows = rows
        f = b.fig
        f[("peak", 1)] = (20.0, 40.0)
        f[("peak", 2)] = (peak2, 2 * peak2)
        for t in (1, 2):
            # (deepc, PyTorch), each (wall, CPU); ms, or s for the epochs.
            f[("lenet_step", t)] = ((10.0, 5.0), (40.0, 15.0))  # 3.0x CPU
            f[("lenet_traced64", t)] = ((4.0, 4.0), (5.0, 5.0))
            f[("cnn_bn_step", t)] = ((100.0, 50.0), (100.0, 125.0))
            f[("charlm_step", t)] = ((100.0, 60.0), (300.0, 110.0))
            f[("mlp_fwd1", t)] = ((0.01, 0.01), (0.1, 0.09))
            f[("lenet_fwd1", t)] = ((0.05, 0.05), (0.39, 0.39))
            # GB/s (wall, per CPU s) of the chain and of the triad.
            f[("elementwise", t)] = ((10.0, 12.0), (13.0, 14.0))
            f[("reduction", t)] = ((12.0, 6.0), (13.0, 14.0))
            for shape in bench.MLP_SHAPES:
                f[(shape, t)] = (1.0, 1.0)
                f[(f"oneDNN:{shape}", t)] = (1.0, 1.0)
            f[("64x128x10:NN", t)] = (1.0, 1.1)  # oneDNN 0.91x on 1 thread
        f[("mlp_epoch", 1)] = ((3.1, 1.5), (8.0, 3.9))
        f[("lenet_epoch", 1)] = ((5.7, 2.9), (4.7, 2.3))
        for rel, step, fwd in (("examples/fashion_mlp.nn", 0.29, 0.16),
                               ("examples/lenet/lenet.nn", 0.9, 0.4),
                               ("examples/transformer_charlm/charlm.nn", 2.5,
                                0.9)):
            f[(f"compile_train:{rel}", 1)] = (step, 2 * step)
            f[(f"compile_model:{rel}", 1)] = (fwd, 2 * fwd)
        b.judge([1, 2])
        for row in b.targets:
            what, figure, filed, state = row.strip("| ").split(" | ")
            print(f"{name}: {what} | {figure} | {filed} | {state}"
                  if name == "FREE" else f"{name}: {what} | {state}")


run("FREE", 65.0)
run("BUSY", 35.0)
run("CACHE", 65.0, rows=1536)  # [1536, 4096] f32: 24 MiB, 3x the 8 MiB L3
