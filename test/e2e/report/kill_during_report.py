"""SIGKILL a `deepc train --report` run at random moments after its first
epoch: the page left behind is always whole (a complete HTML document
that check_report.py accepts as written) and holds at least the epochs the
run had finished when the page was last seen.

    kill_during_report.py DEEPC F.nn X.npy Y.npy OUT.html KILLS
"""
import os
import random
import re
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import check_report  # noqa: E402

deepc, nn, x, y, out, kills = sys.argv[1:7]
random.seed(7)


def epochs_in(path):
    try:
        page = open(path, encoding="utf-8").read()
    except FileNotFoundError:
        return -1, ""
    m = re.search(r'<section id="run" data-epochs="(\d+)"', page)
    return (int(m.group(1)) if m else -1), page


for k in range(int(kills)):
    if os.path.exists(out):
        os.remove(out)
    p = subprocess.Popen([deepc, "train", nn, "--data", f"x={x}",
                          "--data", f"y={y}", "--epochs", "1000",
                          "--batch", "16", "--report", out],
                         stdout=subprocess.DEVNULL)
    seen = -1
    deadline = time.time() + 60
    while seen < 1 and time.time() < deadline:
        time.sleep(0.01)
        seen, _ = epochs_in(out)
    if seen < 1:
        p.kill()
        sys.exit("kill_during_report: no epoch reached the page in 60 s")
    time.sleep(random.uniform(0, 0.3))
    p.kill()
    p.wait()
    left, page = epochs_in(out)
    check_report.errors.clear()
    check_report.check_static(page, ["nn", "grad", "llvm", "asm"])
    if check_report.errors or left < seen:
        sys.exit(f"kill_during_report: kill {k}: page with {left} epochs "
                 f"(saw {seen}): {check_report.errors}")
    print(f"kill {k}: page whole, {left} epochs")
print("kill_during_report: OK")
