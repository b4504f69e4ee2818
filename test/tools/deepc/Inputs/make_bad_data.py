#!/usr/bin/python3
"""make_bad_data.py GOOD.npy DIR: bad variants of GOOD.npy (f32) in DIR:
inf.npy (one Inf), truncated.npy (10 bytes short), magic.npy (wrong magic),
huge.npy (a header declaring 10^12 rows over 64 bytes of data) and
overflow.npy (a header whose byte size overflows int64)."""
import sys

import numpy as np

good, out = sys.argv[1], sys.argv[2]
x = np.load(good)
x[3, 2] = np.inf
np.save(out + "/inf.npy", x)
data = open(good, "rb").read()
open(out + "/truncated.npy", "wb").write(data[:-10])
open(out + "/magic.npy", "wb").write(b"\x93NUMPX" + data[6:])


def header_only(path, shape):
    h = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % (shape,)
    h += " " * ((64 - (10 + len(h) + 1) % 64) % 64) + "\n"
    open(path, "wb").write(b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little")
                           + h.encode() + b"\0" * 64)


header_only(out + "/huge.npy", (10**12, 20))
header_only(out + "/overflow.npy", (2**62, 20))
