#!/usr/bin/python3
"""compare.py RUN.jsonl CKPT.safetensors EXPECTED.npz: exit 1 unless every
step's loss matches the reference to 1e-3 relative, the checkpoint holds
w1 as BF16 and the others as F32, and every parameter matches the
reference: bf16 ones within one rounding (2^-8 relative, so a rounding
that went the other way passes), f32 ones within 1e-4.

compare.py --same A.safetensors B.safetensors: exit 1 unless the two files
hold the same parameters with the same dtype and bits (optimizer state
aside)."""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import bf16_to_f32, read_safetensors  # noqa: E402

if sys.argv[1] == "--same":
    a, b = read_safetensors(sys.argv[2]), read_safetensors(sys.argv[3])
    names = [k for k in a if not k.startswith("__opt__.")]
    for k in names:
        if k not in b or a[k][0] != b[k][0] or not np.array_equal(a[k][1], b[k][1]):
            sys.exit(f"{k}: differs")
    print(f"ok: {len(names)} parameters bit-identical")
    sys.exit(0)

log, ckpt, expected = sys.argv[1:4]
ref = np.load(expected)
steps = [json.loads(l) for l in open(log) if l.strip()]
losses = [s["loss"] for s in steps if s["kind"] == "step"]
if len(losses) != len(ref["losses"]):
    sys.exit(f"{len(losses)} step losses logged, expected {len(ref['losses'])}")
for i, (g, w) in enumerate(zip(losses, ref["losses"])):
    if abs(g - w) > 1e-3 * abs(w):
        sys.exit(f"step {i + 1}: loss {g!r}, PyTorch {w!r}")
got = read_safetensors(ckpt)
worst = 0.0
for name in ref.files:
    if name == "losses":
        continue
    dtype, a = got[name]
    want_dtype = "BF16" if name == "w1" else "F32"
    if dtype != want_dtype:
        sys.exit(f"{name}: saved as {dtype}, expected {want_dtype}")
    a = bf16_to_f32(a) if dtype == "BF16" else a
    err = np.abs(a - ref[name])
    tol = 2.0 ** -8 * np.abs(ref[name]) + 1e-6 if dtype == "BF16" else 1e-4
    if np.any(err > tol):
        sys.exit(f"{name}: max abs difference {err.max():.3g} from PyTorch")
    worst = max(worst, err.max())
print(f"ok: {len(losses)} steps, max weight difference {worst:.3g}")
