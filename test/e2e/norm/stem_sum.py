"""Holds deepc's `sum(conv2d(x), axis = (0, 2, 3))` over batches of 32 real
Fashion-MNIST images to a float64 reference computed here with NumPy (the
convolution and the sum in float64 from the same float32 inputs and
weights): each of the 8 channel sums (25,088 values) within `--tol`
relative. On these 4 batches PyTorch 1.13's float32 run (its cascade sum)
is within 1.1e-7 to 1.9e-7, deepc's cascade of passes within 0.8e-7 to
2.0e-7; deepc's former sum (one pass, 896 values per running sum) was
1.3e-6 to 1.9e-6 off, and one running sum per channel is 0.8e-4 to 1.6e-4
off.

usage: stem_sum.py DEEPC MODEL.nn WORKDIR [--tol T]"""
import argparse
import gzip
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from safetensors_io import write_safetensors  # noqa: E402

IMAGES = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def images(count):
    if not os.path.exists(IMAGES):
        sys.exit(f"error: {IMAGES} is missing (scripts/setup.sh installs "
                 "Debian's dataset-fashion-mnist)")
    with gzip.open(IMAGES) as f:
        raw = f.read(16 + count * 784)
    pixels = np.frombuffer(raw, np.uint8, offset=16).reshape(count, 1, 28, 28)
    return (pixels / np.float32(255)).astype(np.float32)


def reference(x, w, b):
    """conv2d (3x3, padding 1) then the sum over (0, 2, 3), in float64."""
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    w = w.astype(np.float64)
    out = np.broadcast_to(b.astype(np.float64)[None, :, None, None],
                          (x.shape[0], w.shape[0], 28, 28)).copy()
    for a in range(3):
        for c in range(3):
            out += np.einsum("f,nhw->nfhw", w[:, 0, a, c],
                             xp[:, 0, a:a + 28, c:c + 28])
    return out.sum(axis=(0, 2, 3))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("deepc")
    p.add_argument("model")
    p.add_argument("workdir")
    p.add_argument("--tol", type=float, default=3e-7)
    p.add_argument("--batches", type=int, default=4)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    # He-like weights as a stem's, and a bias: per-channel sums with
    # and without cancellation.
    w = (rng.standard_normal((8, 1, 3, 3)) / 3).astype(np.float32)
    b = (rng.standard_normal(8) * 0.1).astype(np.float32)
    weights = os.path.join(args.workdir, "stem.safetensors")
    write_safetensors(weights, {"stem.weight": w, "stem.bias": b})
    x_all = images(32 * args.batches)
    worst = 0.0
    for k in range(args.batches):
        x = x_all[32 * k:32 * (k + 1)]
        xfile = os.path.join(args.workdir, f"x{k}.npy")
        out = os.path.join(args.workdir, f"sum{k}.npy")
        np.save(xfile, x)
        subprocess.run([args.deepc, "predict", args.model, "--weights",
                        weights, "--data", f"x={xfile}", "-o", out],
                       check=True)
        ref = reference(x, w, b)
        got = np.load(out).astype(np.float64)
        rel = np.abs(got - ref) / np.abs(ref)
        worst = max(worst, rel.max())
        print(f"batch {k}: max relative error {rel.max():.3g}")
    if worst > args.tol:
        sys.exit(f"FAIL: max relative error {worst:.3g} > {args.tol:g}")
    print(f"ok: {args.batches} batches within {args.tol:g}")


if __name__ == "__main__":
    main()
