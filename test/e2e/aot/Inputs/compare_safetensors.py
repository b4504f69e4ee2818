#!/usr/bin/python3
"""compare_safetensors.py GOT EXPECTED [--atol A]: exit 1 unless every
tensor of GOT is in EXPECTED with the same shape and values within A, and
EXPECTED has no other tensor than GOT's and `__opt__.` ones."""
import argparse
import json
import struct
import sys

import numpy as np


def read(path):
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", (path, name, info["dtype"])
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], np.float32).reshape(info["shape"])
    return out


p = argparse.ArgumentParser()
p.add_argument("got")
p.add_argument("expected")
p.add_argument("--atol", type=float, default=1e-5)
a = p.parse_args()
got, want = read(a.got), read(a.expected)
extra = [n for n in want if n not in got and not n.startswith("__opt__.")]
if extra:
    print(f"missing in {a.got}: {extra}")
    sys.exit(1)
worst = 0.0
for name, t in got.items():
    if name not in want or want[name].shape != t.shape:
        print(f"{name}: not in {a.expected} with shape {list(t.shape)}")
        sys.exit(1)
    err = float(np.max(np.abs(t.astype(np.float64) - want[name]))) if t.size else 0.0
    if not err <= a.atol:
        print(f"{name}: max error {err:.3g} > {a.atol}")
        sys.exit(1)
    worst = max(worst, err)
print(f"ok: {len(got)} tensors, max error {worst:.3g}")
