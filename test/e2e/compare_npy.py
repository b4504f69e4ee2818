#!/usr/bin/python3
"""compare_npy.py GOT EXPECTED [--atol A] [--rtol R]: exit 1 unless the two
.npy files have the same shape and dtype and agree elementwise within
|got - expected| <= atol + rtol * |expected|."""
import argparse
import sys

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("got")
p.add_argument("expected")
p.add_argument("--atol", type=float, default=1e-5)
p.add_argument("--rtol", type=float, default=1e-5)
a = p.parse_args()
got, want = np.load(a.got), np.load(a.expected)
if got.shape != want.shape or got.dtype != want.dtype:
    print(f"mismatch: got {got.dtype}{list(got.shape)}, expected {want.dtype}{list(want.shape)}")
    sys.exit(1)
err = np.abs(got.astype(np.float64) - want.astype(np.float64))
bound = a.atol + a.rtol * np.abs(want.astype(np.float64))
if not np.all(err <= bound):
    i = np.unravel_index(np.argmax(err - bound), err.shape)
    print(f"values differ: at {i} got {got[i]}, expected {want[i]} (max error {err.max():.3g})")
    sys.exit(1)
print(f"ok: {got.dtype}{list(got.shape)}, max error {err.max():.3g}")
