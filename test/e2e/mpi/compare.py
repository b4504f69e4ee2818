#!/usr/bin/python3
"""compare.py weights A B ATOL: the checkpoints A and B hold the same
tensors, every element within ATOL (absolute); prints the largest
difference.

compare.py same A B -: every tensor of A and B but batchnorm's running
statistics (per rank under MPI) is the same, bit for bit.

compare.py curves A.jsonl B.jsonl RTOL: the two run logs have the same
epochs and their epoch losses agree within RTOL (relative).

Exits 1 with a message naming the first mismatch."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from safetensors_io import read_safetensors  # noqa: E402


def weights(a, b, atol):
    ta, tb = read_safetensors(a), read_safetensors(b)
    if sorted(ta) != sorted(tb):
        sys.exit(f"different tensors: {sorted(ta)} vs {sorted(tb)}")
    worst = 0.0
    for name in sorted(ta):
        x = ta[name][1].astype(np.float64)
        y = tb[name][1].astype(np.float64)
        if x.shape != y.shape:
            sys.exit(f"{name}: shapes {x.shape} vs {y.shape}")
        d = float(np.max(np.abs(x - y))) if x.size else 0.0
        if not d <= atol:
            sys.exit(f"{name}: differs by {d:.3g} > {atol:g}")
        worst = max(worst, d)
    # A comparison of a run with itself would prove nothing.
    print(f"max difference {worst:.3g} over {len(ta)} tensors")


def same(a, b, _):
    ta, tb = read_safetensors(a), read_safetensors(b)
    if sorted(ta) != sorted(tb):
        sys.exit(f"different tensors: {sorted(ta)} vs {sorted(tb)}")
    names = [n for n in sorted(ta) if ".running_" not in n]
    for name in names:
        x, y = ta[name][1], tb[name][1]
        if x.shape != y.shape or x.tobytes() != y.tobytes():
            sys.exit(f"{name} differs")
    print(f"{len(names)} tensors the same, {len(ta) - len(names)} per rank")


def epochs(path):
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r["loss"] for r in rows if r.get("kind") == "epoch"]


def curves(a, b, rtol):
    la, lb = epochs(a), epochs(b)
    if len(la) != len(lb) or not la:
        sys.exit(f"epochs: {len(la)} vs {len(lb)}")
    for i, (x, y) in enumerate(zip(la, lb)):
        if not abs(x - y) <= rtol * abs(y):
            sys.exit(f"epoch {i + 1}: loss {x:.6g} vs {y:.6g} (rtol {rtol:g})")
    print("epoch losses " + " ".join(f"{x:.4f}/{y:.4f}" for x, y in zip(la, lb)))


if __name__ == "__main__":
    kind, a, b = sys.argv[1], sys.argv[2], sys.argv[3]
    tol = float(sys.argv[4]) if kind != "same" else None
    {"weights": weights, "curves": curves, "same": same}[kind](a, b, tol)
