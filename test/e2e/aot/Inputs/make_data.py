#!/usr/bin/python3
"""make_data.py PREFIX N FEATURES CLASSES: PREFIXx.npy (f32 [N, FEATURES] in
[0, 1)) and PREFIXy.npy (i32 [N] in [0, CLASSES)), from a fixed seed."""
import sys

import numpy as np

prefix, n, features, classes = sys.argv[1], *map(int, sys.argv[2:5])
rng = np.random.default_rng(1234)
np.save(prefix + "x.npy", rng.random((n, features), dtype=np.float32))
np.save(prefix + "y.npy", rng.integers(0, classes, n).astype(np.int32))
