#!/usr/bin/python3
"""Makes the PyTorch references of the bf16 tests with Debian's
python3-torch. Run once; the files in Inputs/ are committed and the tests
run without torch.

deepc's bf16 (docs/LANGUAGE.md) is a storage type computed with in f32;
here that is written out with PyTorch's own bfloat16 conversions around f32
autograd: `r(t) = t.to(bfloat16).to(float32)` where a value is stored as
bf16 (its backward rounds the gradient to bf16, as PyTorch does for bf16
tensors), bf16 parameters held as f32 leaves with bf16 values, updated by
torch.optim.Adam in f32 and rounded to bf16 after each step."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_io import write_safetensors  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
torch.manual_seed(3)
rng = np.random.default_rng(5)


def r(t):
    return t.to(torch.bfloat16).to(torch.float32)


def bf16_bits(t):
    """The bfloat16 bit patterns of `t` (rounded to nearest even by torch)."""
    return t.detach().to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


n = 48
x = rng.normal(size=(n, 6)).astype(np.float32)
y = (np.argmax(x[:, :3] + 0.5 * x[:, 3:], axis=1)).astype(np.int32)
np.save(os.path.join(HERE, "x.npy"), x)
np.save(os.path.join(HERE, "y.npy"), y)

# Initial weights: w1 bf16 (its f32 leaf holds bf16 values), the rest f32.
params = {
    "w1": r(torch.empty(8, 6).uniform_(-0.8, 0.8)).requires_grad_(),
    "b1": torch.empty(8).uniform_(-0.2, 0.2).requires_grad_(),
    "out.weight": torch.empty(3, 8).uniform_(-0.35, 0.35).requires_grad_(),
    "out.bias": torch.empty(3).uniform_(-0.35, 0.35).requires_grad_(),
}
bf16_params = {"w1"}
write_safetensors(os.path.join(HERE, "init.safetensors"),
                  {k: (bf16_bits(v) if k in bf16_params else v.detach().numpy())
                   for k, v in params.items()})


def forward(xb):
    xb = r(torch.from_numpy(xb))  # an f32 file bound to a bf16 input
    h = r(torch.tanh(xb @ params["w1"].t() + params["b1"]))
    return r(h @ params["out.weight"].t() + params["out.bias"])


with torch.no_grad():
    np.save(os.path.join(HERE, "predict_expected.npy"), forward(x).numpy())

opt = torch.optim.Adam(list(params.values()), lr=0.02)
losses = []
for b in [b for _ in range(3) for b in range(0, n, 16)]:
    opt.zero_grad()
    logits = forward(x[b:b + 16])
    # l2 counts `param` declarations (b1 too) and dense weights, not biases.
    weights = [params["w1"], params["b1"], params["out.weight"]]
    loss = torch.nn.functional.cross_entropy(
        logits, torch.from_numpy(y[b:b + 16]).long())
    loss = loss + 1e-3 * sum((w * w).sum() for w in weights)
    loss.backward()
    losses.append(loss.item())
    opt.step()
    with torch.no_grad():
        for k in bf16_params:
            params[k].copy_(r(params[k]))
np.savez(os.path.join(HERE, "train_expected.npz"), losses=np.array(losses),
         **{k: v.detach().numpy() for k, v in params.items()})
print("losses", losses)
