#!/usr/bin/python3
"""make_bad_files.py DIR: bad data files of 6 samples of 20 features in DIR
(the shape of Inputs/x6.npy): x.idx (good, u8), truncated.idx (20 bytes
short), magic.idx (first byte 1), ragged.csv (line 4 has 19 values),
text.csv (line 3 ends with 'abc'), yneg.npy (label -1 at sample 2) and
x19.npy (samples of 19 features)."""
import struct
import sys

import numpy as np

out = sys.argv[1]
data = bytes(range(120))
header = bytes([0, 0, 8, 2]) + struct.pack(">II", 6, 20)
open(out + "/x.idx", "wb").write(header + data)
open(out + "/truncated.idx", "wb").write(header + data[:100])
open(out + "/magic.idx", "wb").write(b"\x01" + header[1:] + data)
rows = [["1"] * 20 for _ in range(6)]
rows[3] = rows[3][:19]
open(out + "/ragged.csv", "w").write("\n".join(",".join(r) for r in rows) + "\n")
rows = [["1"] * 20 for _ in range(6)]
rows[2][19] = "abc"
open(out + "/text.csv", "w").write("\n".join(",".join(r) for r in rows) + "\n")
np.save(out + "/yneg.npy", np.array([0, 1, -1, 2, 3, 0], np.int32))
np.save(out + "/x19.npy", np.zeros((6, 19), np.float32))
