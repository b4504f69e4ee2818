#!/usr/bin/python3
"""Prints what `deepc predict --model nextchar` gave: for the prompt
(prepare.py's prompt.npy) and the predicted distributions (probs.npy,
[1, 64, 96]), the most likely characters after the last position.

Usage: /usr/bin/python3 next_char.py PROMPT.npy PROBS.npy [K]"""
import sys

import numpy as np


def char(i):
    return "\\n" if i == 0 else chr(i + 31)


def main():
    ids = np.load(sys.argv[1])[0]
    probs = np.load(sys.argv[2])[0, -1]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    print("prompt: " + "".join(char(i) for i in ids))
    print(f"distribution sums to {probs.sum():.6f}; next character:")
    for i in np.argsort(-probs)[:k]:
        print(f"  {char(i)!r:6} {probs[i]:.3f}")


if __name__ == "__main__":
    main()
