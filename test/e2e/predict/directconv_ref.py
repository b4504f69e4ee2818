#!/usr/bin/python3
"""directconv_ref.py DIR N: writes, for Inputs/directconv.nn's two models,
the input DIR/M.x.npy (N samples, seed 11), weights DIR/M.safetensors and
DIR/M.want.npy, the convolution computed by NumPy in float64: the
reference of directconv.test. M is lenet1, odd, lenet2 or strided."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from safetensors_io import write_safetensors  # noqa: E402


def conv2d(x, w, b, pad, stride):
    """NCHW cross-correlation, zero padding `pad`, float64."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * pad, wd + 2 * pad))
    xp[:, :, pad:pad + h, pad:pad + wd] = x
    oh = (h + 2 * pad - kh) // stride + 1
    ow = (wd + 2 * pad - kw) // stride + 1
    out = np.zeros((n, f, oh, ow)) + b[None, :, None, None]
    for a in range(kh):
        for bb in range(kw):
            patch = xp[:, :, a:a + (oh - 1) * stride + 1:stride,
                       bb:bb + (ow - 1) * stride + 1:stride]
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, a, bb])
    return out


out, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(11)
for name, layer, (c, f, k, size, pad, stride) in (
        ("lenet1", "c1", (1, 6, 5, 28, 2, 1)),
        ("odd", "c", (2, 7, 3, 13, 1, 1)),
        ("lenet2", "c2", (6, 16, 5, 14, 0, 1)),
        ("strided", "s", (8, 16, 3, 15, 1, 2))):
    x = rng.normal(0.0, 1.0, (n, c, size, size)).astype(np.float32)
    w = rng.normal(0.0, 0.5, (f, c, k, k)).astype(np.float32)
    b = rng.normal(0.0, 0.5, (f,)).astype(np.float32)
    np.save(os.path.join(out, f"{name}.x.npy"), x)
    write_safetensors(os.path.join(out, f"{name}.safetensors"),
                      {f"{layer}.weight": w, f"{layer}.bias": b})
    want = conv2d(x.astype(np.float64), w.astype(np.float64),
                  b.astype(np.float64), pad, stride)
    np.save(os.path.join(out, f"{name}.want.npy"), want.astype(np.float32))
