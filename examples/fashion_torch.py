"""What the examples' PyTorch references share: PyTorch set up at its best
on this machine (as /work/shared/TOOLCHAIN.md says: one thread, OpenBLAS not
pinned to Haswell kernels, ATen's AVX-512 kernels; the environment is set
before torch is imported), and Fashion-MNIST from Debian's
dataset-fashion-mnist, pixels scaled to [0, 1].

    sys.path.insert(0, <examples folder>); import fashion_torch
    torch = fashion_torch.torch
    x, y = fashion_torch.load("train", (-1, 784))
"""
import gzip
import os

for _k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_k, None)
os.environ["OPENBLAS_NUM_THREADS"] = "1"
os.environ["ATEN_CPU_CAPABILITY"] = "avx512"
import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)
DATA = "/usr/share/datasets/fashion-mnist"


def load(kind, shape):
    """Images of the `kind` split ("train" or "t10k") as f32 of `shape`,
    and their labels as int64."""
    img = gzip.open(f"{DATA}/{kind}-images-idx3-ubyte.gz").read()[16:]
    lab = gzip.open(f"{DATA}/{kind}-labels-idx1-ubyte.gz").read()[8:]
    x = np.frombuffer(img, np.uint8).reshape(shape) / 255.0
    return (torch.from_numpy(x.astype(np.float32)),
            torch.from_numpy(np.frombuffer(lab, np.uint8).astype(np.int64)))
