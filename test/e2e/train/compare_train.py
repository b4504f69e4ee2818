#!/usr/bin/python3
"""compare_train.py RUN.jsonl CKPT.safetensors EXPECTED.npz [--state-dict]:
exit 1 unless every step's loss in the run log matches the reference to
1e-4 relative and every parameter of the checkpoint to 2e-4 absolute, of
the reference's shape. With --state-dict the reference holds a PyTorch
twin's whole state_dict, and the checkpoint's parameters (its names not
starting with "__") must be exactly its names: the checkpoint loads into
the twin with load_state_dict(strict=True)."""
import json
import struct
import sys

import numpy as np

log, ckpt, expected = sys.argv[1:4]
state_dict = "--state-dict" in sys.argv[4:]
ref = np.load(expected)
steps = [json.loads(l) for l in open(log) if l.strip()]
losses = [r["loss"] for r in steps if r["kind"] == "step"]
want = ref["losses"]
if len(losses) != len(want):
    sys.exit(f"{len(losses)} step losses logged, expected {len(want)}")
for i, (g, w) in enumerate(zip(losses, want)):
    if abs(g - w) > 1e-4 * abs(w) + 1e-7:
        sys.exit(f"step {i + 1}: loss {g!r}, PyTorch {w!r}")
with open(ckpt, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
if state_dict:
    mine = {k for k in header if not k.startswith("__")}
    twin = set(ref.files) - {"losses"}
    if mine != twin:
        sys.exit(f"names differ from the twin's state_dict: only in the "
                 f"checkpoint {sorted(mine - twin)}, only in the twin "
                 f"{sorted(twin - mine)}")
worst = 0.0
for name in ref.files:
    if name == "losses":
        continue
    h = header[name]
    if list(h["shape"]) != list(ref[name].shape):
        sys.exit(f"{name}: shape {h['shape']}, PyTorch {list(ref[name].shape)}")
    b, e = h["data_offsets"]
    got = np.frombuffer(data[b:e], dtype="<f4").reshape(h["shape"])
    err = np.abs(got - ref[name]).max()
    worst = max(worst, err)
    if err > 2e-4:
        sys.exit(f"{name}: max abs difference {err:.3g} from PyTorch")
print(f"ok: {len(losses)} steps, max weight difference {worst:.3g}")
