"""A safetensors writer for the fixture scripts, written from the format's
definition (8-byte little-endian header length, JSON header, data)."""
import json
import struct

import numpy as np


def write_safetensors(path, tensors):
    """F32 tensors, and I64 for int64 arrays (PyTorch's batchnorm
    num_batches_tracked)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = np.asarray(t)
        if t.dtype == np.int64:
            data, dtype = np.ascontiguousarray(t, dtype="<i8").tobytes(), "I64"
        else:
            data, dtype = np.ascontiguousarray(t, dtype="<f4").tobytes(), "F32"
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
