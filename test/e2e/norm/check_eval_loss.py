#!/usr/bin/python3
"""check_eval_loss.py EVAL.json LOGITS.npy LABELS.npy: exit 1 unless the loss
that `deepc eval --json` reports is the cross-entropy of the reference
logits (computed here with NumPy) to 1e-5 relative."""
import json
import sys

import numpy as np

report = json.load(open(sys.argv[1]))
z = np.load(sys.argv[2]).astype(np.float64)
y = np.load(sys.argv[3])
z -= z.max(axis=1, keepdims=True)
ce = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(y)), y])
if abs(report["loss"] - ce) > 1e-5 * abs(ce):
    sys.exit(f"eval loss {report['loss']!r}, reference {ce!r}")
print(f"ok: eval loss {report['loss']:.6g}")
