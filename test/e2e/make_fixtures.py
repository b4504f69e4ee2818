#!/usr/bin/python3
"""Makes the data of the end-to-end predict tests with NumPy, independently
of deepc: inputs (.npy), weights (.safetensors, written here by hand from
the format's definition) and the expected outputs (.npy). Run once with
Debian's python3-numpy; the files are committed, and the tests compare
deepc's outputs with them."""
import math
import os

import numpy as np

from safetensors_io import write_safetensors

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "predict", "Inputs")
rng = np.random.default_rng(20261127)


def dense(x, w, b):
    return x @ w.T + b


def save(name, arr):
    np.save(os.path.join(HERE, name), arr)


def two_layers(name, samples, inputs, hidden, outputs, scale):
    """NAME.safetensors, NAME_x.npy and NAME_expected.npy of
    dense(relu(dense(x, hidden)), outputs), weights scaled by `scale`."""
    x = rng.standard_normal((samples, inputs)).astype(np.float32)
    w1 = (rng.standard_normal((hidden, inputs)) * scale).astype(np.float32)
    b1 = (rng.standard_normal(hidden) * 0.1).astype(np.float32)
    w2 = (rng.standard_normal((outputs, hidden)) * scale).astype(np.float32)
    b2 = (rng.standard_normal(outputs) * 0.1).astype(np.float32)
    write_safetensors(os.path.join(HERE, name + ".safetensors"),
                      {"h.weight": w1, "h.bias": b1, "out.weight": w2, "out.bias": b2})
    save(name + "_x.npy", x)
    h = np.maximum(dense(x.astype(np.float64), w1, b1), 0)
    save(name + "_expected.npy", dense(h, w2, b2).astype(np.float32))


# Linear model, 72 samples: batches of 64+8, 10*7+2 and 72*1 in the tests.
x = rng.standard_normal((72, 5)).astype(np.float32)
w = rng.standard_normal((3, 5)).astype(np.float32)
b = rng.standard_normal(3).astype(np.float32)
write_safetensors(os.path.join(HERE, "linear.safetensors"), {"y.weight": w, "y.bias": b})
save("linear_x.npy", x)
save("linear_expected.npy", dense(x.astype(np.float64), w, b).astype(np.float32))

# Two-layer perceptron.
two_layers("mlp", 72, 20, 16, 4, 0.3)

# Many ops (test/e2e/predict/Inputs/ops.nn), in float64.
x = rng.standard_normal((9, 2, 6)).astype(np.float32)
w = (rng.standard_normal((6, 6)) * 0.5).astype(np.float32)
s = rng.uniform(0.5, 1.5, 6).astype(np.float32)
write_safetensors(os.path.join(HERE, "ops.safetensors"), {"w": w, "s": s})
save("ops_x.npy", x)
erf = np.vectorize(math.erf)
X = x.astype(np.float64)
a = X @ w
gelu = 0.5 * a * (1 + erf(a / math.sqrt(2)))
sig = 1 / (1 + np.exp(-a))
bb = gelu + sig * np.tanh(a) - np.exp(-np.abs(a)) / 2.0
c = np.sqrt(np.abs(bb) + 1.0) * (1 / np.sqrt(bb * bb + 1.0)) + np.log(np.abs(bb) + 0.5)
d = np.abs(c) ** 1.5 * s
m = d.mean(axis=1)
t = d.transpose(0, 2, 1)
r = t.reshape(-1, 12)
f = X.reshape(9, 12)
g = (r * f).sum(axis=1, keepdims=True)
mx = d.max(axis=2) - d.min(axis=2)
z = m + g
soft = np.exp(z - z.max(axis=1, keepdims=True))
soft /= soft.sum(axis=1, keepdims=True)
lsm = m - m.max(axis=1, keepdims=True)
lsm -= np.log(np.exp(lsm).sum(axis=1, keepdims=True))
save("ops_expected.npy", (soft + lsm).astype(np.float32))
save("ops_expected.1.npy", mx.astype(np.float32))
save("ops_expected.2.npy", m.argmax(axis=1).astype(np.int64))

# Convolutions and pools (test/e2e/predict/Inputs/conv.nn), in float64 by
# direct summation over the windows.


def conv2d(x, w, b, stride, pad):
    x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    n, _, h, wd = x.shape
    f, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride[0] + 1, (wd - kw) // stride[1] + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = x[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, w) + b
    return out


def pool(x, k, stride, fn):
    n, c, h, wd = x.shape
    oh, ow = (h - k[0]) // stride[0] + 1, (wd - k[1]) // stride[1] + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = x[:, :, i * stride[0]:i * stride[0] + k[0], j * stride[1]:j * stride[1] + k[1]]
            out[:, :, i, j] = fn(win, axis=(2, 3))
    return out


x = rng.standard_normal((7, 2, 9, 8)).astype(np.float32)
wc = (rng.standard_normal((3, 2, 3, 2)) * 0.5).astype(np.float32)
bc = rng.standard_normal(3).astype(np.float32)
wd = (rng.standard_normal((4, 2, 3, 3)) * 0.5).astype(np.float32)
bd = rng.standard_normal(4).astype(np.float32)
write_safetensors(os.path.join(HERE, "conv.safetensors"),
                  {"c.weight": wc, "c.bias": bc, "d.weight": wd, "d.bias": bd})
save("conv_x.npy", x)
X = x.astype(np.float64)
c = conv2d(X, wc, bc, (2, 2), (1, 0))
d = conv2d(X, wd, bd, (1, 1), (0, 0))
save("conv_expected.npy", c.astype(np.float32))
save("conv_expected.1.npy", pool(c, (3, 3), (2, 2), np.max).astype(np.float32))
save("conv_expected.2.npy", pool(c, (2, 2), (1, 1), np.mean).astype(np.float32))
save("conv_expected.3.npy", (pool(d, (2, 2), (2, 2), np.mean) +
                             pool(d, (2, 2), (2, 2), np.max)).astype(np.float32))

# Dense layers with K of at least the vector lanes (64, then 40 = 32 + 8),
# so at fewer than 16 rows deepc-tile runs its small-M kernel (B read as
# stored, K split into lanes, the second layer's last 8 columns apart): 23
# samples as 23 x 1, 7 x 3 + 2, 3 x 7 + 2 and 23 (packed). N = 40 and 10
# leave partial register tiles of B's rows.
two_layers("gemv", 23, 64, 40, 10, 0.2)
