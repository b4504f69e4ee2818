#!/usr/bin/python3
"""Two 64-character prompts for charlm.test that agree on their first 32
characters and differ after (ids as in examples/transformer_charlm/
prepare.py): OUTDIR/prompts.npy, int32 [2, 64]."""
import os
import sys

import numpy as np

a = "the quick brown fox jumps over the lazy dog.\nthe quick brown fox"
b = a[:32] + "PACK MY BOX WITH FIVE DOZEN LIQUOR JUGS"[:32]
ids = np.array([[0 if c == "\n" else ord(c) - 31 for c in s] for s in (a, b)],
               dtype=np.int32)
assert ids.shape == (2, 64)
np.save(os.path.join(sys.argv[1], "prompts.npy"), ids)
