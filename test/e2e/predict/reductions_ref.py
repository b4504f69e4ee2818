#!/usr/bin/python3
"""reductions_ref.py DIR N: writes DIR/x.npy (N samples of [3, 37], seed 7)
and DIR/want.npy, want.1.npy, ... : Inputs/reductions.nn's results computed
by NumPy in float64, the reference of reductions.test."""
import os
import sys

import numpy as np

out, n = sys.argv[1], int(sys.argv[2])
x = np.random.default_rng(7).normal(0.0, 2.0, (n, 3, 37)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
d = x.astype(np.float64)
z = d * 3.0
e = np.exp(z - z.max(axis=2, keepdims=True))
want = [
    (d * d + 0.5).sum(axis=2),
    d.max(axis=2) - d.min(axis=2),
    np.abs(d).sum(axis=(1, 2)),
    e / e.sum(axis=2, keepdims=True),
    d.mean(axis=2),
]
for i, w in enumerate(want):
    name = "want.npy" if i == 0 else f"want.{i}.npy"
    np.save(os.path.join(out, name), w.astype(np.float32))
