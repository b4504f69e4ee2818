"""Typed fuzzer: random, mostly well-typed models (a third get one random
corruption) through `deepc compile --emit=nn`, which runs Sema, MLIRGen and
the dialect's verifier.

Usage: typed_fuzz.py DEEPC SEED COUNT. Fails on a crash, a hang, a failure
without `error:`, or if fewer than half of the models compile.
"""
import os, random, subprocess, sys, tempfile
deepc, seed, N = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
path = os.path.join(tempfile.mkdtemp(), "t.nn")
def t(d=0):  # an expression of type f32[N, 4]
    if d > 4: return rng.choice(["x", "y", "v"])
    c = rng.randrange(16)
    if c == 0: return f"{rng.choice(['relu','tanh','sigmoid','gelu','exp','abs','neg','sqrt','rsqrt','log'])}({t(d+1)})"
    if c == 1: return f"({t(d+1)} {rng.choice('+-*/')} {t(d+1)})"
    if c == 2: return f"({t(d+1)} {rng.choice('+-*/')} {rng.choice(['2','0.5','-1','1e-3'])})"
    if c == 3: return f"softmax({t(d+1)}, {rng.choice(['1','-1','axis = 1','axis = -1'])})"
    if c == 4: return f"log_softmax({t(d+1)})"
    if c == 5: return f"dense({t(d+1)}, 4{rng.choice(['', ', bias = false', ', bias = true'])})"
    if c == 6: return f"({t(d+1)} @ w)"
    if c == 7: return f"reshape(flatten({t(d+1)}), [-1, 4])"
    if c == 8: return f"transpose(transpose({t(d+1)}, [1, 0]), [1, 0])"
    if c == 9: return f"({t(d+1)} + sum({t(d+1)}, axis = 1, keepdims = true))"
    if c == 10: return f"({t(d+1)} * mean({t(d+1)}))"
    if c == 11: return f"max({t(d+1)}, {t(d+1)})"
    if c == 12: return f"min({t(d+1)}, 0.0)"
    if c == 13: return f"pow({t(d+1)}, 2)"
    if c == 14: return f"({t(d+1)} + max({t(d+1)}, axis = 0))"
    return rng.choice(["x", "y", "v", "-x", "(x)"])
bad = 0; okc = 0
for it in range(N):
    lines = ["model m(x: f32[N, 4], y: f32[N, 4]) -> (f32[N, 4], i64[N]) {",
             "  param w: f32[4, 4] = glorot_uniform", "  v = x"]
    for k in range(rng.randint(1, 5)):
        lines.append(f"  v{k} = {t()}")
    lines.append(f"  return {t()} + v0, argmax({t()}, axis = 1)")
    lines.append("}")
    src = "\n".join(lines) + "\n"
    if rng.random() < 0.3:  # one random corruption
        i = rng.randrange(len(src)); src = src[:i] + rng.choice(["", "(", ")", "x", ", 9", "[0]", "@"]) + src[i + 1:]
    open(path, "w").write(src)
    p = subprocess.run([deepc, "compile", path, "--emit=nn"], capture_output=True, timeout=20)
    okc += p.returncode == 0
    if p.returncode not in (0, 1) or (p.returncode == 1 and b"error" not in p.stderr):
        print("FAIL", p.returncode, p.stderr[-400:]); print(src); bad += 1
        if bad > 2: break
print("bad", bad, "compiled", okc, "of", N)
sys.exit(1 if bad or okc < N // 2 else 0)
