#!/usr/bin/python3
"""Writes the numeric autodiff tests of test/passes/autodiff-run/.

Each test is an `nn` train function (f32, promoted to f64 by the RUN line),
a NumPy transcription of its loss, and the data to call it with. The
expected gradients are central finite differences of the NumPy loss in
float64, and the expected steps apply torch.optim's update formulas to
those gradients; deepc's output is never used. Run with the output
directory: `autodiff_run.py test/passes/autodiff-run`.
"""
import os
import sys

import numpy as np

RNG = np.random.default_rng(7)


def data(shape, lo=-2.0, hi=2.0, positive=False):
    """Values on a 1/32 grid, never 0 (exact in f32 and f64)."""
    v = RNG.uniform(lo, hi, size=shape)
    v = (np.floor(v * 16) + 0.5) / 16
    return np.abs(v) if positive else v


def fmt(a):
    if np.ndim(a) == 0:
        return fmt_scalar(a)
    return "[" + ", ".join(fmt(x) for x in a) + "]"


def fmt_scalar(x):
    if isinstance(x, (np.integer, int)):
        return str(int(x))
    return repr(float(x))


def ttype(shape, elem, dyn0=False):
    dims = ["?" if (dyn0 and i == 0) else str(d) for i, d in enumerate(shape)]
    return "tensor<" + "".join(d + "x" for d in dims) + elem + ">"


class Arg:
    def __init__(self, name, value, kind="param", dyn0=False, elem="f32"):
        self.name, self.value, self.kind, self.dyn0 = name, value, kind, dyn0
        self.elem = elem

    def ftype(self, f):
        return ttype(self.value.shape, self.elem if self.elem != "f32" else f,
                     self.dyn0)


class Test:
    """A train function: `body` computes `%loss` from the arguments; terms
    `(mlir_lines, shape, numpy_fn)` are each weighted by a constant and
    summed into the loss, so every element of every term matters."""

    def __init__(self, name, args, loss_fn=None, body="", terms=(),
                 train='{optimizer = "sgd"}', extra_results=()):
        self.name, self.args, self.train = name, args, train
        self.body, self.terms, self.loss_fn = body, list(terms), loss_fn
        self.terms = [t if len(t) == 4 else t + (None,) for t in self.terms]
        self.weights = [data(t[1]) for t in self.terms]
        self.extra_results = list(extra_results)

    def params(self):
        return [a for a in self.args if a.kind == "param"]

    def numpy_loss(self, values):
        total = 0.0
        if self.loss_fn:
            total += self.loss_fn(values)
        for (_, _, fn, _), w in zip(self.terms, self.weights):
            total += float(np.sum(fn(values) * w))
        return total

    def mlir(self):
        sig = ", ".join(
            "%%%s: %s {nn.%s = \"%s\"}" % (a.name, a.ftype("f32"),
                                          "param" if a.kind == "param" else "input",
                                          a.name) for a in self.args)
        lines = []
        if self.body:
            lines += [l.strip() for l in self.body.strip().splitlines()]
        acc = "%loss" if self.body else None
        for i, ((text, shape, _, tt), w) in enumerate(zip(self.terms, self.weights)):
            t = ttype(shape, "f32")
            tt = tt or t
            lines += [l.strip() for l in text.strip().splitlines()]
            lines.append("%%w%d = nn.constant dense<%s> : %s" % (i, fmt(w), t))
            lines.append("%%m%d = nn.mul %%t%d, %%w%d : %s, %s -> %s" % (i, i, i, tt, t, t))
            axes = ", ".join(str(d) for d in range(len(shape)))
            lines.append("%%s%d = nn.reduce_sum %%m%d axes = [%s] : %s -> tensor<f32>"
                         % (i, i, axes, t))
            if acc is None:
                acc = "%%s%d" % i
            else:
                lines.append("%%acc%d = nn.add %s, %%s%d : tensor<f32>, tensor<f32> -> tensor<f32>"
                             % (i, acc, i))
                acc = "%%acc%d" % i
        res_types = ["tensor<f32>"] + [r[1] for r in self.extra_results]
        rets = [acc] + [r[0] for r in self.extra_results]
        res_sig = ", ".join(["tensor<f32>"] + ["%s {%s}" % (r[1], r[2]) for r in self.extra_results])
        out = ["func.func @%s(%s)" % (self.name, sig),
               "    -> (%s)" % res_sig,
               "    attributes {nn.train = %s} {" % self.train]
        out += ["  " + l for l in lines]
        out.append("  return %s : %s" % (", ".join(rets), ", ".join(res_types)))
        out.append("}")
        return "\n".join(out)


def fd_grads(test):
    values = {a.name: np.array(a.value, dtype=np.float64) if a.elem == "f32" else a.value
              for a in test.args}
    grads = []
    for p in test.params():
        g = np.zeros_like(values[p.name])
        for idx in np.ndindex(g.shape):
            # Fourth-order central differences: error O(h^4) + eps/h.
            h = 1e-4 * max(abs(values[p.name][idx]), 1e-2)
            old = values[p.name][idx]
            f = {}
            for k in (-2, -1, 1, 2):
                values[p.name][idx] = old + k * h
                f[k] = test.numpy_loss(values)
            values[p.name][idx] = old
            g[idx] = (f[-2] - 8 * f[-1] + 8 * f[1] - f[2]) / (12 * h)
        grads.append(g)
    return test.numpy_loss(values), grads


# The relative error a printed value may have: the finite differences' in
# f64, f32 rounding in the f32 tests. Every 6-digit spelling within it is
# accepted.
TOL = 1e-9


def check_lines(value):
    value = np.asarray(value, dtype=np.float64)
    flat = value.reshape(-1)
    sizes = "[]" if value.ndim == 0 else "[%d]" % flat.size
    nums = []
    for v in flat:
        if abs(v) < 1e-4:
            nums.append("{{-?[0-9.e+-]+}}")
        else:
            # Within the finite differences' error of a rounding boundary
            # (values on the data's dyadic grid often are), accept both.
            spellings = sorted({"%g" % (v * (1 + d)) for d in np.linspace(-TOL, TOL, 41)})
            if len(spellings) == 1:
                nums.append(spellings[0])
            else:
                nums.append("{{" + "|".join(x.replace(".", "\\.") for x in spellings) + "}}")
    return ["// CHECK: sizes = %s strides" % sizes,
            "// CHECK-NEXT: {{\\[}}" + ", ".join(nums) + "]"]


# The float type `main` calls the compiled functions with: f64 after
# --deepc-promote-f64, or f32 for the tests that run the f32 step.
MAIN_FLOAT = "f64"

PRINT_HELPERS = """func.func private @printMemrefF64(memref<*xf64>) attributes {llvm.emit_c_interface}
func.func @print(%t: tensor<*xf64>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf64> to memref<*xf64>
  call @printMemrefF64(%m) : (memref<*xf64>) -> ()
  return
}"""


def print_value(name, shape, dyn0, lines):
    """Prints %name (of f64 type `shape`, dim 0 dynamic if dyn0) flat."""
    t = ttype(shape, MAIN_FLOAT, dyn0)
    src = "%" + name
    if len(shape) > 1:
        flat = "tensor<%sx%s>" % ("?" if dyn0 else int(np.prod(shape)), MAIN_FLOAT)
        group = ", ".join(str(d) for d in range(len(shape)))
        lines.append("  %%%s_flat = tensor.collapse_shape %s [[%s]] : %s into %s"
                     % (name, src, group, t, flat))
        src, t = "%" + name + "_flat", flat
    lines.append("  %%%s_u = tensor.cast %s : %s to tensor<*x%s>" % (name, src, t, MAIN_FLOAT))
    lines.append("  call @print(%%%s_u) : (tensor<*x%s>) -> ()" % (name, MAIN_FLOAT))


def arg_constant(name, value, elem, dyn0, lines):
    elem64 = MAIN_FLOAT if elem == "f32" else elem
    static = ttype(value.shape, elem64)
    lines.append("  %%%s_c = arith.constant dense<%s> : %s" % (name, fmt(value), static))
    if not dyn0:
        return "%" + name + "_c", static
    lines.append("  %%%s = tensor.cast %%%s_c : %s to %s"
                 % (name, name, static, ttype(value.shape, elem64, True)))
    return "%" + name, ttype(value.shape, elem64, True)


def main_chunk(tests, calls):
    """calls: per test, (extra args [(name, value)], result specs
    [(name, shape, dyn0)]) beyond the test's own arguments."""
    lines = [PRINT_HELPERS.replace("f64", MAIN_FLOAT).replace("F64", MAIN_FLOAT.upper())]
    body = ["func.func @main() {"]
    for test, (extra, results) in zip(tests, calls):
        operands, types = [], []
        for a in test.args:
            v, t = arg_constant(test.name + "_" + a.name, a.value, a.elem, a.dyn0, body)
            operands.append(v)
            types.append(t)
        for name, value in extra:
            v, t = arg_constant(test.name + "_" + name, np.asarray(value), "f32", False, body)
            operands.append(v)
            types.append(t)
        rtypes = [ttype(s, MAIN_FLOAT, d) for _, s, d in results]
        lines.append("func.func private @%s(%s) -> (%s)"
                     % (test.name, ", ".join(types), ", ".join(rtypes)))
        names = ["%s_%s" % (test.name, n) for n, _, _ in results]
        body.append("  %s = call @%s(%s) : (%s) -> (%s)"
                    % (", ".join("%" + n for n in names), test.name, ", ".join(operands),
                       ", ".join(types), ", ".join(rtypes)))
        for n, (_, s, d) in zip(names, results):
            print_value(n, s, d, body)
    body += ["  return", "}"]
    return "\n".join(lines + body)


def write(path, header, tests, calls, expected):
    out = [header.strip(), ""]
    out += ["\n\n".join(t.mlir() for t in tests), "", "// -----", "",
            main_chunk(tests, calls), ""]
    for test, values in zip(tests, expected):
        out.append("// %s" % test.name)
        for v in values:
            out += check_lines(v)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


GRAD_RUN = """// RUN: deepc-opt %s -split-input-file --deepc-promote-f64 \\
// RUN:   --deepc-autodiff=mode=grad > %t
// RUN: %python %S/../Inputs/join-split.py %t | deepc-opt --deepc-pipeline \\
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \\
// RUN: | FileCheck %s
"""


def write_grad_tests(path, title, tests):
    calls, expected = [], []
    for t in tests:
        loss, grads = fd_grads(t)
        results = [("loss", (), False)] + [("d" + p.name, p.value.shape, p.dyn0)
                                          for p in t.params()]
        calls.append(([], results))
        expected.append([loss] + grads)
    header = GRAD_RUN + "\n// " + title + "\n// Generated by ../Inputs/autodiff_run.py: " \
        "expected values are fourth-order central\n// finite differences of a NumPy transcription " \
        "of each loss (float64).\n"
    write(path, header, tests, calls, expected)


#
# The tests
#

def T(shape):
    return ttype(shape, "f32")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def erf(x):
    from math import erf as e
    return np.vectorize(e)(x)


def gelu(x):
    return x / 2 * (1 + erf(x / np.sqrt(2)))


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def unary(op, expr, shape=(2, 3), pre=""):
    t = T(shape)
    return (pre + "%%t = nn.%s %%u : %s" % (op, t), shape, expr)


def elementwise_tests():
    s23, s3, s21 = T((2, 3)), T((3,)), T((2, 1))
    binary = Test("fit_binary", [
        Arg("a", data((2, 3))), Arg("b", data((3,))), Arg("c", data((2, 1), 0.5, 2)),
        Arg("x", data((2, 3)), kind="input", dyn0=True)], terms=[
        ("%%t0 = nn.add %%a, %%b : %s, %s -> %s" % (s23, s3, s23), (2, 3), lambda v: v["a"] + v["b"]),
        ("%%t1 = nn.sub %%c, %%a : %s, %s -> %s" % (s21, s23, s23), (2, 3), lambda v: v["c"] - v["a"]),
        ("%%t2 = nn.mul %%a, %%b : %s, %s -> %s" % (s23, s3, s23), (2, 3), lambda v: v["a"] * v["b"]),
        ("%%t3 = nn.div %%a, %%c : %s, %s -> %s" % (s23, s21, s23), (2, 3), lambda v: v["a"] / v["c"]),
        ("%%t4 = nn.div %%b, %%a : %s, %s -> %s" % (s3, s23, s23), (2, 3), lambda v: v["b"] / v["a"]),
        ("%%t5 = nn.max %%a, %%b : %s, %s -> %s" % (s23, s3, s23), (2, 3), lambda v: np.maximum(v["a"], v["b"])),
        ("%%t6 = nn.min %%c, %%a : %s, %s -> %s" % (s21, s23, s23), (2, 3), lambda v: np.minimum(v["c"], v["a"])),
        ("""%%p7 = nn.pow %%c, %%b : %s, %s -> %s
            %%t7 = nn.mul %%p7, %%a : %s, %s -> %s""" % (s21, s3, s23, s23, s23, s23),
         (2, 3), lambda v: v["c"] ** v["b"] * v["a"]),
        ("%%t8 = nn.add %%x, %%b : tensor<?x3xf32>, %s -> tensor<?x3xf32>" % s3, (2, 3),
         lambda v: v["x"] + v["b"], "tensor<?x3xf32>"),
        ("%%t9 = nn.mul %%x, %%c : tensor<?x3xf32>, %s -> %s" % (s21, s23), (2, 3),
         lambda v: v["x"] * v["c"]),
    ])
    pos = "%%abs = nn.abs %%a : %s\n%%half = nn.constant dense<0.5> : tensor<f32>\n" \
          "%%u = nn.add %%abs, %%half : %s, tensor<f32> -> %s\n" % (s23, s23, s23)
    ops = [("neg", lambda a: -a), ("relu", lambda a: np.maximum(a, 0)),
           ("tanh", np.tanh), ("sigmoid", sigmoid), ("gelu", gelu), ("exp", np.exp),
           ("abs", np.abs), ("erf", erf)]
    terms = []
    for i, (op, fn) in enumerate(ops):
        terms.append(("%%t%d = nn.%s %%a : %s" % (i, op, s23), (2, 3),
                      lambda v, fn=fn: fn(v["a"])))
    pos_ops = [("log", np.log), ("sqrt", np.sqrt), ("rsqrt", lambda u: 1 / np.sqrt(u))]
    for j, (op, fn) in enumerate(pos_ops):
        i = len(ops) + j
        pre = pos.replace("%abs", "%%abs%d" % i).replace("%half", "%%half%d" % i) \
                 .replace("%u ", "%%u%d " % i)
        terms.append((pre + "%%t%d = nn.%s %%u%d : %s" % (i, op, i, s23), (2, 3),
                      lambda v, fn=fn: fn(np.abs(v["a"]) + 0.5)))
    unary_test = Test("fit_unary", [Arg("a", data((2, 3)))], terms=terms)
    where = Test("fit_where", [Arg("a", data((2, 3))), Arg("b", data((3,))),
                               Arg("r", data((2,)))], terms=[
        ("""%%zero0 = nn.constant dense<0.0> : tensor<f32>
            %%c0 = nn.compare gt, %%a, %%zero0 : %s, tensor<f32> -> tensor<2x3xi1>
            %%t0 = nn.where %%c0, %%a, %%b : tensor<2x3xi1>, %s, %s -> %s""" % (s23, s23, s3, s23),
         (2, 3), lambda v: np.where(v["a"] > 0, v["a"], v["b"])),
        ("%%t1 = nn.broadcast_to %%b, %%a : %s, %s -> %s" % (s3, s23, s23), (2, 3),
         lambda v: np.broadcast_to(v["b"], (2, 3))),
        ("%%t2 = nn.broadcast_to %%r, %%a axes = [1] : %s, %s -> %s" % (T((2,)), s23, s23),
         (2, 3), lambda v: np.broadcast_to(v["r"][:, None], (2, 3))),
    ])
    return [binary, unary_test, where]


def contraction_tests():
    mm = Test("fit_matmul", [
        Arg("a", data((2, 2, 3))), Arg("b", data((3, 4))), Arg("c", data((2, 3))),
        Arg("d", data((2, 3, 2))), Arg("e", data((1, 2, 3)))], terms=[
        ("%%t0 = nn.matmul %%a, %%b : %s, %s -> %s" % (T((2, 2, 3)), T((3, 4)), T((2, 2, 4))),
         (2, 2, 4), lambda v: v["a"] @ v["b"]),
        ("%%t1 = nn.matmul %%c, %%d : %s, %s -> %s" % (T((2, 3)), T((2, 3, 2)), T((2, 2, 2))),
         (2, 2, 2), lambda v: v["c"] @ v["d"]),
        ("%%t2 = nn.matmul %%e, %%d : %s, %s -> %s" % (T((1, 2, 3)), T((2, 3, 2)), T((2, 2, 2))),
         (2, 2, 2), lambda v: v["e"] @ v["d"]),
    ])
    dense = Test("fit_dense", [
        Arg("w", data((4, 3))), Arg("b", data((4,))), Arg("v", data((3,))),
        Arg("x", data((2, 3)), kind="input", dyn0=True),
        Arg("x3", data((2, 2, 3)), kind="input", dyn0=True)], terms=[
        ("%%t0 = nn.dense %%x, %%w, %%b : tensor<?x3xf32>, %s, %s -> tensor<?x4xf32>"
         % (T((4, 3)), T((4,))), (2, 4), lambda v: v["x"] @ v["w"].T + v["b"], "tensor<?x4xf32>"),
        ("%%t1 = nn.dense %%x3, %%w : tensor<?x2x3xf32>, %s -> tensor<?x2x4xf32>" % T((4, 3)),
         (2, 2, 4), lambda v: v["x3"] @ v["w"].T, "tensor<?x2x4xf32>"),
        ("%%t2 = nn.dense %%v, %%w, %%b : %s, %s, %s -> %s" % (T((3,)), T((4, 3)), T((4,)), T((4,))),
         (4,), lambda v: v["w"] @ v["v"] + v["b"]),
    ])
    s234 = T((2, 3, 4))
    red = Test("fit_reduce", [
        Arg("x", data((2, 3, 4))), Arg("p", data((3,))),
        Arg("z", data((2, 3)), kind="input", dyn0=True)], terms=[
        ("%%t0 = nn.reduce_sum %%x axes = [1] : %s -> %s" % (s234, T((2, 4))), (2, 4),
         lambda v: v["x"].sum(axis=1)),
        ("%%t1 = nn.reduce_mean %%x axes = [0, 2] {keepdims = true} : %s -> %s" % (s234, T((1, 3, 1))),
         (1, 3, 1), lambda v: v["x"].mean(axis=(0, 2), keepdims=True)),
        ("%%t2 = nn.reduce_max %%x axes = [2] : %s -> %s" % (s234, T((2, 3))), (2, 3),
         lambda v: v["x"].max(axis=2)),
        ("%%t3 = nn.reduce_min %%x axes = [0] {keepdims = true} : %s -> %s" % (s234, T((1, 3, 4))),
         (1, 3, 4), lambda v: v["x"].min(axis=0, keepdims=True)),
        ("""%%zp4 = nn.mul %%z, %%p : tensor<?x3xf32>, %s -> tensor<?x3xf32>
            %%t4 = nn.reduce_mean %%zp4 axes = [0] : tensor<?x3xf32> -> %s""" % (T((3,)), T((3,))),
         (3,), lambda v: (v["z"] * v["p"]).mean(axis=0)),
        ("%%t5 = nn.softmax %%x axis = 1 : %s" % s234, (2, 3, 4), lambda v: softmax(v["x"], 1)),
        ("%%t6 = nn.log_softmax %%x axis = 2 : %s" % s234, (2, 3, 4),
         lambda v: log_softmax(v["x"], 2)),
        ("""%%zp7 = nn.mul %%z, %%p : tensor<?x3xf32>, %s -> tensor<?x3xf32>
            %%t7 = nn.log_softmax %%zp7 axis = 0 : tensor<?x3xf32>""" % T((3,)),
         (2, 3), lambda v: log_softmax(v["z"] * v["p"], 0), "tensor<?x3xf32>"),
    ])
    shapes = Test("fit_shapes", [
        Arg("x", data((2, 3, 4))), Arg("q", data((4,))),
        Arg("z", data((2, 3, 4)), kind="input", dyn0=True)], terms=[
        ("%%t0 = nn.reshape %%x : %s -> %s" % (s234, T((6, 4))), (6, 4),
         lambda v: v["x"].reshape(6, 4)),
        ("%%t1 = nn.transpose %%x perm = [2, 0, 1] : %s -> %s" % (s234, T((4, 2, 3))),
         (4, 2, 3), lambda v: v["x"].transpose(2, 0, 1)),
        ("""%%zq2 = nn.mul %%z, %%q : tensor<?x3x4xf32>, %s -> tensor<?x3x4xf32>
            %%t2 = nn.reshape %%zq2 : tensor<?x3x4xf32> -> tensor<?x12xf32>""" % T((4,)),
         (2, 12), lambda v: (v["z"] * v["q"]).reshape(2, 12), "tensor<?x12xf32>"),
    ])
    return [mm, dense, red, shapes]


def ce_np(logits, labels):
    return float(-np.mean(log_softmax(logits, 1)[np.arange(len(labels)), labels]))


def bce_np(x, y):
    return float(np.mean(np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))))


def loss_tests():
    labels = np.array([2, 0, 3], dtype=np.int32)
    ce = Test("fit_cross_entropy", [
        Arg("w", data((4, 3))), Arg("b", data((4,))),
        Arg("x", data((3, 3)), kind="input", dyn0=True),
        Arg("y", labels, kind="input", dyn0=True, elem="i32")],
        body="""%%h = nn.dense %%x, %%w, %%b : tensor<?x3xf32>, %s, %s -> tensor<?x4xf32>
                %%loss = nn.cross_entropy %%h, %%y : tensor<?x4xf32>, tensor<?xi32> -> tensor<f32>"""
        % (T((4, 3)), T((4,))),
        loss_fn=lambda v: ce_np(v["x"] @ v["w"].T + v["b"], v["y"]))
    big = data((2, 5)) * 20  # large logits: the stable form matters
    ce64 = Test("fit_cross_entropy_i64", [
        Arg("l", big), Arg("y", np.array([4, 1], dtype=np.int64), kind="input", elem="i64")],
        body="%%loss = nn.cross_entropy %%l, %%y : %s, tensor<2xi64> -> tensor<f32>" % T((2, 5)),
        loss_fn=lambda v: ce_np(v["l"], v["y"]))
    mse = Test("fit_mse", [
        Arg("w", data((2, 3))), Arg("a", data((3, 2))), Arg("b", data((2,))),
        Arg("x", data((3, 3)), kind="input", dyn0=True),
        Arg("t", data((3, 2)), kind="input", dyn0=True)],
        body="""%%h = nn.dense %%x, %%w : tensor<?x3xf32>, %s -> tensor<?x2xf32>
                %%l0 = nn.mse %%h, %%t : tensor<?x2xf32>, tensor<?x2xf32> -> tensor<f32>
                %%l1 = nn.mse %%a, %%b : %s, %s -> tensor<f32>
                %%loss = nn.add %%l0, %%l1 : tensor<f32>, tensor<f32> -> tensor<f32>"""
        % (T((2, 3)), T((3, 2)), T((2,))),
        loss_fn=lambda v: float(np.mean((v["x"] @ v["w"].T - v["t"]) ** 2)
                                + np.mean((v["a"] - v["b"]) ** 2)))
    bce = Test("fit_bce_with_logits", [
        Arg("x", data((3, 2)) * 8), Arg("y", data((2,), 0, 1)),
        Arg("t", data((3, 2), 0, 1), kind="input", dyn0=True)],
        body="""%%l0 = nn.bce_with_logits %%x, %%y : %s, %s -> tensor<f32>
                %%l1 = nn.bce_with_logits %%x, %%t : %s, tensor<?x2xf32> -> tensor<f32>
                %%loss = nn.add %%l0, %%l1 : tensor<f32>, tensor<f32> -> tensor<f32>"""
        % (T((3, 2)), T((2,)), T((3, 2))),
        loss_fn=lambda v: bce_np(v["x"], v["y"]) + bce_np(v["x"], v["t"]))
    return [ce, ce64, mse, bce]


STEP_RUN = """// RUN: deepc-opt %s -split-input-file --deepc-promote-f64 --deepc-autodiff > %t
// RUN: %python %S/../Inputs/join-split.py %t | deepc-opt --deepc-pipeline \\
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \\
// RUN: | FileCheck %s
"""


def torch_step(opt, params, grads, state, step, lr, unused):
    """One torch.optim step (docs/TRAINING.md section 2), in float64.
    Returns the new parameters, the new state (per parameter, in order) and
    the new step count."""
    grads = [np.array(g) for g in grads]
    if opt.get("clip_norm") is not None:
        total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
        coef = min(opt["clip_norm"] / (total + 1e-6), 1.0)
        grads = [g * coef for g in grads]
    new_params, new_state = [], []
    kind = opt["optimizer"]
    t = step + 1 if kind != "sgd" else step
    for i, (p, g) in enumerate(zip(params, grads)):
        st = [np.array(x) for x in state[i]]
        if i in unused:
            new_params.append(p)
            new_state.append(st)
            continue
        wd = opt.get("weight_decay", 0.0)
        if kind == "sgd":
            if wd:
                g = g + wd * p
            mom = opt.get("momentum", 0.0)
            if mom:
                st[0] = mom * st[0] + g
                g = g + mom * st[0] if opt.get("nesterov") else st[0]
            new_params.append(p - lr * g)
        else:
            b1, b2, eps = opt["beta1"], opt["beta2"], opt["eps"]
            if kind == "adamw":
                p = p * (1 - lr * wd)
            elif wd:
                g = g + wd * p
            st[0] = b1 * st[0] + (1 - b1) * g
            st[1] = b2 * st[1] + (1 - b2) * g * g
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            denom = np.sqrt(st[1]) / np.sqrt(bc2) + eps
            new_params.append(p - (lr / bc1) * st[0] / denom)
        new_state.append(st)
    return new_params, new_state, t


def train_attr(opt):
    items = []
    for k, v in opt.items():
        if isinstance(v, bool):
            items.append("%s = %s" % (k, "true" if v else "false"))
        elif isinstance(v, str):
            items.append('%s = "%s"' % (k, v))
        else:
            items.append("%s = %.17e : f64" % (k, float(v)))
    return "{" + ", ".join(items) + "}"


STEP_F32_RUN = """// RUN: deepc-opt %s -split-input-file --deepc-autodiff > %t
// RUN: %python %S/../Inputs/join-split.py %t | deepc-opt --deepc-pipeline \\
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \\
// RUN: | FileCheck %s
"""


def write_step_tests(path, title, cases, f32=False):
    """cases: (test, opt, lr, step, unused parameter indices, extra result
    numpy functions)."""
    tests, calls, expected = [], [], []
    for test, opt, lr, step, unused, extra_fns in cases:
        test.train = train_attr(opt)
        loss, grads = fd_grads(test)
        params = [np.array(p.value, dtype=np.float64) for p in test.params()]
        kinds = {"sgd": ["momentum_buffer"] if opt.get("momentum") else []}.get(
            opt["optimizer"], ["exp_avg", "exp_avg_sq"])
        state = []
        for p in params:
            st = [data(p.shape) for _ in kinds]
            if "exp_avg_sq" in kinds:
                st[1] = np.abs(st[1])
            state.append(st)
        new_params, new_state, t = torch_step(opt, params, grads, state, step, lr, unused)
        extra = []
        for p, st in zip(test.params(), state):
            for k, v in zip(kinds, st):
                extra.append(("%s_%s" % (p.name, k), v))
        if opt["optimizer"] != "sgd":
            extra.append(("step", np.array(float(step))))
        extra.append(("lr", np.array(lr)))
        values = {a.name: a.value for a in test.args}
        results = [("loss", (), False)]
        out = [loss]
        for (name, ttext, _), fn in zip(test.extra_results, extra_fns):
            v = fn(values)
            results.append((name.strip("%"), v.shape, "?" in ttext))
            out.append(v)
        for p, v in zip(test.params(), new_params):
            results.append(("new_" + p.name, p.value.shape, p.dyn0))
            out.append(v)
        for p, st in zip(test.params(), new_state):
            for k, v in zip(kinds, st):
                results.append(("new_%s_%s" % (p.name, k), p.value.shape, False))
                out.append(v)
        if opt["optimizer"] != "sgd":
            results.append(("new_step", (), False))
            out.append(np.array(float(t)))
        tests.append(test)
        calls.append((extra, results))
        expected.append(out)
    header = (STEP_F32_RUN if f32 else STEP_RUN) + "\n// " + title + "\n// Generated by ../Inputs/autodiff_run.py: " \
        "the gradients are fourth-order central\n// finite differences of a NumPy " \
        "transcription of each loss (float64), the\n// update torch.optim's formulas " \
        "applied to them by hand.\n"
    write(path, header, tests, calls, expected)


def mlp_test(name):
    labels = np.array([1, 3, 0], dtype=np.int32)
    return Test(name, [
        Arg("x", data((3, 3)), kind="input", dyn0=True),
        Arg("y", labels, kind="input", dyn0=True, elem="i32"),
        Arg("w", data((4, 3))), Arg("b", data((4,))), Arg("u", data((2,)))],
        body="""%%h = nn.dense %%x, %%w, %%b : tensor<?x3xf32>, %s, %s -> tensor<?x4xf32>
                %%r = nn.relu %%h : tensor<?x4xf32>
                %%loss = nn.cross_entropy %%r, %%y : tensor<?x4xf32>, tensor<?xi32> -> tensor<f32>"""
        % (T((4, 3)), T((4,))),
        loss_fn=lambda v: ce_np(np.maximum(v["x"] @ v["w"].T + v["b"], 0), v["y"]),
        extra_results=[("%r", "tensor<?x4xf32>", 'nn.logits_of = "y"')])


def step_cases():
    relu_logits = [lambda v: np.maximum(v["x"] @ v["w"].T + v["b"], 0)]
    cases = [
        (mlp_test("fit_sgd_momentum"),
         {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "nesterov": False,
          "weight_decay": 0.0}, 0.1, 0, [2], relu_logits),
        (mlp_test("fit_sgd_nesterov_clip"),
         {"optimizer": "sgd", "lr": 0.05, "momentum": 0.5, "nesterov": True,
          "weight_decay": 0.01, "clip_norm": 0.25}, 0.05, 0, [2], relu_logits),
        (mlp_test("fit_sgd_plain"),
         {"optimizer": "sgd", "lr": 0.1, "momentum": 0.0, "nesterov": False,
          "weight_decay": 0.0}, 0.2, 0, [2], relu_logits),
    ]
    adam = []
    for name, opt in [("fit_adam", {"optimizer": "adam", "lr": 0.001, "beta1": 0.9,
                                    "beta2": 0.999, "eps": 1e-8}),
                      ("fit_adamw", {"optimizer": "adamw", "lr": 0.01, "beta1": 0.8,
                                     "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1,
                                     "clip_norm": 1.0})]:
        adam.append((mlp_test(name), opt, opt["lr"], 2, [2], relu_logits))
    return cases, adam


def reseed(seed):
    global RNG
    RNG = np.random.default_rng(seed)


if __name__ == "__main__":
    out = sys.argv[1]
    reseed(1)
    write_grad_tests(os.path.join(out, "grad-elementwise.mlir"),
                     "Gradients of the elementwise ops, with broadcasting.",
                     elementwise_tests())
    reseed(2)
    write_grad_tests(os.path.join(out, "grad-contractions.mlir"),
                     "Gradients of matmul, dense, reductions, softmax and shapes.",
                     contraction_tests())
    reseed(3)
    write_grad_tests(os.path.join(out, "grad-losses.mlir"),
                     "Gradients of cross_entropy, mse and bce_with_logits.",
                     loss_tests())
    reseed(4)
    sgd, adam = step_cases()
    write_step_tests(os.path.join(out, "step-sgd.mlir"),
                     "One SGD step: momentum, nesterov, weight decay, clip_norm, "
                     "an unused parameter.", sgd)
    write_step_tests(os.path.join(out, "step-adam.mlir"),
                     "One Adam and one AdamW step at step count 2 (bias "
                     "corrections of step 3),\n// with an unused parameter.", adam)
    # The same steps in f32, as the driver runs them: printed values may be
    # off by f32 rounding.
    MAIN_FLOAT, TOL = "f32", 3e-6
    reseed(5)
    sgd, adam = step_cases()
    write_step_tests(os.path.join(out, "step-f32.mlir"),
                     "SGD with momentum and Adam steps in f32, within 3e-6 "
                     "relative (f32 rounding).", [sgd[0], adam[0]], f32=True)
