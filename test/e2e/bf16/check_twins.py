#!/usr/bin/python3
"""check_twins.py BF16.jsonl F32.jsonl: exit 1 unless the bf16 run's loss
falls (last epoch below a tenth of the first), each of its epoch losses is
within 5% (+2e-3) of the f32 run's, and the runs differ somewhere (the
bf16 run really rounded)."""
import json
import sys


def read(path):
    recs = [json.loads(l) for l in open(path) if l.strip()]
    return ([r["loss"] for r in recs if r["kind"] == "step"],
            [r["loss"] for r in recs if r["kind"] == "epoch"])


steps16, epochs16 = read(sys.argv[1])
steps32, epochs32 = read(sys.argv[2])
if len(epochs16) != len(epochs32) or len(epochs16) < 2:
    sys.exit(f"epochs: {len(epochs16)} bf16, {len(epochs32)} f32")
if not epochs16[-1] < 0.1 * epochs16[0]:
    sys.exit(f"bf16 loss did not fall: {epochs16}")
for i, (a, b) in enumerate(zip(epochs16, epochs32)):
    if abs(a - b) > 0.05 * abs(b) + 2e-3:
        sys.exit(f"epoch {i + 1}: bf16 loss {a}, f32 loss {b}")
if steps16 == steps32:
    sys.exit("the bf16 and f32 runs are identical: nothing was rounded")
print(f"ok: bf16 {epochs16[0]:.4f} -> {epochs16[-1]:.4f}, "
      f"f32 {epochs32[0]:.4f} -> {epochs32[-1]:.4f}")
