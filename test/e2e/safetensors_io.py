"""A safetensors writer for the fixture scripts, written from the format's
definition (8-byte little-endian header length, JSON header, data)."""
import json
import struct

import numpy as np


def write_safetensors(path, tensors):
    """F32 tensors, I64 for int64 arrays (PyTorch's batchnorm
    num_batches_tracked), and BF16 for uint16 arrays of bfloat16 bit
    patterns."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = np.asarray(t)
        if t.dtype == np.int64:
            data, dtype = np.ascontiguousarray(t, dtype="<i8").tobytes(), "I64"
        elif t.dtype == np.uint16:
            data, dtype = np.ascontiguousarray(t, dtype="<u2").tobytes(), "BF16"
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


def read_safetensors(path):
    """{name: (dtype, array)}: F32 as float32, BF16 as its uint16 bit
    patterns, I64 as int64 (metadata skipped)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    kinds = {"F32": "<f4", "BF16": "<u2", "I64": "<i8"}
    out = {}
    for name, h in header.items():
        if name == "__metadata__":
            continue
        b, e = h["data_offsets"]
        a = np.frombuffer(data[b:e], dtype=kinds[h["dtype"]]).reshape(h["shape"])
        out[name] = (h["dtype"], a)
    return out


def bf16_to_f32(bits):
    """The float32 values of bfloat16 bit patterns (exact)."""
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32)
