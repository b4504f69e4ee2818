#!/usr/bin/python3
"""check_symbols.py PREFIX... < `nm -g OBJECT`: exit 1 if the object defines
a global symbol that does not start with one of PREFIX_, or imports one
that is not from the C library or libm."""
import sys

prefixes = tuple(p + "_" for p in sys.argv[1:])
libc = {"malloc", "free", "memcpy", "memset", "memmove", "aligned_alloc",
        "posix_memalign", "abort"}
libm = {"exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos",
        "tan", "sinh", "cosh", "tanh", "pow", "sqrt", "erf", "erfc", "fma",
        "floor", "ceil", "round", "trunc", "fmod", "atan", "atan2", "asin",
        "acos", "cbrt", "hypot", "fmin", "fmax", "copysign", "rint",
        "nearbyint"}
defined = []
bad = []
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    kind, name = parts[-2], parts[-1]
    if kind == "U":
        stem = name[:-1] if name.endswith("f") else name
        if name not in libc and name not in libm and stem not in libm:
            bad.append(f"import {name}")
    elif not name.startswith(prefixes):
        bad.append(f"export {name}")
    else:
        defined.append(name)
if bad or not defined:
    print("unexpected symbols:", ", ".join(bad) or "none exported")
    sys.exit(1)
print("ok: exports", " ".join(sorted(defined)))
