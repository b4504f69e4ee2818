#!/usr/bin/python3
"""make_weights.py OUT.safetensors NAME=D0xD1... ...: random f32 tensors of
those names and shapes (fixed seed), as a safetensors file."""
import json
import struct
import sys

import numpy as np

rng = np.random.default_rng(99)
header, blobs, at = {}, [], 0
for spec in sys.argv[2:]:
    name, shape = spec.split("=")
    dims = [int(d) for d in shape.split("x")]
    blob = rng.uniform(-0.5, 0.5, dims).astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": dims, "data_offsets": [at, at + len(blob)]}
    blobs.append(blob)
    at += len(blob)
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
