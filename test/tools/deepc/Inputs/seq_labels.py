"""Writes data for seq-labels.test, and checks deepc eval's accuracy and
macro-F1 against NumPy's scoring of the same weights, position by position.
    seq_labels.py make DIR
    seq_labels.py check DIR EVAL_JSON"""
import json
import struct
import sys

import numpy as np


def read_safetensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    header = json.loads(b[8:8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or v["dtype"] != "F32":
            continue
        lo, hi = v["data_offsets"]
        out[k] = np.frombuffer(b[8 + n + lo:8 + n + hi], "<f4").reshape(v["shape"])
    return out


def main():
    d = sys.argv[2]
    if sys.argv[1] == "make":
        rng = np.random.default_rng(7)
        np.save(f"{d}/x.npy", rng.normal(size=(11, 5, 4)).astype(np.float32))
        np.save(f"{d}/y.npy", rng.integers(0, 3, size=(11, 5)).astype(np.int32))
        return
    x, y = np.load(f"{d}/x.npy"), np.load(f"{d}/y.npy")
    w = read_safetensors(f"{d}/ckpt")
    logits = x @ w["out.weight"].T + w["out.bias"]
    pred, true = logits.argmax(-1).ravel(), y.ravel()
    acc = float((pred == true).mean())
    f1s = []
    for c in range(3):
        tp = np.sum((pred == c) & (true == c))
        fp = np.sum((pred == c) & (true != c))
        fn = np.sum((pred != c) & (true == c))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    got = json.load(open(sys.argv[3]))
    assert abs(got["accuracy"] - acc) < 1e-6, (got["accuracy"], acc)
    assert abs(got["f1"] - np.mean(f1s)) < 1e-6, (got["f1"], np.mean(f1s))
    assert 0 < acc < 1, acc  # a check that could tell rows apart
    print(f"accuracy {acc:.6f} f1 {np.mean(f1s):.6f}: match")


main()
