#!/usr/bin/python3
"""Makes the ONNX fixtures of test/e2e/import, once, with Debian's PyTorch 1.13
(python3-torch) and, for the hand-made error cases, Debian's ONNX Python
package (python3-onnx 1.12): not needed by the tests themselves.

  /usr/bin/python3 test/e2e/import/make_onnx_fixtures.py

Writes into Inputs/:
- cnn_o{13,17}_{static,dynamic}.onnx: a small ResNet-style network (conv,
  batchnorm in inference mode, relu, max and average pooling, a residual add,
  global average pooling, a reshape by x.shape[0], a linear layer), exported
  with training=PRESERVE in eval mode so that batchnorm stays a node and the
  initializers keep the state_dict names; `static` has batch 1 fixed,
  `dynamic` a symbolic batch.
- cnn_x{1,7,32}.npy and cnn_y{1,7,32}.npy: inputs and PyTorch's outputs.
- cnn_external.onnx + cnn_external.data: the opset-17 dynamic model with its
  weights as ONNX external data beside it.
- bad_*.onnx: an unsupported op (CumSum, HardSwish), external data with an
  absolute path and with a path escaping the folder, a padded max pool of
  an input that may be negative.
- pool_pad.onnx, pool_x7.npy, pool_y7.npy: padded max pooling after a relu
  (ResNet's stem) and padded average pooling (count_include_pad).
- enc_*: a BERT-style encoder (below); slice.onnx, slice_x7.npy,
  slice_y7.npy: slices of a tensor.
"""
import os

import numpy as np
import torch
import torch.nn as nn

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs")
torch.manual_seed(0)
np.random.seed(0)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + x)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=1, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.block = Block(8)
        self.avg = nn.AvgPool2d(2, stride=1)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.bn1(self.conv1(x))))
        x = self.avg(self.block(x))
        x = nn.functional.adaptive_avg_pool2d(x, 1)
        x = x.reshape(x.shape[0], -1)
        return self.fc(x)


def randomize_bn(m):
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            with torch.no_grad():
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.5, 0.5)
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 2.0)


def export(model, x, path, opset, dynamic):
    torch.onnx.export(
        model, x, path, opset_version=opset, input_names=["x"],
        output_names=["logits"],
        training=torch.onnx.TrainingMode.PRESERVE,
        dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}} if dynamic else None)


cnn = Cnn()
randomize_bn(cnn)
cnn.eval()
for opset in (13, 17):
    for dynamic in (False, True):
        name = f"cnn_o{opset}_{'dynamic' if dynamic else 'static'}.onnx"
        export(cnn, torch.randn(1, 3, 8, 8), os.path.join(here, name), opset, dynamic)
for b in (1, 7, 32):
    x = torch.randn(b, 3, 8, 8)
    with torch.no_grad():
        y = cnn(x)
    np.save(os.path.join(here, f"cnn_x{b}.npy"), x.numpy())
    np.save(os.path.join(here, f"cnn_y{b}.npy"), y.numpy())

# The error cases and external data, with the ONNX package.
import onnx  # noqa: E402
from onnx import helper, TensorProto  # noqa: E402

m = onnx.load(os.path.join(here, "cnn_o17_dynamic.onnx"))
onnx.save_model(m, os.path.join(here, "cnn_external.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="cnn_external.data", size_threshold=0)


def with_location(location, name):
    m = onnx.load(os.path.join(here, "cnn_external.onnx"), load_external_data=False)
    for t in m.graph.initializer:
        for e in t.external_data:
            if e.key == "location":
                e.value = location
    onnx.save(m, os.path.join(here, name))


with_location("/etc/passwd", "bad_external_absolute.onnx")
with_location("../../cnn_external.data", "bad_external_escape.onnx")


class Unsupported(nn.Module):
    def forward(self, x):
        return nn.functional.hardswish(torch.cumsum(x, 1)) + torch.relu(x)


export(Unsupported(), torch.randn(1, 4), os.path.join(here, "bad_unsupported.onnx"), 17, True)
export(nn.MaxPool2d(3, 1, padding=1), torch.randn(1, 2, 4, 4),
       os.path.join(here, "bad_maxpool_pad.onnx"), 17, True)


class PoolPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.avgpool = nn.AvgPool2d(3, stride=1, padding=1)
        self.fc = nn.Linear(64, 5)

    def forward(self, x):
        x = self.avgpool(self.maxpool(torch.relu(self.conv(x))))
        return self.fc(torch.flatten(x, 1))


pool = PoolPad().eval()
export(pool, torch.randn(1, 3, 8, 8), os.path.join(here, "pool_pad.onnx"), 13, True)
x = torch.randn(7, 3, 8, 8)
with torch.no_grad():
    np.save(os.path.join(here, "pool_x7.npy"), x.numpy())
    np.save(os.path.join(here, "pool_y7.npy"), pool(x).numpy())


# A 1-layer BERT-style encoder: token and position embeddings, layernorm,
# two-head self-attention, a GELU feed-forward block, a tanh pooler on the
# first token and a classifier; ids of 8 tokens from a vocabulary of 20.
class Encoder(nn.Module):
    def __init__(self, vocab=20, t=8, d=16, heads=2):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(t, d)
        self.ln0 = nn.LayerNorm(d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1 = nn.LayerNorm(d)
        self.ff1 = nn.Linear(d, 2 * d)
        self.ff2 = nn.Linear(2 * d, d)
        self.ln2 = nn.LayerNorm(d)
        self.pool = nn.Linear(d, d)
        self.cls = nn.Linear(d, 3)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.dh).transpose(1, 2)

    def forward(self, ids):
        b, t = ids.shape
        x = self.ln0(self.tok(ids) + self.pos(torch.arange(t)))
        q, k, v = self.split(self.q(x)), self.split(self.k(x)), self.split(self.v(x))
        att = torch.softmax(q @ k.transpose(-2, -1) / self.dh ** 0.5, dim=-1)
        h = (att @ v).transpose(1, 2).reshape(b, t, -1)
        x = self.ln1(x + self.o(h))
        x = self.ln2(x + self.ff2(nn.functional.gelu(self.ff1(x))))
        return self.cls(torch.tanh(self.pool(x[:, 0])))


enc = Encoder()
enc.eval()
for opset in (13, 17):
    for dynamic in (False, True):
        name = f"enc_o{opset}_{'dynamic' if dynamic else 'static'}.onnx"
        torch.onnx.export(
            enc, torch.randint(0, 20, (1, 8)), os.path.join(here, name), opset_version=opset,
            input_names=["ids"], output_names=["logits"],
            training=torch.onnx.TrainingMode.PRESERVE,
            dynamic_axes={"ids": {0: "batch"}, "logits": {0: "batch"}} if dynamic else None)
for b in (1, 7, 32):
    ids = torch.randint(0, 20, (b, 8))
    with torch.no_grad():
        y = enc(ids)
    np.save(os.path.join(here, f"enc_x{b}.npy"), ids.numpy())
    np.save(os.path.join(here, f"enc_y{b}.npy"), y.numpy())


# Slices of a tensor, one with an end computed from its shape (folded).
class Slices(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = x[:, 1:5] + x[:, : x.shape[1] - 2]
        return self.fc(y).reshape(x.shape[0], -1)


torch.manual_seed(5)
sl = Slices().eval()
export(sl, torch.randn(1, 6, 4), os.path.join(here, "slice.onnx"), 13, True)
x = torch.randn(7, 6, 4)
with torch.no_grad():
    np.save(os.path.join(here, "slice_x7.npy"), x.numpy())
    np.save(os.path.join(here, "slice_y7.npy"), sl(x).numpy())
