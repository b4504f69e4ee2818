#!/usr/bin/python3
"""embed_ids.py DIR: data for the `t_embed` block of
test/e2e/gradcheck/Inputs/ops_more.nn (ids i32[N, 5] into a table of 7
rows, targets f32[N, 5, 4]), 6 samples, in DIR: ids.npy (every id in
[0, 7)), t.npy, ids_big.npy (id 7 at sample 2, position 3), ids_neg.npy
(id -3 at sample 4, position 0) and ids64_big.npy (int64, id 9 at
sample 5)."""
import sys

import numpy as np

out = sys.argv[1]
ids = (np.arange(30, dtype=np.int32) % 7).reshape(6, 5)
np.save(out + "/ids.npy", ids)
np.save(out + "/t.npy", np.linspace(-1, 1, 6 * 5 * 4, dtype=np.float32).reshape(6, 5, 4))
big = ids.copy()
big[2, 3] = 7
np.save(out + "/ids_big.npy", big)
neg = ids.copy()
neg[4, 0] = -3
np.save(out + "/ids_neg.npy", neg)
wide = ids.astype(np.int64)
wide[5, 1] = 9
np.save(out + "/ids64_big.npy", wide)
