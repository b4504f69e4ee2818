"""What the examples' PyTorch references share: PyTorch set up at its best
on the host it runs on (torch_setup.py, as /work/shared/TOOLCHAIN.md says:
one thread, OpenBLAS not pinned to Haswell kernels, ATen's widest kernels
the CPU has; the environment is set before torch is imported), and
Fashion-MNIST from Debian's dataset-fashion-mnist, pixels scaled to [0, 1].

    sys.path.insert(0, <examples folder>); import fashion_torch
    torch = fashion_torch.torch
    x, y = fashion_torch.load("train", (-1, 784))
"""
import gzip

import torch_setup

torch_setup.configure(1)
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
