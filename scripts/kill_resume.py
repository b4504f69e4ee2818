#!/usr/bin/env python3
"""Kills `deepc train --save` at random moments and checks every checkpoint.

Issue 7: a training run killed at a random moment, repeated 50 times,
always resumes from an intact checkpoint. One chain of runs trains a small
model with a checkpoint after every epoch; each run resumes from the
checkpoint the previous one left (or starts afresh if there is none yet)
and gets SIGKILL after a random delay. An uninterrupted reference run,
measured first, printed its first epoch F seconds after its start and
ended T seconds after it: odd runs are killed a delay drawn uniformly from
[0, F] after their start (loading, compiling), even ones a delay from
[0, T - F] after they print their first epoch (steps and saves; the saves,
fsync'ed, take most of that time). After every run:

- the checkpoint, if any, is a well-formed safetensors file (read here by a
  reader independent of deepc's) holding every tensor of the reference
  run's final checkpoint, same dtypes and shapes, and an epoch no smaller
  than the one before;
- every epoch line the run printed equals the reference run's line for that
  epoch (times aside), so the resumed runs computed what the uninterrupted
  one did, and a resumed run's first epoch is the checkpoint's epoch + 1.

When a chain reaches the last epoch, its checkpoint must equal the
reference run's, tensor by tensor, bit for bit, and `deepc eval` must load
it; then a new chain starts from nothing. After KILLS kills (a run that
ends before its kill does not count) a last run resumes the chain to the
end and is checked the same way, and no temporary file of a killed save
may be left beside the checkpoint. The seed makes the delays reproducible
(what they hit still depends on the machine's speed); every run's outcome
is printed.

  scripts/kill_resume.py --deepc build/bin/deepc [--kills 50] [--seed 1]

Exit status 0 if every check held, 1 otherwise. Needs only Python 3.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

MODEL = """\
# One dense layer: quick to compile and step; a checkpoint (weights, Adam's
# two moments) of 196 KB, written and fsync'ed after every epoch, so the
# saves take most of the training time and many kills land inside one.
model net(x: f32[N, 4096]) -> f32[N, 4] {
  return dense(x, 4)
}

train fit(x: f32[N, 4096], y: i32[N]) {
  loss      = cross_entropy(net(x), y)
  optimizer = adam(lr = 0.001)
  batch     = 8
  epochs    = EPOCHS
}
"""

def write_npy(path, descr, shape, payload):
    """A version 1.0 .npy file, without numpy."""
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (
        descr, "".join("%d, " % d for d in shape))
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(payload)


def make_data(folder, samples, features, classes):
    rng = random.Random(12345)
    xs = [rng.gauss(0.0, 1.0) for _ in range(samples * features)]
    ys = [rng.randrange(classes) for _ in range(samples)]
    write_npy(os.path.join(folder, "x.npy"), "<f4", (samples, features),
              struct.pack("<%df" % len(xs), *xs))
    write_npy(os.path.join(folder, "y.npy"), "<i4", (samples,),
              struct.pack("<%di" % len(ys), *ys))


DTYPE_SIZE = {"F32": 4, "F64": 8, "BF16": 2, "I32": 4, "I64": 8, "U8": 1,
              "BOOL": 1}


def read_safetensors(path):
    """(tensors {name: (dtype, shape, bytes)}, metadata); raises ValueError."""
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError("%d bytes, no header length" % len(blob))
    (n,) = struct.unpack("<Q", blob[:8])
    if 8 + n > len(blob):
        raise ValueError("header of %d bytes past the end of the file" % n)
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors, end = {}, 0
    for name, info in sorted(header.items(),
                             key=lambda kv: kv[1]["data_offsets"][0]):
        begin, stop = info["data_offsets"]
        size = DTYPE_SIZE[info["dtype"]]
        for d in info["shape"]:
            size *= d
        if begin != end or stop - begin != size:
            raise ValueError("tensor '%s' at [%d, %d) does not follow the "
                             "previous one or fit its shape" % (name, begin,
                                                                stop))
        tensors[name] = (info["dtype"], tuple(info["shape"]), data[begin:stop])
        end = stop
    if end != len(data):
        raise ValueError("%d bytes of data, the tensors hold %d" %
                         (len(data), end))
    return tensors, metadata


EPOCH_LINE = re.compile(rb"^epoch (\d+)/(\d+)  (.*?)  [0-9.]+ s$")


def epoch_lines(stdout):
    """{epoch: the line without its time} of a run's output."""
    out = {}
    for line in stdout.splitlines():
        m = EPOCH_LINE.match(line)
        if not m:
            raise ValueError("unexpected output line: %r" % line)
        out[int(m.group(1))] = m.group(3)
    return out


class Failure(Exception):
    pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deepc", required=True)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--keep", help="work in this folder and keep it")
    args = parser.parse_args()

    work = args.keep or tempfile.mkdtemp(prefix="deepc-kill-resume-")
    os.makedirs(work, exist_ok=True)
    try:
        return run(args, work)
    except Failure as e:
        print("kill_resume: FAILED: %s (files in %s)" % (e, work),
              file=sys.stderr)
        args.keep = work
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, work):
    started = time.monotonic()
    nn = os.path.join(work, "model.nn")
    with open(nn, "w") as f:
        f.write(MODEL.replace("EPOCHS", str(args.epochs)))
    make_data(work, 8, 4096, 4)
    base = [args.deepc, "train", nn,
            "--data", "x=" + os.path.join(work, "x.npy"),
            "--data", "y=" + os.path.join(work, "y.npy"), "--seed", "7"]
    ckpt = os.path.join(work, "ckpt.safetensors")
    ref_path = os.path.join(work, "reference.safetensors")

    # The reference: one run, not interrupted. Unbuffered, as the killed
    # runs below are: a buffered readline() can take the next epochs' lines
    # too, which communicate() never sees (under load the reference seemed
    # to print epochs [1, 4, 5, ...]).
    t0 = time.monotonic()
    proc = subprocess.Popen(base + ["--save", ref_path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            bufsize=0)
    first = proc.stdout.readline()
    first_at = time.monotonic() - t0
    out, err = proc.communicate()
    length = time.monotonic() - t0
    if proc.returncode != 0:
        raise Failure("the reference run failed:\n" + err.decode())
    ref_lines = epoch_lines(first + out)
    if sorted(ref_lines) != list(range(1, args.epochs + 1)):
        raise Failure("the reference run printed epochs %s" %
                      sorted(ref_lines))
    ref_tensors, ref_meta = read_safetensors(ref_path)
    print("kill_resume: reference run %.2f s, its first epoch done at %.2f s; "
          "%d epochs, checkpoint %d bytes" % (
              length, first_at, args.epochs, os.path.getsize(ref_path)))

    def check_checkpoint(what):
        """The checkpoint's epoch; raises Failure if it is not intact."""
        try:
            tensors, meta = read_safetensors(ckpt)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
            raise Failure("%s: the checkpoint is broken: %s" % (what, e))
        layout = {k: v[:2] for k, v in tensors.items()}
        if layout != {k: v[:2] for k, v in ref_tensors.items()}:
            raise Failure("%s: the checkpoint holds %s, the reference %s" % (
                what, layout, {k: v[:2] for k, v in ref_tensors.items()}))
        if meta.get("format") != ref_meta.get("format"):
            raise Failure("%s: checkpoint metadata %s" % (what, meta))
        return int(meta["epoch"])

    def check_final(what):
        tensors, meta = read_safetensors(ckpt)
        for key in ("epoch", "step", "seed", "train", "format"):
            if meta.get(key) != ref_meta.get(key):
                raise Failure("%s: metadata '%s' is %r, the reference's %r" % (
                    what, key, meta.get(key), ref_meta.get(key)))
        for name, t in ref_tensors.items():
            if tensors[name] != t:
                raise Failure("%s: tensor '%s' differs from the reference "
                              "run's" % (what, name))
        ev = subprocess.run([args.deepc, "eval", nn, "--weights", ckpt,
                             "--data", "x=" + os.path.join(work, "x.npy"),
                             "--data", "y=" + os.path.join(work, "y.npy")],
                            capture_output=True)
        if ev.returncode != 0:
            raise Failure("%s: deepc eval of the checkpoint failed:\n%s" % (
                what, ev.stderr.decode()))

    def temporaries():
        return [n for n in os.listdir(work)
                if n.startswith("ckpt.safetensors.")]

    rng = random.Random(args.seed)
    saved = 0  # the checkpoint's epoch, 0 if there is none
    chains = 0
    counts = {"before the first epoch": 0, "during training": 0,
              "temporary left (killed in a save)": 0, "finished": 0}
    kills, i = 0, 0
    while kills < args.kills:
        i += 1
        if i > 3 * args.kills:
            raise Failure("%d runs, only %d killed: the runs end before "
                          "the kills come" % (i - 1, kills))
        cmd = base + ["--save", ckpt]
        if saved:
            cmd += ["--resume", ckpt]
        # Odd runs are killed while starting (loading, compiling), even ones
        # while training and saving: timed from the first epoch's line.
        starting = i % 2 == 1
        delay = rng.uniform(0.0, first_at if starting else length - first_at)
        before = set(temporaries())
        # Unbuffered: readline() then takes the first line alone. A buffered
        # reader could take the next epoch's line too, which communicate()
        # (reading the pipe itself) would then never see: a fast run killed
        # after its second epoch seemed to have printed only its first.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, bufsize=0)
        head = b"" if starting else proc.stdout.readline()
        try:
            if not starting and not head:
                raise ValueError("no epoch")  # it ended: do not wait
            out, err = proc.communicate(timeout=delay)
            killed = False
        except ValueError:
            out, err = proc.communicate()
            killed = False
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, err = proc.communicate()
            # It may have ended by itself just before the signal.
            killed = proc.returncode == -signal.SIGKILL
        out = head + out
        when = "%.3f s after %s" % (delay, "its start" if starting else
                                    "its first epoch")
        what = "run %d (from epoch %d, %s %s)" % (
            i, saved, "killed" if killed else "finished", when)
        if not killed and proc.returncode != 0:
            raise Failure("%s: exit status %d:\n%s" % (what, proc.returncode,
                                                       err.decode()))
        try:
            lines = epoch_lines(out)
        except ValueError as e:
            raise Failure("%s: %s" % (what, e))
        for epoch, line in lines.items():
            if line != ref_lines.get(epoch):
                raise Failure("%s: printed epoch %d as %r, the reference run "
                              "%r" % (what, epoch, line, ref_lines.get(epoch)))
        if lines and min(lines) != saved + 1:
            raise Failure("%s: its first epoch was %d" % (what, min(lines)))
        if not killed and sorted(lines) != list(range(saved + 1,
                                                      args.epochs + 1)):
            raise Failure("%s: printed epochs %s" % (what, sorted(lines)))
        left = set(temporaries()) - before
        if killed:
            kills += 1
            counts["during training" if lines else
                   "before the first epoch"] += 1
            if left:
                counts["temporary left (killed in a save)"] += 1
        else:
            counts["finished"] += 1
        now = saved
        if os.path.exists(ckpt):
            now = check_checkpoint(what)
            if now < saved or now > max(lines, default=saved):
                raise Failure("%s: the checkpoint is at epoch %d; the run "
                              "printed epochs %s" % (what, now, sorted(lines)))
        elif saved:
            raise Failure("%s: the checkpoint is gone" % what)
        print("kill_resume: run %2d: %-8s %s; epochs %s; checkpoint "
              "at epoch %d%s" % (
                  i, "killed" if killed else "finished", when,
                  "%d-%d" % (min(lines), max(lines)) if lines else "none",
                  now, "; temporary left" if left else ""))
        saved = now
        if saved == args.epochs:
            check_final(what)
            chains += 1
            os.remove(ckpt)
            saved = 0

    # Finish the last chain without a kill.
    cmd = base + ["--save", ckpt] + (["--resume", ckpt] if saved else [])
    last = subprocess.run(cmd, capture_output=True)
    if last.returncode != 0:
        raise Failure("the last run (from epoch %d) failed:\n%s" % (
            saved, last.stderr.decode()))
    lines = epoch_lines(last.stdout)
    for epoch, line in lines.items():
        if line != ref_lines.get(epoch):
            raise Failure("the last run printed epoch %d as %r, the reference "
                          "run %r" % (epoch, line, ref_lines.get(epoch)))
    if sorted(lines) != list(range(saved + 1, args.epochs + 1)):
        raise Failure("the last run, from epoch %d, printed epochs %s" % (
            saved, sorted(lines)))
    check_final("the last run")
    chains += 1
    if temporaries():
        raise Failure("temporaries left after a finished run: %s" %
                      temporaries())
    print("kill_resume: %d runs, %d killed: %s; %d chains trained to the "
          "end match the reference bit for bit; %.1f s" % (
              i, kills, ", ".join("%d %s" % (v, k) for k, v in counts.items()),
              chains, time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
