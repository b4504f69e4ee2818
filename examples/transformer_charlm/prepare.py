#!/usr/bin/python3
"""Turns the fortune cookies that Debian's fortunes-min package ships
(/usr/share/games/fortunes/{fortunes,literature,riddles}) into training data
for charlm.nn: windows of 64 character ids (inputs) and the same windows
shifted by one character (targets), as int32 .npy files. Prints the
corpus's unigram entropy, the loss a model knowing only character
frequencies would reach.

Vocabulary (96 ids): 0 is a newline, 1..95 are the printable ASCII
characters ' '..'~'; a tab becomes a space; other characters are dropped.

Usage: /usr/bin/python3 prepare.py OUTDIR   (needs python3-numpy)
"""
import math
import os
import sys

import numpy as np

SOURCES = ["fortunes", "literature", "riddles"]
T = 64        # context length
STRIDE = 16   # windows start every STRIDE characters (overlapping)
VAL_SHARE = 0.1  # the last 10% of the corpus is the validation text


def encode(text):
    ids = []
    for ch in text.replace("\t", " "):
        if ch == "\n":
            ids.append(0)
        elif " " <= ch <= "~":
            ids.append(ord(ch) - 31)
    return ids


def decode(ids):
    return "".join("\n" if i == 0 else chr(i + 31) for i in ids)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "data"
    os.makedirs(out, exist_ok=True)
    text = ""
    for name in SOURCES:
        with open(os.path.join("/usr/share/games/fortunes", name),
                  encoding="utf-8", errors="replace") as f:
            text += f.read()
    ids = np.array(encode(text), dtype=np.int32)

    counts = np.bincount(ids, minlength=96).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    entropy = float(-(p * np.log(p)).sum())

    def windows(part):
        starts = np.arange(0, len(part) - T - 1, STRIDE)
        return (np.stack([part[s:s + T] for s in starts]),
                np.stack([part[s + 1:s + T + 1] for s in starts]))

    cut = int(len(ids) * (1 - VAL_SHARE))
    x, y = windows(ids[:cut])
    vx, vy = windows(ids[cut:])
    np.save(os.path.join(out, "train_ids.npy"), x)
    np.save(os.path.join(out, "train_next.npy"), y)
    np.save(os.path.join(out, "val_ids.npy"), vx)
    np.save(os.path.join(out, "val_next.npy"), vy)
    # A prompt for `deepc predict`: the last 64 characters of the corpus.
    np.save(os.path.join(out, "prompt.npy"), ids[None, -T:])

    print(f"corpus: {len(ids)} characters, {int((counts > 0).sum())} distinct")
    print(f"windows: {len(x)} train, {len(vx)} validation "
          f"(length {T}, stride {STRIDE})")
    print(f"unigram entropy: {entropy:.4f} nats ({entropy / math.log(2):.4f} "
          f"bits) per character")


if __name__ == "__main__":
    main()
