#!/usr/bin/python3
"""compare_losses.py STEPS.txt LOG.jsonl COUNT ATOL: the losses a C program
printed (`step K loss V`, K from 0) against `deepc train --log`'s step
records (in order): both have COUNT steps and agree to ATOL at every one."""
import json
import struct
import sys


def f32(text):
    """The float32 a printed loss stands for (prints differ in digits)."""
    return struct.unpack("f", struct.pack("f", float(text)))[0]


steps_path, log_path, count, atol = sys.argv[1], sys.argv[2], int(
    sys.argv[3]), float(sys.argv[4])
aot = []
with open(steps_path) as f:
    for line in f:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "step" and parts[2] == "loss":
            assert int(parts[1]) == len(aot), line
            aot.append(f32(parts[3]))
jit = []
with open(log_path) as f:
    for line in f:
        record = json.loads(line)
        if record.get("kind") == "step":
            jit.append(f32(record["loss"]))
if len(aot) != count or len(jit) != count:
    print(f"expected {count} steps, got {len(aot)} (C) and {len(jit)} (deepc)")
    sys.exit(1)
worst = max(range(count), key=lambda i: abs(aot[i] - jit[i]))
diff = abs(aot[worst] - jit[worst])
if diff > atol:
    print(f"step {worst}: C loss {aot[worst]!r}, deepc {jit[worst]!r}")
    sys.exit(1)
print(f"ok: {count} steps, first loss {jit[0]:.4f}, last {jit[-1]:.4f}, "
      f"largest difference {diff:.3g}")
