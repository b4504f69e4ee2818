#!/usr/bin/env python3
"""One dense layer on one thread and on two: where splitting the rows pays.

    /usr/bin/python3 bench/threads.py --deepc build/bin/deepc \
        [--shapes 512x512,128x784,...] [--batches 32,48,64] [--rounds 3]

For each N x K of --shapes, `dense(x, N, bias = false)` on x of M x K, timed
by `deepc bench --threads 1` and `--threads 2` at every M of --batches, the
two alternating, --rounds times; prints the median of the rounds' medians
(wall time per forward) and the speedup. The environment passes through, so
`KMP_USE_YIELD=1 bench/threads.py ...` times libomp's own default
(docs/ARCHITECTURE.md, Threads). Time it on idle cores.
"""
import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path


def model(n, k):
    return (f"model mm(x: f32[N, {k}]) -> f32[N, {n}] {{\n"
            f"  y = dense(x, {n}, bias = false)\n"
            "  return y\n}\n")


def forward_us(deepc, nn_file, batches, threads):
    out = subprocess.run(
        [deepc, "bench", nn_file, "--batch-sizes", batches, "--json",
         "--threads", str(threads), "--min-time", "0.2"],
        capture_output=True, text=True, check=True).stdout
    times = {}
    for line in out.splitlines():
        record = json.loads(line)
        if record["kind"] == "forward":
            times[record["batch"]] = record["median_ms"] * 1000
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deepc", default="build/bin/deepc")
    parser.add_argument("--shapes",
                        default="128x128,256x256,512x512,128x784,1024x1024")
    parser.add_argument("--batches", default="32,48,64,128,512")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    shapes = [tuple(map(int, s.split("x"))) for s in args.shapes.split(",")]
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for n, k in shapes:
            files[(n, k)] = Path(tmp) / f"dense_{n}x{k}.nn"
            files[(n, k)].write_text(model(n, k))
        for _ in range(args.rounds):
            for shape in shapes:
                for threads in (1, 2):
                    got = forward_us(args.deepc, str(files[shape]),
                                     args.batches, threads)
                    for m, us in got.items():
                        times.setdefault((shape, m, threads), []).append(us)
    print("| M x N x K | 1 thread | 2 threads | speedup |")
    print("| --- | ---: | ---: | ---: |")
    for n, k in shapes:
        for m in map(int, args.batches.split(",")):
            one = statistics.median(times[((n, k), m, 1)])
            two = statistics.median(times[((n, k), m, 2)])
            print(f"| {m} x {n} x {k} | {one:.1f} us | {two:.1f} us "
                  f"| {one / two:.2f}x |")


if __name__ == "__main__":
    main()
