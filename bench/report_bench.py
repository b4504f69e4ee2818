#!/usr/bin/env python3
"""The --report pages of the examples: size, and the time headless chromium
takes to load and lay one out.

    bench/report_bench.py [--deepc build/bin/deepc] [--repeats 3]

For each example, `deepc compile F.nn --report` writes the page; chromium
(--headless --dump-dom, which returns after the load event, once layout and
the page's script have run) loads it from a file: URL. The figure is the
median wall time over --repeats runs minus the median for a blank page
(chromium's own start-up), and the time deepc took to write the page.
Prints a Markdown table (docs/REPORT.md quotes it).
"""
import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = [
    ("MLP", "examples/fashion_mlp.nn"),
    ("LeNet", "examples/lenet/lenet.nn"),
    ("transformer", "examples/transformer_charlm/charlm.nn"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking"]


def load_seconds(page, repeats):
    """Median wall time of chromium --dump-dom on `page`."""
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as profile:
            t0 = time.perf_counter()
            r = subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}",
                                "--dump-dom", "file://" + str(page)],
                               capture_output=True, text=True, timeout=300)
            times.append(time.perf_counter() - t0)
        if r.returncode != 0 or 'data-ready="1"' not in r.stdout:
            sys.exit(f"report_bench: chromium did not render {page}")
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--deepc", default=str(ROOT / "build/bin/deepc"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        blank = work / "blank.html"
        blank.write_text("<!DOCTYPE html><html><body data-ready=\"1\">"
                         "</body></html>\n")
        base = load_seconds(blank, args.repeats)
        print(f"blank page: {base:.2f} s (chromium start-up, subtracted)\n")
        print("| example | page | deepc writes it | chromium load + layout |")
        print("| --- | --- | --- | --- |")
        for name, nn in EXAMPLES:
            page = work / (pathlib.Path(nn).stem + ".html")
            t0 = time.perf_counter()
            subprocess.run([args.deepc, "compile", str(ROOT / nn), "--report",
                            str(page)], check=True)
            write = time.perf_counter() - t0
            load = load_seconds(page, args.repeats) - base
            print(f"| {name} | {os.path.getsize(page) / 1024:.0f} KiB | "
                  f"{write:.2f} s | {load:.2f} s |")


if __name__ == "__main__":
    main()
