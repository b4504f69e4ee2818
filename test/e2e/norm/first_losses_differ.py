#!/usr/bin/python3
"""first_losses_differ.py A.jsonl B.jsonl: exit 1 unless the first step
losses of two run logs differ (by more than float rounding)."""
import json
import sys


def first(path):
    return next(json.loads(l)["loss"] for l in open(path)
                if l.strip() and json.loads(l)["kind"] == "step")


a, b = first(sys.argv[1]), first(sys.argv[2])
if abs(a - b) <= 1e-6 * abs(b):
    sys.exit(f"first losses agree: {a!r} and {b!r}")
print(f"ok: {a:.6g} vs {b:.6g}")
