#!/usr/bin/python3
"""Makes the PyTorch reference trajectories of the loss tests (losses.test)
with Debian's python3-torch: initial weights (.safetensors, written by hand
from the format's definition), data (.npy), and for every step the loss of
its forward pass, plus the final weights (.npz), for each train block of
Inputs/losses.nn. Run once; the files are committed and the tests run
without torch."""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")


def run(name, params, forward, loss_fn, make_opt, x, y, batch, epochs):
    """Trains in order (no shuffle); writes NAME_init.safetensors and
    NAME_expected.npz (each step's loss, the final weights)."""
    write_safetensors(os.path.join(HERE, name + "_init.safetensors"),
                      {k: v.detach().numpy() for k, v in params.items()})
    opt = make_opt(list(params.values()))
    losses = []
    for epoch in range(epochs):
        correct = counted = 0
        yes = {"tp": 0, "fp": 0, "fn": 0}
        for b in range(0, x.shape[0], batch):
            opt.zero_grad()
            out = forward(x[b:b + batch])
            loss = loss_fn(out, y[b:b + batch], params)
            losses.append(loss.item())
            if y.dtype == torch.long:  # class labels: training accuracy
                keep = y[b:b + batch] != -100
                correct += (out.argmax(1) == y[b:b + batch])[keep].sum().item()
                counted += keep.sum().item()
            elif loss_fn is bce:  # multi-label: every element at 0.5
                pred, true = out > 0, y[b:b + batch] >= 0.5
                correct += (pred == true).sum().item()
                counted += pred.numel()
                yes["tp"] += (pred & true).sum().item()
                yes["fp"] += (pred & ~true).sum().item()
                yes["fn"] += (~pred & true).sum().item()
            loss.backward()
            opt.step()
        if counted:
            print(f"{name} epoch {epoch + 1}: accuracy {correct / counted!r}")
        if loss_fn is bce:
            f1 = 2 * yes["tp"] / (2 * yes["tp"] + yes["fp"] + yes["fn"])
            print(f"{name} epoch {epoch + 1}: micro-F1 {f1!r}")
    if loss_fn is bce:  # deepc eval at the final weights
        with torch.no_grad():
            pred, true = forward(x) > 0, y >= 0.5
        counts = [[(~true & ~pred).sum().item(), (~true & pred).sum().item()],
                  [(true & ~pred).sum().item(), (true & pred).sum().item()]]
        print(f"{name} eval: loss {loss_fn(forward(x), y, params).item()!r} "
              f"accuracy {(pred == true).float().mean().item()!r} confusion {counts}")
    np.savez(os.path.join(HERE, name + "_expected.npz"), losses=np.array(losses),
             **{k: v.detach().numpy() for k, v in params.items()})

torch.manual_seed(19)
rng = np.random.default_rng(19)


def save(name, arr):
    np.save(os.path.join(HERE, name), arr)
    return torch.from_numpy(arr)


def mlp():
    """mlp(x: f32[N, 6]) -> f32[N, 4] of losses.nn."""
    l1, l2 = torch.nn.Linear(6, 8), torch.nn.Linear(8, 4)
    params = {"h.weight": l1.weight, "h.bias": l1.bias,
              "out.weight": l2.weight, "out.bias": l2.bias}
    return params, lambda x: l2(torch.relu(l1(x)))


def sgd(ps):
    return torch.optim.SGD(ps, lr=0.2)


# 30 samples in batches of 8 (the last one partial), 2 epochs.
X = save("loss_x.npy", rng.standard_normal((30, 6)).astype(np.float32))
Y = save("loss_y.npy", rng.integers(0, 4, 30).astype(np.int32)).long()
# Labels with a padding class -100 to ignore, as PyTorch's default.
yi = rng.integers(0, 4, 30).astype(np.int32)
yi[[2, 9, 10, 17, 29]] = -100
YI = save("loss_yi.npy", yi).long()
P = save("loss_p.npy", rng.dirichlet(np.ones(4), 30).astype(np.float32))
Z = save("loss_z.npy", (rng.random((30, 4)) < 0.4).astype(np.float32))
T = save("loss_t.npy", (rng.standard_normal((30, 4)) * 1.5).astype(np.float32))
W = torch.tensor([1.0, 2.0, 0.5, 1.5])


def bce(o, y, p):
    return F.binary_cross_entropy_with_logits(o, y)


blocks = {
    "nll": lambda o, y, p: F.nll_loss(F.log_softmax(o, 1), y, weight=W),
    "smooth": lambda o, y, p: F.cross_entropy(o, y, label_smoothing=0.1),
    "weighted": lambda o, y, p: F.cross_entropy(o, y, weight=W, label_smoothing=0.2),
    "soft": lambda o, y, p: F.cross_entropy(o, y, weight=W, label_smoothing=0.1),
    "ignore": lambda o, y, p: F.cross_entropy(o, y, weight=W, ignore_index=-100,
                                              label_smoothing=0.1),
    "multilabel": bce,
    "l1": lambda o, y, p: F.l1_loss(o, y),
    "huber": lambda o, y, p: F.huber_loss(o, y, delta=0.5),
}
targets = {"nll": Y, "smooth": Y, "weighted": Y, "soft": P, "ignore": YI,
           "multilabel": Z, "l1": T, "huber": T}
for name, fn in blocks.items():
    params, fwd = mlp()
    run("loss_" + name, params, fwd, fn, sgd, X, targets[name], 8, 2)

# An autoencoder of 0/1 pixels: bce_with_logits(ae(x), x), the input its
# own f32 target (issue 19: the driver read these floats as labels).
pix = save("loss_pix.npy", (rng.random((30, 9)) < 0.5).astype(np.float32))
enc, dec = torch.nn.Linear(9, 3), torch.nn.Linear(3, 9)
params = {"enc.weight": enc.weight, "enc.bias": enc.bias,
          "dec.weight": dec.weight, "dec.bias": dec.bias}
run("loss_ae", params, lambda x: dec(torch.tanh(enc(x))),
    bce, sgd, pix, pix, 8, 2)
