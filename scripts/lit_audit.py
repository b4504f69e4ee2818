#!/usr/bin/env python3
"""Finds lit checks that would pass if the stage or pass under test did nothing.

For every lit test under test/ (or the files and folders given), each RUN
line whose pipe chain feeds the output of `deepc compile ... --emit=STAGE` or
of `deepc-opt ... --some-pass ...` into FileCheck is run twice: as written
(it must pass), then with the transformation taken away:

  deepc compile --emit=STAGE   the stage before: fused -> linalg,
                               tiled -> fused, bufferized -> tiled,
                               llvm -> bufferized, linalg -> grad,
                               grad -> nn, nn -> ast, llvm-ir -> llvm;
  deepc-opt                    the RUN line without one pass under test: each
                               deepc-* pass (pipelines such as
                               --deepc-to-grad included) is dropped in turn,
                               every other flag kept (-split-input-file, the
                               cleanup passes after it); a pipeline to a
                               stage (--deepc-to-fused, --deepc-pipeline)
                               stops at the stage before instead, with the
                               same options; a line with no deepc-* pass
                               drops each of its passes
                               (test/ir/canonicalize.mlir).

The RUN lines before it run as written first, so the files they make exist.
The FileCheck of the changed line then reads the changed output. Two
findings:

  WEAK    the whole FileCheck passes: none of its checks sees the stage;
  WEAK    a CHECK-LABEL block of it passes (FileCheck checks each
  BLOCK   label-delimited block on its own and names the failing line, so
          a block with no failing line passed): that function's checks do
          not see the stage, whatever the rest of the file does. Blocks
          after a label that the changed output lacks are not judged; an
          --implicit-check-not that fails counts against the block whose
          label FileCheck -v matched last before the line it found.

A check that is meant to pass on the input (a "must not fuse" test) is
marked with a comment line `AUDIT: unchanged: <why>` (after `//` or `#`):
in the comment lines next to the RUN line (no blank line between), it
accepts that whole RUN; inside a CHECK-LABEL block, it accepts that block
for every RUN that checks it. The reason is
required. A mark on something that no longer passes unchanged is reported
as STALE, so marks do not outlive the tests they excuse.

Exit status: 0 when nothing is weak or stale, 1 otherwise, 2 on a RUN line
that fails as written (the audit needs the suite green).

Usage:  python3 scripts/lit_audit.py [--build build] [-v] [PATH ...]
        (PATH: test files or folders, default test/; tests that no RUN
        line of the kinds above is in cost nothing.)
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM_BIN = "/usr/lib/llvm-22/bin"
SUFFIXES = (".mlir", ".nn", ".test")
EXCLUDED_DIRS = {"Inputs", "unit"}

# The stage whose output a check of --emit=KEY must tell apart.
PREVIOUS_STAGE = {
    "nn": "ast",
    "grad": "nn",
    "linalg": "grad",
    "fused": "linalg",
    "tiled": "fused",
    "bufferized": "tiled",
    "llvm": "bufferized",
    "llvm-ir": "llvm",
}

# deepc-opt's pipelines to a stage, and the one to the stage before
# (--deepc-to-grad, whose stage before is its input, is dropped instead).
PREVIOUS_PIPELINE = {
    "deepc-to-linalg": "deepc-to-grad",
    "deepc-to-fused": "deepc-to-linalg",
    "deepc-to-tiled": "deepc-to-fused",
    "deepc-to-bufferized": "deepc-to-tiled",
    "deepc-pipeline": "deepc-to-bufferized",
}

# deepc-opt flags that are not passes.
OPT_OPTIONS = {
    "split-input-file", "verify-diagnostics", "allow-unregistered-dialect",
    "o", "pass-pipeline", "no-implicit-module", "emit-bytecode",
    "show-dialects", "debug", "debug-only", "dump-pass-pipeline",
}
OPT_OPTION_PREFIXES = ("mlir-", "print-ir-", "debug")

AUDIT_RE = re.compile(r"^\s*(//|#)\s*AUDIT:\s*unchanged\b(.*)$")
COMMENT_RE = re.compile(r"^\s*(//|#)")


# --- RUN lines ---------------------------------------------------------------

def read_run_lines(lines):
    """[(first line number (1-based), last line number, command)]."""
    runs, cur, start = [], None, 0
    for i, line in enumerate(lines, 1):
        m = re.search(r"\bRUN:(.*)$", line)
        if not m:
            continue
        text = m.group(1).rstrip()
        if cur is None:
            cur, start = "", i
        if text.endswith("\\"):
            cur += text[:-1] + " "
            continue
        runs.append((start, i, (cur + text).strip()))
        cur = None
    return runs


def tokenize(cmd):
    """Whitespace-separated words, quotes kept verbatim inside a word."""
    words, cur, quote = [], "", None
    for ch in cmd:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            cur += ch
        elif ch.isspace():
            if cur:
                words.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        words.append(cur)
    return words


def split_pipes(words):
    segs, cur = [], []
    for w in words:
        if w == "|":
            segs.append(cur)
            cur = []
        else:
            cur.append(w)
    segs.append(cur)
    return segs


def unquote(word):
    return "".join(tokenize_unquoted(word))


def tokenize_unquoted(word):
    out, quote = [], None
    for ch in word:
        if quote:
            if ch == quote:
                quote = None
            else:
                out.append(ch)
        elif ch in "'\"":
            quote = ch
        else:
            out.append(ch)
    return out


def tool_index(seg, name):
    """Index of tool `name` in a pipe segment (after `not`), else None."""
    i = 0
    while i < len(seg) and seg[i] in ("not", "not --crash"):
        i += 1
    return i if i < len(seg) and seg[i] == name else None


def variants(cmd):
    """The changed commands of a RUN line: [(what was taken away, command)].

    Only lines whose first segment is deepc compile / deepc-opt and whose
    last segment is FileCheck are audited."""
    words = tokenize(cmd)
    segs = split_pipes(words)
    if len(segs) < 2 or tool_index(segs[-1], "FileCheck") is None:
        return []
    first = segs[0]
    out = []
    k = tool_index(first, "deepc")
    if k is not None and k + 1 < len(first) and first[k + 1] == "compile":
        for j, w in enumerate(first):
            stage = None
            if w.startswith("--emit="):
                stage = w[len("--emit="):]
                repl = lambda s: ["--emit=" + s]
                span = 1
            elif w == "--emit" and j + 1 < len(first):
                stage = first[j + 1]
                repl = lambda s: ["--emit", s]
                span = 2
            if stage is None:
                continue
            prev = PREVIOUS_STAGE.get(stage)
            if prev is None:
                return []
            new = first[:j] + repl(prev) + first[j + span:]
            out.append(("--emit=%s for --emit=%s" % (prev, stage),
                        join(new, segs[1:])))
            return out
        return []
    k = tool_index(first, "deepc-opt")
    if k is None:
        return []
    passes = []
    for j in range(k + 1, len(first)):
        w = unquote(first[j])
        if not w.startswith("-") or w == "-":
            continue
        name = w.lstrip("-").split("=")[0]
        if name in OPT_OPTIONS or name.startswith(OPT_OPTION_PREFIXES):
            continue
        passes.append((j, name))
    ours = [p for p in passes if p[1].startswith("deepc-")]
    for j, name in ours or passes:
        prev = PREVIOUS_PIPELINE.get(name)
        if prev:
            # A pipeline to a stage: stop at the stage before instead.
            w = first[j]
            new = first[:j] + [w.replace(name, prev, 1)] + first[j + 1:]
            out.append(("--%s for --%s" % (prev, name), join(new, segs[1:])))
            continue
        new = first[:j] + first[j + 1:]
        out.append(("without --%s" % name, join(new, segs[1:])))
    return out


def join(first, rest):
    return " | ".join(" ".join(s) for s in [first] + rest)


# --- FileCheck blocks ----------------------------------------------------------

def filecheck_setup(seg, test_path):
    """(check file, prefixes) of a FileCheck segment."""
    words = [unquote(w) for w in seg]
    i = tool_index(seg, "FileCheck")
    check_file, prefixes = None, []
    j = i + 1
    while j < len(words):
        w = words[j]
        if w in ("--check-prefix", "-check-prefix", "--check-prefixes",
                 "-check-prefixes") and j + 1 < len(words):
            prefixes += words[j + 1].split(",")
            j += 2
            continue
        m = re.match(r"--?check-prefix(?:es)?=(.*)", w)
        if m:
            prefixes += m.group(1).split(",")
        elif not w.startswith("-") and check_file is None:
            check_file = w
        j += 1
    return check_file, prefixes or ["CHECK"]


def label_blocks(lines, prefixes):
    """[(first line, last line, label text)], a block per CHECK-LABEL of any
    prefix; the lines before the first label form a block of their own."""
    pat = re.compile(r"\b(%s)-LABEL:\s*(.*)$" % "|".join(map(re.escape, prefixes)))
    starts = [(i, m.group(2).strip()) for i, l in enumerate(lines, 1)
              for m in [pat.search(l)] if m]
    blocks = []
    first = starts[0][0] if starts else len(lines) + 1
    blocks.append((1, first - 1, "(before the first label)"))
    for n, (i, text) in enumerate(starts):
        end = starts[n + 1][0] - 1 if n + 1 < len(starts) else len(lines)
        blocks.append((i, end, text))
    return blocks


def has_checks(lines, first, last, prefixes):
    pat = re.compile(r"\b(%s)(-[A-Z]+)?:" % "|".join(map(re.escape, prefixes)))
    return any(pat.search(lines[i - 1]) for i in range(first, last + 1))


def audit_marks(lines, first, last):
    """[(line, reason)] of the AUDIT marks between two lines."""
    out = []
    for i in range(first, last + 1):
        m = AUDIT_RE.match(lines[i - 1])
        if m:
            out.append((i, m.group(2).lstrip(":").strip()))
    return out


def comment_block(lines, first, last):
    """The contiguous comment lines around lines first..last."""
    a, b = first, last
    while a > 1 and COMMENT_RE.match(lines[a - 2]) and lines[a - 2].strip():
        a -= 1
    while b < len(lines) and COMMENT_RE.match(lines[b]) and lines[b].strip():
        b += 1
    return a, b


# --- running -------------------------------------------------------------------

class Runner:
    def __init__(self, build):
        self.build = os.path.abspath(build)
        self.env = dict(os.environ)
        self.env["PATH"] = "%s:%s:%s" % (os.path.join(self.build, "bin"),
                                         LLVM_BIN, self.env.get("PATH", ""))
        self.local_subs = {}

    def local_substitutions(self, test_dir):
        """Substitutions of the lit.local.cfg files above a test."""
        subs = []
        d = test_dir
        chain = []
        while d.startswith(os.path.join(ROOT, "test")):
            chain.append(d)
            d = os.path.dirname(d)
        for d in reversed(chain):
            cfg = os.path.join(d, "lit.local.cfg")
            if not os.path.exists(cfg):
                continue
            if cfg not in self.local_subs:
                config = argparse.Namespace(substitutions=[])
                exec(open(cfg).read(), {"config": config})
                self.local_subs[cfg] = config.substitutions
            subs += self.local_subs[cfg]
        return subs

    def substitute(self, cmd, path, tmp):
        name = os.path.basename(path)
        subs = self.local_substitutions(os.path.dirname(path)) + [
            ("%deepc_src", ROOT),
            ("%python", "/usr/bin/python3"),
            ("%PATH%", self.env["PATH"]),
            ("%S", os.path.dirname(path)),
            ("%p", os.path.dirname(path)),
            ("%s", path),
            ("%t", os.path.join(tmp, name + ".tmp")),
            ("%T", tmp),
            ("%%", "%"),
        ]
        # Longest key first, as lit would not confuse %s with %S.
        for key, val in sorted(subs, key=lambda kv: -len(kv[0])):
            cmd = cmd.replace(key, val)
        return cmd

    def sh(self, cmd, cwd, stdout=subprocess.PIPE):
        return subprocess.run(["bash", "-c", "set -o pipefail; " + cmd],
                              cwd=cwd, env=self.env, stdout=stdout,
                              stderr=subprocess.PIPE, text=True)


def failing_lines(stderr, check_file):
    """Check-file lines that FileCheck -v names as failing, and whether an
    error could not be placed. An --implicit-check-not error names no check
    line: it is placed at the CHECK-LABEL matched last before the input line
    it found."""
    check_file = os.path.abspath(check_file)
    labels = []          # (input line, check line) of each label match
    failed, implicit, unplaced = set(), set(), False
    header = None        # (check line or None, is an error, is a label)
    for l in stderr.splitlines():
        m = re.match(r"^(.*?):(\d+):\d+: (error|remark):(.*)$", l)
        if m and m.group(1) != "<stdin>":
            line = (int(m.group(2))
                    if os.path.abspath(m.group(1)) == check_file else None)
            header = (line, m.group(3) == "error", "-LABEL:" in m.group(4))
            if header[1] and line is not None:
                failed.add(line)
            elif header[1] and m.group(1) != "command line":
                unplaced = True
            continue
        m = re.match(r"^<stdin>:(\d+):\d+: note: (found here|scanning from here)", l)
        if m and header:
            n = int(m.group(1))
            if header[2] and not header[1]:
                labels.append((n, header[0]))
            elif header[1] and header[0] is None:
                before = [c for i, c in labels if i <= n]
                implicit.add(before[-1] if before else 1)
            header = None
    return failed, implicit, unplaced


def audit_file(runner, path, report):
    lines = open(path, errors="replace").read().split("\n")
    runs = read_run_lines(lines)
    plan = [(r, variants(r[2])) for r in runs]
    if not any(v for _, v in plan):
        return
    rel = os.path.relpath(path, ROOT)
    # Marks used by some run: a mark that no run needed is stale.
    marks_needed = {}
    with tempfile.TemporaryDirectory(prefix="lit_audit.") as tmp:
        for (first, last, cmd), vs in plan:
            real = runner.substitute(cmd, path, tmp)
            r = runner.sh(real, tmp)
            if r.returncode != 0:
                report.error("%s:%d: fails as written:\n  %s\n%s" %
                             (rel, first, real, r.stderr[-2000:]))
                return
            if not vs:
                continue
            segs = split_pipes(tokenize(cmd))
            check_seg = segs[-1]
            check_file, prefixes = filecheck_setup(
                split_pipes(tokenize(real))[-1], path)
            cfile_lines = (open(check_file, errors="replace").read().split("\n")
                           if check_file else [])
            same_file = check_file and os.path.abspath(check_file) == path
            blocks = label_blocks(cfile_lines, prefixes) if check_file else []
            cb = comment_block(lines, first, last)
            run_marks = audit_marks(lines, cb[0], cb[1])
            for m in run_marks:
                marks_needed.setdefault(m, False)
            for what, vcmd in vs:
                where = "%s:%d %s (%s)" % (rel, first, "/".join(prefixes), what)
                producer = " | ".join(" ".join(s) for s in split_pipes(tokenize(vcmd))[:-1])
                out = os.path.join(tmp, "audit.out")
                p = runner.sh(runner.substitute(producer, path, tmp) + " > " + out, tmp)
                if p.returncode != 0:
                    report.note(where, "the changed command fails: strong")
                    continue
                fc = runner.substitute(" ".join(check_seg), path, tmp)
                f = runner.sh(fc + " -v --dump-input=never < " + out, tmp)
                if f.returncode == 0:
                    if run_marks:
                        for m in run_marks:
                            marks_needed[m] = True
                        report.note(where, "passes unchanged, accepted: " +
                                    run_marks[0][1])
                    else:
                        report.weak(where, "all its checks pass unchanged")
                    continue
                if not same_file:
                    report.note(where, "fails: strong")
                    continue
                failed, implicit, unplaced = failing_lines(f.stderr, check_file)
                if unplaced or not (failed or implicit):
                    # Such as "'<stdin>' is empty": the whole run fails.
                    report.note(where, "fails, errors not placed: strong")
                    continue
                # Each block: passes (True), fails (False); FileCheck stops
                # at a label it cannot find, and the block before it, whose
                # checks end at that label, is then not judged either.
                judged = []
                for b in blocks:
                    if b[0] in failed and "LABEL" in cfile_lines[b[0] - 1]:
                        judged = judged[:-1]
                        break
                    if not has_checks(cfile_lines, b[0], b[1], prefixes):
                        continue
                    bad = any(b[0] <= l <= b[1] for l in failed | implicit)
                    judged.append((b, not bad))
                weak_blocks = []
                for b, passes in judged:
                    marks = [m for m in audit_marks(cfile_lines, b[0], b[1])
                             if not (cb[0] <= m[0] <= cb[1])]
                    for m in marks:
                        marks_needed.setdefault(m, False)
                    if not passes:
                        continue
                    if marks:
                        for m in marks:
                            marks_needed[m] = True
                        report.note(where, "block %s passes unchanged, "
                                    "accepted: %s" % (b[2], marks[0][1]))
                    else:
                        weak_blocks.append(b)
                for b in weak_blocks:
                    report.weak(where, "block at line %d `%s` passes unchanged"
                                % (b[0], b[2]))
                if not weak_blocks:
                    report.note(where, "fails%s: strong" % (
                        " in every block" if len(blocks) > 1 else ""))
    for (line, reason), needed in sorted(marks_needed.items()):
        if not reason:
            report.stale("%s:%d: AUDIT mark without a reason" % (rel, line))
        if not needed:
            report.stale("%s:%d: AUDIT mark on checks that no longer pass "
                         "unchanged" % (rel, line))


class Report:
    def __init__(self, verbose):
        self.verbose = verbose
        self.weaks, self.stales, self.errors = [], [], []

    def note(self, where, text):
        if self.verbose:
            print("ok     %s: %s" % (where, text))

    def weak(self, where, text):
        self.weaks.append(where)
        print("WEAK   %s: %s" % (where, text))

    def stale(self, text):
        self.stales.append(text)
        print("STALE  " + text)

    def error(self, text):
        self.errors.append(text)
        print("ERROR  " + text)


def test_files(paths):
    for p in paths:
        if os.path.isfile(p):
            yield os.path.abspath(p)
            continue
        for d, dirs, files in os.walk(p):
            dirs[:] = sorted(x for x in dirs if x not in EXCLUDED_DIRS)
            for f in sorted(files):
                if f.endswith(SUFFIXES):
                    yield os.path.abspath(os.path.join(d, f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"),
                    help="build folder with bin/deepc and bin/deepc-opt")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="also print the checks that the change breaks")
    ap.add_argument("paths", nargs="*", default=[os.path.join(ROOT, "test")])
    args = ap.parse_args()
    runner = Runner(args.build)
    report = Report(args.verbose)
    for path in test_files(args.paths):
        audit_file(runner, path, report)
    print("lit_audit: %d weak, %d stale, %d failing as written" %
          (len(report.weaks), len(report.stales), len(report.errors)))
    if report.errors:
        return 2
    return 1 if report.weaks or report.stales else 0


if __name__ == "__main__":
    sys.exit(main())
