#!/usr/bin/python3
"""check_symbols.py PREFIX... < `nm -g OBJECT`: exit 1 if the object defines
a global symbol that does not start with one of PREFIX_, or imports one
that is not from the C library or libm."""
import sys

prefixes = tuple(p + "_" for p in sys.argv[1:])
libc = {"malloc", "free", "memcpy", "memset", "memmove", "aligned_alloc",
        "posix_memalign", "abort"}
libm_stems = ("exp", "log", "sin", "cos", "tan", "pow", "sqrt", "erf", "fma",
              "floor", "ceil", "round", "trunc", "fmod", "atan", "asin", "acos",
              "cbrt", "hypot", "fmin", "fmax", "copysign", "rint", "nearbyint")
defined = []
bad = []
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    kind, name = parts[-2], parts[-1]
    if kind == "U":
        if name not in libc and not name.rstrip("f").startswith(libm_stems):
            bad.append(f"import {name}")
    elif not name.startswith(prefixes):
        bad.append(f"export {name}")
    else:
        defined.append(name)
if bad or not defined:
    print("unexpected symbols:", ", ".join(bad) or "none exported")
    sys.exit(1)
print("ok: exports", " ".join(sorted(defined)))
