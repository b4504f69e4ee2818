#!/usr/bin/python3
"""show_tensor.py FILE.safetensors NAME: prints `NAME SHAPE VALUES` of one
F32 tensor of a safetensors file."""
import json
import struct
import sys

import numpy as np

path, name = sys.argv[1:3]
with open(path, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
h = header[name]
b, e = h["data_offsets"]
t = np.frombuffer(data[b:e], dtype="<f4").reshape(h["shape"])
print(name, h["shape"], t.tolist())
