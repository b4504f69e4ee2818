#!/usr/bin/env python3
"""Compares two printouts of examples/c/cross_check.c number by number.

  compare_numbers.py REFERENCE OTHER RTOL

Both must have the same sections (`# name` lines) and as many numbers in
each. The error is normwise, the largest |a - b| of a section relative to
the largest |a| of it (the infinity norm): a softmax output of 0.002 next
to ones of 0.9 is held to the section's scale, not to its own, since the
summation order that differs between machines' tile shapes (and between
two x86 CPUs) moves such a value by a few 1e-8. Prints the normwise and
the worst elementwise relative difference per section and "ok", or every
number that breaks the normwise bound and exits 1.
"""
import math
import sys


def read(path):
    sections, name = {}, None
    order = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                name = line[1:].strip()
                sections[name] = []
                order.append(name)
            elif name is None:
                sys.exit(f"{path}: a number before any section")
            else:
                sections[name].append(float(line))
    return order, sections


def main():
    ref_path, other_path, rtol = sys.argv[1], sys.argv[2], float(sys.argv[3])
    ref_order, ref = read(ref_path)
    other_order, other = read(other_path)
    if ref_order != other_order:
        sys.exit(f"sections differ: {ref_order} vs {other_order}")
    bad = 0
    for name in ref_order:
        a, b = ref[name], other[name]
        if len(a) != len(b) or not a:
            sys.exit(f"section {name}: {len(a)} vs {len(b)} numbers")
        scale = max(abs(v) for v in a) or 1.0
        worst = elementwise = 0.0
        for i, (u, v) in enumerate(zip(a, b)):
            if not (math.isfinite(u) and math.isfinite(v)):
                print(f"{name}[{i}]: {u} vs {v}: not finite")
                bad += 1
                continue
            rel = abs(u - v) / scale
            worst = max(worst, rel)
            if u != v:
                elementwise = max(elementwise, abs(u - v) / max(abs(u), abs(v)))
            if rel > rtol:
                print(f"{name}[{i}]: {u!r} vs {v!r}: relative {rel:.3g}")
                bad += 1
        print(f"{name}: {len(a)} numbers, normwise {worst:.3g}, "
              f"elementwise {elementwise:.3g}")
    if bad:
        print(f"FAIL: {bad} numbers differ by more than {rtol}")
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
