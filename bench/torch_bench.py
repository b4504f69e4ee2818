"""PyTorch side of bench/bench.py. Three modes:

    torch_bench.py time REPEATS THREADS SECTIONS [SHAPES]
    torch_bench.py epoch mlp|lenet ROWS
    torch_bench.py info THREADS

`time` prints on THREADS threads, in milliseconds, `name wall_ms cpu_ms`:
the median wall time and the median CPU time of the process of single
calls, as `deepc bench` times them (median_ms: on a shared machine the wall
time includes other processes' turns), for the comma-separated SECTIONS:

- matmul: `mm:MxNxK:AB` for each of SHAPES (comma-separated, as
  bench/sgemm.c takes them): torch.mm of op(A) [M, K] and op(B) [K, N],
  `T` meaning stored transposed (a .t() view, as torch.nn.Linear's weight);
- mlp: mlp_step, the Fashion-MLP training step at batch 64 (784-128-10,
  cross-entropy + 1e-4 * l2, SGD with momentum, clip_grad_norm 5); its
  forward at batch B = 1 and 64, eager under torch.no_grad() (mlp_fwdB)
  and traced (torch.jit.trace + optimize_for_inference, mlp_tracedB);
- lenet: the same for LeNet-5 (examples/lenet/torch_step.py: Adam,
  batch 64): lenet_step, lenet_fwdB, lenet_tracedB;
- cnn_bn: cnn_bn_step alone, the training step at batch 64 of
  examples/fashion_cnn_bn (the net of its torch_reference.py: two
  conv-batchnorm-ReLU-maxpool-dropout stages, dense 256 with batchnorm and
  dropout; train mode, Adam lr 1e-3; the cosine schedule's per-step update
  left out, as `deepc bench` feeds its step a fixed learning rate);
- charlm: charlm_step alone, the training step at batch 32 (its train
  block's) of examples/transformer_charlm/charlm.nn, written op for op as
  the .nn does (embedding + learned positions, two pre-norm blocks of
  4-head causal self-attention with the mask applied by `where` at -1e9,
  exact-erf GELU MLP of 256, final layernorm, head of 96; cross-entropy
  over every position, Adam lr 3e-3, clip_grad_norm 1.0).

`epoch` trains the MLP or LeNet for one epoch on the first ROWS images of
Fashion-MNIST (examples/fashion_torch.py's loader and set-up, one thread),
shuffled, batch 64, as `deepc train --epochs 1` does, and prints one JSON
line, {"seconds": wall, "cpu_seconds": CPU}: time.perf_counter and
time.process_time around the training loop alone (the shuffle, the batch
indexing and the steps; not `import torch`, the data loading or building
the model), the span of `deepc train`'s epoch log record. bench.py reads
the process's peak memory and whole time from outside.

`info` prints, as one JSON line, what PyTorch set up as for `time` on
THREADS threads uses: its version, ATEN_CPU_CAPABILITY and the capability
ATen reports, the BLAS and OpenBLAS's core (examples/torch_setup.py).

Run by /usr/bin/python3 (Debian's python3-torch). PyTorch at its best on the
host it runs on (/work/shared/TOOLCHAIN.md, examples/torch_setup.py):
OpenBLAS must not be pinned to its Haswell kernels nor sized for more
threads than torch uses, and ATen takes the widest kernels the CPU has
(AVX-512 only where it is), so the environment is set before torch is
imported."""
import json
import statistics
import sys
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
sys.path.insert(0, str(EXAMPLES))
sys.path.insert(0, str(EXAMPLES / "lenet"))
import torch_setup  # noqa: E402

MODE = sys.argv[1] if len(sys.argv) > 1 else "time"

if MODE == "epoch":
    import fashion_torch  # noqa: E402  (one thread, set up before torch)
else:
    THREADS = int(sys.argv[3] if MODE == "time" else sys.argv[2])
    torch_setup.configure(THREADS)

import torch  # noqa: E402
import torch_step  # noqa: E402  (examples/lenet: LeNet-5 and its step)

F = torch.nn.functional


def median_ms(fn, repeats, seconds=0.3):
    """Median per-call wall and CPU times (ms), as "wall cpu": `repeats`
    times, calls `fn` for `seconds` (at least 5 times) and takes the medians
    of single calls, as `deepc bench` does; then the median of those."""
    fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = [], []
        start = time.perf_counter()
        while len(w) < 5 or time.perf_counter() - start < seconds:
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            c.append(time.process_time() - c0)
            w.append(time.perf_counter() - t0)
        walls.append(statistics.median(w) * 1e3)
        cpus.append(statistics.median(c) * 1e3)
    return f"{statistics.median(walls):.5f} {statistics.median(cpus):.5f}"


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10))


def mlp_make_step(model):
    """fashion_mlp.nn's train block; step(x, y)."""
    opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)

    def step(x, y):
        opt.zero_grad()
        out = model(x)
        l2 = sum((p * p).sum() for p in model.parameters()
                 if p.dim() == 2)
        loss = F.cross_entropy(out, y) + 1e-4 * l2
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()

    return step


def cnn_bn():
    """examples/fashion_cnn_bn/torch_reference.py's net (dropout 0.1, 0.2)."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.1),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.MaxPool2d(2), nn.Dropout(0.2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 256), nn.BatchNorm1d(256),
        nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))


def cnn_bn_make_step(model):
    """fashion_cnn_bn.nn's train block at a fixed learning rate: cross
    entropy, Adam lr 1e-3, train mode; step(x, y)."""
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x, y):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return step


class CharBlock(torch.nn.Module):
    """charlm.nn's `block`: x + attention(ln(x)), then h + mlp(ln(h)), on
    [N, 64, 64] with 4 heads of 16."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.ln1, self.ln2 = nn.LayerNorm(64), nn.LayerNorm(64)
        self.q, self.k, self.v = (nn.Linear(64, 64), nn.Linear(64, 64),
                                  nn.Linear(64, 64))
        self.proj = nn.Linear(64, 64)
        self.up, self.down = nn.Linear(64, 256), nn.Linear(256, 64)
        pos = torch.arange(64)
        self.register_buffer("causal", pos.reshape(64, 1) >= pos.reshape(1, 64))

    def forward(self, x):
        n = x.shape[0]
        h = self.ln1(x)
        qh = self.q(h).reshape(n, 64, 4, 16).permute(0, 2, 1, 3)
        kt = self.k(h).reshape(n, 64, 4, 16).permute(0, 2, 3, 1)
        vh = self.v(h).reshape(n, 64, 4, 16).permute(0, 2, 1, 3)
        scores = (qh @ kt) * 0.25
        att = torch.softmax(torch.where(self.causal, scores,
                                        torch.tensor(-1e9)), -1)
        ctx = (att @ vh).permute(0, 2, 1, 3).reshape(n, 64, 64)
        h = x + self.proj(ctx)
        return h + self.down(F.gelu(self.up(self.ln2(h))))


class CharLM(torch.nn.Module):
    """charlm.nn's `net`: ids [N, 64] -> logits [N, 64, 96]."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.tok = nn.Embedding(96, 64)
        self.pos = nn.Parameter(torch.randn(64, 64) * 0.02)
        self.b1, self.b2 = CharBlock(), CharBlock()
        self.lnf, self.head = nn.LayerNorm(64), nn.Linear(64, 96)

    def forward(self, ids):
        return self.head(self.lnf(self.b2(self.b1(self.tok(ids) + self.pos))))


def charlm_make_step(model):
    """charlm.nn's train block: cross entropy over every position, Adam
    lr 3e-3, gradients clipped to norm 1; step(ids, next)."""
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    def step(ids, nxt):
        opt.zero_grad()
        loss = F.cross_entropy(model(ids).reshape(-1, 96), nxt.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    return step


MODELS = {  # name: (constructor, make_step, input shape per sample)
    "mlp": (mlp, mlp_make_step, (784,)),
    "lenet": (torch_step.lenet, torch_step.make_step, (1, 28, 28)),
}
# Models of which only the training step is timed: name: (constructor,
# make_step, batch, inputs(batch) -> the step's arguments).
STEPS = {
    "cnn_bn": (cnn_bn, cnn_bn_make_step, 64,
               lambda b: (torch.rand(b, 1, 28, 28),
                          torch.randint(0, 10, (b,)))),
    "charlm": (CharLM, charlm_make_step, 32,
               lambda b: (torch.randint(0, 96, (b, 64)),
                          torch.randint(0, 96, (b, 64)))),
}


def time_model(name, repeats):
    make, make_step, shape = MODELS[name]
    torch.manual_seed(0)
    step = make_step(make())
    x, y = torch.rand(64, *shape), torch.randint(0, 10, (64,))
    print(f"{name}_step {median_ms(lambda: step(x, y), repeats)}", flush=True)
    for batch in (1, 64):
        x = torch.rand(batch, *shape)
        with torch.no_grad():
            model = make().eval()
            print(f"{name}_fwd{batch} {median_ms(lambda: model(x), repeats)}",
                  flush=True)
            traced = torch.jit.optimize_for_inference(
                torch.jit.trace(model, x))
            print(f"{name}_traced{batch} "
                  f"{median_ms(lambda: traced(x), repeats)}", flush=True)


def time_step(name, repeats):
    make, make_step, batch, inputs = STEPS[name]
    torch.manual_seed(0)
    step = make_step(make())
    args = inputs(batch)
    print(f"{name}_step {median_ms(lambda: step(*args), repeats)}",
          flush=True)


def time_matmul(shapes, repeats):
    for shape in shapes:
        dims, ops = shape.split(":")
        m, n, k = (int(d) for d in dims.split("x"))
        a = torch.rand(k, m).t() if ops[0] == "T" else torch.rand(m, k)
        b = torch.rand(n, k).t() if ops[1] == "T" else torch.rand(k, n)
        print(f"mm:{shape} {median_ms(lambda: torch.mm(a, b), repeats)}",
              flush=True)


def epoch(name, rows):
    make, make_step, shape = MODELS[name]
    x, y = fashion_torch.load("train", (-1, *shape))
    x, y = x[:rows], y[:rows]
    torch.manual_seed(0)
    step = make_step(make())
    wall, cpu = time.perf_counter(), time.process_time()
    for idx in torch.randperm(len(x)).split(64):
        step(x[idx], y[idx])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"seconds": wall, "cpu_seconds": cpu}), flush=True)


if MODE == "epoch":
    epoch(sys.argv[2], int(sys.argv[3]))
elif MODE == "info":
    torch.set_num_threads(THREADS)
    print(json.dumps(torch_setup.kernels()))
else:
    repeats = int(sys.argv[2])
    torch.set_num_threads(THREADS)
    sections = sys.argv[4].split(",")
    if "matmul" in sections:
        time_matmul(sys.argv[5].split(","), repeats)
    for name in MODELS:
        if name in sections:
            time_model(name, repeats)
    for name in STEPS:
        if name in sections:
            time_step(name, repeats)
