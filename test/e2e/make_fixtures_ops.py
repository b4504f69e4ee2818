#!/usr/bin/python3
"""Writes the data of predict/ops-more.test with NumPy, independently of
deepc: inputs, weights (layernorm weight/bias, embedding table) and the
expected outputs of predict/Inputs/ops_more.nn, in float64 then rounded to
float32. Run once with Debian's python3-numpy; the files are committed."""
import os

import numpy as np

from safetensors_io import write_safetensors

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "predict", "Inputs")
rng = np.random.default_rng(4)


def save(name, arr):
    np.save(os.path.join(HERE, name), arr)


n = 7
x = rng.standard_normal((n, 4, 6)).astype(np.float32)
x[0, 0, :3] = 0.0  # ties of x with max(x, 0) and of x with x * x
x[0, 1, 0] = 1.0
ids = rng.integers(0, 10, (n, 4)).astype(np.int32)
ids[1, 0], ids[1, 1], ids[2, 3] = 0, 9, 9  # the first and last rows
# Out of range (-1 and 10 of a vocabulary of 10): deepc's driver rejects
# them (test/tools/deepc/embedding-ids.test).
bad = ids.copy()
bad[1, 0], bad[1, 1] = -1, 10
lw = rng.uniform(0.5, 1.5, 6).astype(np.float32)
lb = rng.standard_normal(6).astype(np.float32)
ew = rng.standard_normal((10, 3)).astype(np.float32)
write_safetensors(os.path.join(HERE, "ops_more.safetensors"),
                  {"ln.weight": lw, "ln.bias": lb, "e.weight": ew})
save("ops_more_x.npy", x)
save("ops_more_ids.npy", ids)
save("ops_more_ids_bad.npy", bad)

X = x.astype(np.float64)
m = np.maximum(X, 0.0)
f = lambda c: c.astype(np.float64)
flags = (f(X < m) + 2 * f(X <= m) + 4 * f(X > -0.5) + 8 * f(X >= m) +
         16 * f(X == m) + 32 * f(X != m))
leaky = np.where(X > 0, X, 0.1 * X)
mix = flags + leaky + np.maximum(X, 0.3 * X + 0.1) - np.minimum(X, X * X)
z = X * 3.0 + 1.0
mu = z.mean(-1, keepdims=True)
var = ((z - mu) ** 2).mean(-1, keepdims=True)
ln = (z - mu) / np.sqrt(var + 1e-4) * lw + lb
e = ew.astype(np.float64)[ids]
s = np.concatenate([X[:, 1:3, 2:], X[:, :1, -4:]], axis=1)
k = X[:, 2, :]
scores = X @ X.transpose(0, 2, 1)
causal = np.arange(4)[:, None] >= np.arange(4)[None, :]
scores = np.where(causal, scores, -1e9)
att = np.exp(scores - scores.max(-1, keepdims=True))
att /= att.sum(-1, keepdims=True)
for i, r in enumerate([mix, ln, e, s, k, att]):
    save("ops_more_expected%s.npy" % ("" if i == 0 else ".%d" % i), r.astype(np.float32))
