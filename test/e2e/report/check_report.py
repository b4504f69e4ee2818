"""Checks a deepc --report page, as written and as a browser renders it.

    check_report.py PAGE --source F.nn --stages nn,grad,... [--log run.jsonl]
                    [--browser] [--screenshot OUT.png]

As written: a whole HTML document, the Content-Security-Policy that keeps
every request inside the file, no http(s) URL and no src/href leaving the
page, every stage present and none with ops that lost their location.
With --browser, Debian's chromium (headless, JavaScript on) loads the page
from a file: URL and the rendered DOM must hold: the script ran
(body[data-ready]); every line of the source, verbatim; every stage; for
each stage a source line linked to its ops, and one line linked to all of
them; the links the script wrote (data-stages) equal to the static ones
(data-l); with --log, the curves' points equal to the run log's values;
and no console message (an uncaught error, a CSP violation). chromium
missing is a failure, never a skip.
"""
import argparse
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

CSP = ("default-src 'none'; script-src 'unsafe-inline'; "
       "style-src 'unsafe-inline'; img-src data:")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--no-first-run", "--disable-extensions",
                  "--disable-background-networking"]

errors = []
# Elements without children here (chromium writes `<circle></circle>`).
LEAVES = ("circle", "rect", "line", "meta", "br", "polyline")


def check(cond, message):
    if not cond:
        errors.append(message)
    return cond


class Dom(html.parser.HTMLParser):
    """The parts of the page the checks read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ready = False
        self.src = {}        # line -> [text, data-stages]
        self.stages = {}     # name -> data-lost
        self.links = {}      # stage -> set of source lines (data-l)
        self.circles = {}    # (chart id, series) -> [(x, y)]
        self.stack = []      # open elements: (tag, attrs)
        self.in_src = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.ready = a.get("data-ready") == "1"
        if tag == "div" and "stage" in a.get("class", "").split():
            self.stages[a["data-stage"]] = a.get("data-lost")
        if "data-line" in a:
            self.src[int(a["data-line"])] = ["", a.get("data-stages", "")]
            self.in_src = int(a["data-line"])
        if "data-l" in a:
            stage = next((s.get("data-stage") for t, s in reversed(self.stack)
                          if t == "div" and "data-stage" in s), None)
            if stage:
                self.links.setdefault(stage, set()).update(
                    int(x) for x in a["data-l"].split())
        if tag == "circle":
            chart = next((s.get("id") for t, s in reversed(self.stack)
                          if t == "figure"), None)
            series = next((s.get("data-series") for t, s in
                           reversed(self.stack) if "data-series" in s), None)
            self.circles.setdefault((chart, series), []).append(
                (float(a["data-x"]), float(a["data-y"])))
        if tag not in LEAVES:
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag in LEAVES:
            return
        while self.stack:
            t, a = self.stack.pop()
            if "data-line" in a:
                self.in_src = None
            if t == tag:
                break

    def handle_data(self, data):
        if self.in_src is not None:
            self.src[self.in_src][0] += data


def check_static(page, stages):
    check(page.startswith("<!DOCTYPE html>"), "no doctype")
    check(page.rstrip().endswith("</html>"), "the page is cut short")
    check(f'content="{CSP}"' in page, "no Content-Security-Policy meta tag")
    urls = re.findall(r"https?://", page, re.I)
    check(not urls, f"{len(urls)} http(s) URLs in the page")
    for attr, value in re.findall(r'\b(src|href)="([^"]*)"', page):
        check(value.startswith("#") or value.startswith("data:"),
              f"{attr}={value!r} leaves the page")
    for stage in stages:
        m = re.search(rf'id="stage-{stage}"[^>]*data-lost="(\d+)"', page)
        if check(m, f"stage {stage} missing from the page"):
            check(m.group(1) == "0",
                  f"stage {stage}: {m.group(1)} ops lost their location")


def chromium():
    exe = shutil.which("chromium")
    if not exe:
        print("check_report: chromium not found (scripts/setup.sh installs "
              "it); the browser test cannot pass without it", file=sys.stderr)
        sys.exit(1)
    return exe


def render(path):
    url = "file://" + os.path.abspath(path)
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0", "--dump-dom", url],
            capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"chromium exited {r.returncode}")
    console = [l for l in r.stderr.splitlines() if ":CONSOLE" in l]
    check(not console, "console messages:\n  " + "\n  ".join(console))
    return r.stdout


def screenshot(path, out):
    url = "file://" + os.path.abspath(path)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), *CHROMIUM_FLAGS,
                        f"--user-data-dir={profile}", "--hide-scrollbars",
                        "--window-size=1400,1000", f"--screenshot={out}", url],
                       capture_output=True, timeout=120)
    with open(out, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", f"{out} is not a PNG")


def same(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def check_curve(dom, chart, series, expected):
    got = dom.circles.get((chart, series), [])
    check(len(got) == len(expected),
          f"{chart}/{series}: {len(got)} points, the log has {len(expected)}")
    for (gx, gy), (ex, ey) in zip(got, expected):
        check(same(gx, ex) and same(gy, ey),
              f"{chart}/{series}: point ({gx}, {gy}), the log has ({ex}, {ey})")


def check_dom(dom, source, stages, log):
    check(dom.ready, "the script did not run to its end (no data-ready)")
    lines = source.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    check(len(dom.src) == len(lines),
          f"{len(dom.src)} source lines rendered, the file has {len(lines)}")
    for i, text in enumerate(lines, 1):
        got = dom.src.get(i, [None])[0]
        check(got == f"{i}{text}", f"source line {i} rendered as {got!r}")
    for stage in stages:
        check(stage in dom.stages, f"stage {stage} not rendered")
        check(dom.links.get(stage), f"no source line links to an op of {stage}")
    # The script's index (data-stages) agrees with the static links.
    for line, (_, written) in dom.src.items():
        expected = {s for s, ls in dom.links.items() if line in ls}
        check(set(written.split()) == expected,
              f"line {line}: data-stages {written!r}, ops in {sorted(expected)}")
    check(any(set(w.split()) >= set(stages) for _, w in dom.src.values()),
          "no source line links to ops in every stage")
    if log:
        steps, epochs = [], []
        for l in open(log):
            r = json.loads(l)
            (steps if r["kind"] == "step" else epochs).append(r)
        check(steps and epochs, "the log has no steps or no epochs")
        check_curve(dom, "step-loss", "train",
                    [(r["step"], r["loss"]) for r in steps])
        check_curve(dom, "epoch-loss", "train",
                    [(r["epoch"], r["loss"]) for r in epochs])
        if "accuracy" in epochs[0]:
            check_curve(dom, "epoch-accuracy", "train",
                        [(r["epoch"], r["accuracy"]) for r in epochs])
        if "val_loss" in epochs[0]:
            check_curve(dom, "epoch-loss", "val",
                        [(r["epoch"], r["val_loss"]) for r in epochs])
            if "val_accuracy" in epochs[0]:
                check_curve(dom, "epoch-accuracy", "val",
                            [(r["epoch"], r["val_accuracy"]) for r in epochs])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--source", required=True)
    ap.add_argument("--stages", required=True)
    ap.add_argument("--log")
    ap.add_argument("--browser", action="store_true")
    ap.add_argument("--screenshot")
    args = ap.parse_args()
    stages = args.stages.split(",")
    page = open(args.page, encoding="utf-8").read()
    check_static(page, stages)
    if args.browser:
        dom = Dom()
        dom.feed(render(args.page))
        check_dom(dom, open(args.source, encoding="utf-8").read(), stages,
                  args.log)
    if args.screenshot:
        screenshot(args.page, args.screenshot)
    if errors:
        print("\n".join(f"check_report: {e}" for e in errors[:40]),
              file=sys.stderr)
        sys.exit(1)
    print(f"check_report: {args.page} OK")


if __name__ == "__main__":
    main()
