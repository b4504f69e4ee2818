#!/usr/bin/python3
"""check_symbols.py PREFIX... < `nm -g FILE`: exit 1 if the object, archive
or shared library defines a global symbol that does not start with one of
PREFIX_, or imports one (U, or weak w) that is not from the C library or
libm. Symbol versions (`malloc@GLIBC_2.2.5`) are ignored."""
import sys

prefixes = tuple(p + "_" for p in sys.argv[1:])
libc = {"malloc", "free", "memcpy", "memset", "memmove", "aligned_alloc",
        "posix_memalign", "abort",
        # the allocation guard (docs/AOT.md): memory size, the jump out of a
        # call, thread-local state (__tls_get_addr is the loader's, in libc)
        "sysconf", "_setjmp", "longjmp", "__tls_get_addr"}
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
    if len(parts) < 2 or parts[0].endswith(":"):
        continue  # an archive member's name
    kind, name = parts[-2], parts[-1].split("@")[0]
    if kind in ("U", "w"):
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
