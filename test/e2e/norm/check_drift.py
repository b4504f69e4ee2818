#!/usr/bin/python3
"""check_drift.py RUN.jsonl EXPECTED.npz: exit 1 unless every step's loss
in deepc's run log is as close to the float64 reference as PyTorch's
float32 run is: |deepc - f64| <= 2 |torch_f32 - f64| + 3e-7 f64. In the
first 12 steps PyTorch's float32 stays within 1.9e-7 relative; after that
float32 runs leave float64 alike (the 13th step's loss 1.7e-6 off, the
20th 3.3e-4), deepc's with PyTorch's."""
import json
import sys

import numpy as np

log, expected = sys.argv[1:3]
ref = np.load(expected)
losses = np.array([json.loads(l)["loss"] for l in open(log)
                   if l.strip() and json.loads(l)["kind"] == "step"])
f64, f32 = ref["losses"], ref["losses_f32"]
if len(losses) != len(f64):
    sys.exit(f"{len(losses)} step losses logged, expected {len(f64)}")
worst = 0.0
for i, (got, want, torch32) in enumerate(zip(losses, f64, f32)):
    bound = 2 * abs(torch32 - want) + 3e-7 * want
    worst = max(worst, abs(got - want) / bound)
    if abs(got - want) > bound:
        sys.exit(f"step {i + 1}: loss {got!r}, float64 {want!r}: "
                 f"{abs(got - want) / want:.2g} relative, PyTorch's float32 "
                 f"{abs(torch32 - want) / want:.2g}")
print(f"ok: {len(losses)} steps, at most {worst:.2f} of the bound")
