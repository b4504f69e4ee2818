"""Mutation fuzzer for `deepc check` and `deepc compile --emit=nn`.

Usage: fuzz.py DEEPC INPUT_DIR COUNT. Deterministic (fixed seed). Fails on a
crash (exit status other than 0 or 1), a run longer than 10 s, or a failing
run that printed no `error:`.
"""
import os, random, subprocess, sys, tempfile

deepc, input_dir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
sources = [open(os.path.join(input_dir, f), "rb").read()
           for f in sorted(os.listdir(input_dir)) if f.endswith(".nn")]
rng = random.Random(int(os.environ.get("FUZZ_SEED", "1234")))
tokens = [b"(", b")", b"[", b"]", b"{", b"}", b",", b":", b"=", b"-", b"@",
          b"->", b"model", b"train", b"param", b"return", b"1e999", b"-1",
          b"99999999999999999999", b"\x00", b"\xff", b"#", b"\n", b"x", b"N",
          b"dense(", b"axis = ", b"f32[", b"0.5", b"true"]

def mutate(src):
    data = bytearray(src)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        pos = rng.randrange(len(data) + 1)
        if kind == 0 and data:
            del data[pos:pos + rng.randint(1, 8)]
        elif kind == 1:
            data[pos:pos] = rng.choice(tokens)
        elif kind == 2 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif kind == 3:
            lines = data.split(b"\n")
            rng.shuffle(lines)
            data = bytearray(b"\n".join(lines))
        else:
            data = data[:pos]
    return bytes(data)

failures = 0
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "fuzz.nn")
    for i in range(count):
        data = mutate(rng.choice(sources))
        open(path, "wb").write(data)
        args = [deepc, "check", path] if i % 2 else \
               [deepc, "compile", path, "--emit=nn", "-o", os.path.join(tmp, "out.mlir")]
        try:
            p = subprocess.run(args, capture_output=True, timeout=10)
        except subprocess.TimeoutExpired:
            print("hang:", args, repr(data[:200]))
            failures += 1
            continue
        bad = p.returncode not in (0, 1) or \
            (p.returncode == 1 and b"error" not in p.stderr)
        if bad:
            failures += 1
            print("exit %d:" % p.returncode, args, p.stderr[-500:])
            sys.stdout.buffer.write(data[:2000] + b"\n")
sys.exit(1 if failures else 0)
