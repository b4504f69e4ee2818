"""A safetensors writer for the fixture scripts of this folder, written from
the format's definition, that also writes the int64 num_batches_tracked of
PyTorch's batchnorm state_dicts (../safetensors_io.py writes F32 only)."""
import json
import struct

import numpy as np


def write_safetensors(path, tensors):
    """F32 tensors, and I64 for num_batches_tracked (as torch writes it)."""
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
