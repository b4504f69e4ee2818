#!/usr/bin/python3
"""Makes the PyTorch reference trajectories of the training tests with
Debian's python3-torch: initial weights (.safetensors, written by hand from
the format's definition), data (.npy), and for every step the loss of its
forward pass, plus the final weights (.npz). Run once; the files are
committed and the tests run without torch."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
torch.manual_seed(7)
rng = np.random.default_rng(11)


def run(name, params, forward, loss_fn, make_opt, x, y, batch, epochs, clip=None):
    write_safetensors(os.path.join(HERE, name + "_init.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})
    opt = make_opt(list(params.values()))
    losses = []
    n = x.shape[0]
    for _ in range(epochs):
        for b in range(0, n, batch):
            xb, yb = x[b:b + batch], y[b:b + batch]
            opt.zero_grad()
            loss = loss_fn(forward(xb), yb, params)
            losses.append(loss.item())
            loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(list(params.values()), clip)
            opt.step()
    np.savez(os.path.join(HERE, name + "_expected.npz"), losses=np.array(losses),
             **{k: v.detach().numpy() for k, v in params.items()})


def mlp_params(act):
    l1, l2 = torch.nn.Linear(20, 16), torch.nn.Linear(16, 4)
    params = {"h.weight": l1.weight, "h.bias": l1.bias,
              "out.weight": l2.weight, "out.bias": l2.bias}
    fwd = lambda x: l2(act(l1(x)))
    return params, fwd


# SGD with momentum: 36 samples in batches of 8 (the last one partial).
x = rng.standard_normal((36, 20)).astype(np.float32)
y = rng.integers(0, 4, 36).astype(np.int32)
np.save(os.path.join(HERE, "cls_x.npy"), x)
np.save(os.path.join(HERE, "cls_y.npy"), y)
X, Y = torch.from_numpy(x), torch.from_numpy(y).long()
params, fwd = mlp_params(torch.relu)
ce = lambda out, yb, p: torch.nn.functional.cross_entropy(out, yb)
run("sgd", params, fwd, ce, lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9), X, Y, 8, 2)

# Adam with an l2 penalty over the weights and clip_norm.
params, fwd = mlp_params(torch.tanh)
def ce_l2(out, yb, p):
    return torch.nn.functional.cross_entropy(out, yb) + 1e-3 * (
        (p["h.weight"] ** 2).sum() + (p["out.weight"] ** 2).sum())
run("adam", params, fwd, ce_l2, lambda ps: torch.optim.Adam(ps, lr=0.01), X, Y, 8, 2, clip=0.5)

# Linear regression with mse.
x = rng.standard_normal((40, 3)).astype(np.float32)
t = (x @ np.array([[1.5], [-2.0], [0.5]]) + 0.3 + 0.1 * rng.standard_normal((40, 1))).astype(np.float32)
np.save(os.path.join(HERE, "reg_x.npy"), x)
np.save(os.path.join(HERE, "reg_t.npy"), t)
lin = torch.nn.Linear(3, 1)
params = {"y.weight": lin.weight, "y.bias": lin.bias}
mse = lambda out, tb, p: torch.nn.functional.mse_loss(out, tb)
run("mse", params, lin, mse, lambda ps: torch.optim.SGD(ps, lr=0.05),
    torch.from_numpy(x), torch.from_numpy(t), 16, 3)
