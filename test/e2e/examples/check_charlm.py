#!/usr/bin/python3
"""Checks the output of charlm.test: `nextchar`'s distributions [2, 64, 96]
each sum to 1; the attention is causal, so the two prompts, equal on their
first 32 characters, get the same distributions there and different ones
after."""
import sys

import numpy as np

p = np.load(sys.argv[1]).astype(np.float64)
assert p.shape == (2, 64, 96), p.shape
assert (p >= 0).all() and np.allclose(p.sum(-1), 1.0, atol=1e-5), p.sum(-1)
same = np.abs(p[0, :32] - p[1, :32]).max()
after = np.abs(p[0, 32:] - p[1, 32:]).max(axis=-1)
assert same < 1e-6, "positions before the change differ by %g" % same
assert (after > 1e-4).all(), "positions after the change: %s" % after
print("ok: rows sum to 1; before the change max diff %.2g, after min %.2g"
      % (same, after.min()))
