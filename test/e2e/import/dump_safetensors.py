#!/usr/bin/python3
"""dump_safetensors.py FILE: one line per tensor, `name [shape]` (and
`sum=0` for an all-zero tensor), sorted, then `metadata key = value` lines."""
import json
import struct
import sys

import numpy as np

with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
meta = header.pop("__metadata__", {})
for name in sorted(header):
    h = header[name]
    b, e = h["data_offsets"]
    t = np.frombuffer(data[b:e], dtype="<f4") if h["dtype"] == "F32" else None
    zero = " sum=0" if t is not None and t.size and not t.any() else ""
    print(f"{name} {h['shape']}{zero}")
for k in sorted(meta):
    print(f"metadata {k} = {meta[k]}")
