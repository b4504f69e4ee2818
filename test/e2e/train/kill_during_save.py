#!/usr/bin/python3
"""kill_during_save.py DEEPC NN X Y CKPT [ROUNDS]: trains with a checkpoint
after every epoch and kills the process with SIGKILL at random moments;
after every kill the checkpoint must be absent (killed before the first
save) or complete: a parseable safetensors file whose tensors all fit, with
its epoch metadata, loadable by `deepc eval`."""
import json
import os
import random
import signal
import struct
import subprocess
import sys
import time

deepc, nn, x, y, ckpt = sys.argv[1:6]
rounds = int(sys.argv[6]) if len(sys.argv) > 6 else 20
rng = random.Random(5)


def check(path):
    with open(path, "rb") as f:
        blob = f.read()
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    data = len(blob) - 8 - n
    for name, h in header.items():
        if name == "__metadata__":
            continue
        b, e = h["data_offsets"]
        assert 0 <= b <= e <= data, f"{name} out of range"
    assert "epoch" in header["__metadata__"], "no epoch metadata"
    return int(header["__metadata__"]["epoch"])


seen = 0
for r in range(rounds):
    if os.path.exists(ckpt):
        os.remove(ckpt)
    p = subprocess.Popen([deepc, "train", nn, "--data", "x=" + x, "--data", "y=" + y,
                          "--epochs", "100000", "--save", ckpt],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill while checkpoints are being written: after the first one exists
    # (whatever the machine's load), at a random moment of the saves.
    deadline = time.time() + 120
    while not os.path.exists(ckpt) and p.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(rng.uniform(0.0, 0.3))
    p.send_signal(signal.SIGKILL)
    p.wait()
    if not os.path.exists(ckpt):
        continue
    epoch = check(ckpt)
    seen += 1
    ev = subprocess.run([deepc, "eval", nn, "--weights", ckpt, "--data", "x=" + x,
                         "--data", "y=" + y], capture_output=True, text=True)
    if ev.returncode != 0:
        sys.exit(f"round {r}: deepc eval cannot load the checkpoint of epoch {epoch}: {ev.stderr}")
if seen == 0:
    sys.exit("no round got as far as a checkpoint")
print(f"ok: {rounds} kills, {seen} checkpoints intact and loadable")
