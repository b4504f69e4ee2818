//===- OpTable.cpp - One entry per ONNX op type ---------------------------===//
//
// Each entry turns one node into at most one `.nn` statement (docs/IMPORT.md
// lists them), or folds it when its inputs are known constants: the shape
// arithmetic of an export (Shape, Gather, Unsqueeze, Concat feeding a
// Reshape) never reaches the `.nn` text.
//
//===----------------------------------------------------------------------===//
#include "importer/Emitter.h"
#include "importer/Import.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

namespace deepc::importer {

using Node = onnx::NodeProto;

namespace {

#define TRY(var, expr)                                                         \
  auto var##OrErr = (expr);                                                    \
  if (!var##OrErr)                                                             \
    return var##OrErr.takeError();                                             \
  auto &var = *var##OrErr;

/// A tensor input: null and an error when missing or a constant where a
/// tensor is needed.
llvm::Expected<Value *> tensorInput(Emitter &e, unsigned k) {
  Value *v = e.input(k);
  if (!v)
    return e.unsupported("input " + llvm::Twine(k) + " is missing");
  return v;
}

std::string joinInts(llvm::ArrayRef<int64_t> v) {
  std::string s;
  for (int64_t x : v)
    s += (s.empty() ? "" : ", ") + std::to_string(x);
  return s;
}

/// "3" for a square pair, "(3, 5)" otherwise.
std::string pair(int64_t h, int64_t w) {
  return h == w ? std::to_string(h)
                : "(" + std::to_string(h) + ", " + std::to_string(w) + ")";
}

bool normalizeAxis(int64_t &axis, size_t rank) {
  if (axis < 0)
    axis += int64_t(rank);
  return axis >= 0 && axis < int64_t(rank);
}

int64_t mulDims(int64_t a, int64_t b) {
  if (a == kUnknown || b == kUnknown || a == kN || b == kN)
    return kUnknown;
  return a * b;
}

/// Numpy broadcasting of two shapes.
std::vector<int64_t> broadcast(llvm::ArrayRef<int64_t> a,
                               llvm::ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t k = 0; k < rank; ++k) {
    int64_t x = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
    int64_t y = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
    out[k] = x == 1 ? y : y == 1 ? x : x == kUnknown ? y : x;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// Reshapes tensor or constant `x` (the node's input 0) to `target` (ONNX
/// entries: sizes, kN, -1, and 0 for "as the input" unless allowZero).
llvm::Error reshapeTo(Emitter &e, Value *x, std::vector<int64_t> target,
                      bool allowZero = false) {
  int minusOne = -1;
  for (size_t k = 0; k < target.size(); ++k) {
    int64_t &t = target[k];
    if (t == 0 && !allowZero) {
      if (k >= x->shape.size())
        return e.unsupported("reshape entry 0 past the input's rank");
      t = x->shape[k];
    }
    if (t == kUnknown)
      return e.unsupported("a reshape to " + formatDims(target) +
                           ": its target is not known statically");
    // An export with a static batch reshapes to that size: it is N.
    if (k == 0 && e.staticBatch > 0 && t == e.staticBatch &&
        !x->shape.empty() && x->shape[0] == kN)
      t = kN;
    if (t == -1) {
      if (minusOne >= 0)
        return e.unsupported("a reshape with two -1 entries");
      minusOne = int(k);
    } else if (t < 0 && t != kN) {
      return e.unsupported("a reshape to " + formatDims(target));
    }
  }
  if (x->cst) {
    Const c = *x->cst;
    if (minusOne >= 0 || llvm::is_contained(target, kN))
      return e.unsupported("a reshape of a constant to a dynamic shape");
    c.shape = target;
    c.initializer.clear();
    e.setConst(0, std::move(c));
    return llvm::Error::success();
  }
  // The output shape: -1 from the element counts.
  int64_t inStatic = 1, outStatic = 1, inN = 0, outN = 0;
  bool inUnknown = false;
  for (int64_t d : x->shape) {
    if (d == kN)
      ++inN;
    else if (d == kUnknown)
      inUnknown = true;
    else
      inStatic *= d;
  }
  for (int64_t t : target) {
    if (t == kN)
      ++outN;
    else if (t != -1)
      outStatic *= t;
  }
  std::vector<int64_t> shape = target;
  if (minusOne >= 0) {
    if (inUnknown || outStatic == 0)
      shape[minusOne] = kUnknown;
    else if (inN == outN)
      shape[minusOne] = inStatic / outStatic;
    else if (inN == outN + 1 && inStatic == outStatic)
      shape[minusOne] = kN;
    else
      shape[minusOne] = kUnknown;
  }
  if (shape == x->shape) {
    e.alias(0, *x);
    return llvm::Error::success();
  }
  std::string list;
  for (int64_t t : target)
    list += (list.empty() ? "" : ", ") +
            (t == kN ? std::string("N") : std::to_string(t));
  e.bind(0, "reshape(" + x->ref + ", [" + list + "])", shape, x->dtype);
  return llvm::Error::success();
}

llvm::Error reshape(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(shape, e.constInput(1, "shape"));
  if (shape->isFloat)
    return e.unsupported("a float shape");
  return reshapeTo(e, x, shape->i, a.i("allowzero", 0) != 0);
}

llvm::Error flatten(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  int64_t axis = a.i("axis", 1);
  if (!normalizeAxis(axis, x->shape.size() + 1))
    return e.unsupported("axis out of range");
  int64_t outer = 1, inner = 1;
  for (size_t k = 0; k < x->shape.size(); ++k)
    (int64_t(k) < axis ? outer : inner) =
        mulDims(int64_t(k) < axis ? outer : inner, x->shape[k]);
  if (axis == 1 && !x->cst && x->shape.size() >= 2 && x->shape[0] == kN &&
      inner != kUnknown) {
    e.bind(0, "flatten(" + x->ref + ")", {kN, inner}, x->dtype);
    return llvm::Error::success();
  }
  if (axis == 1 && !x->shape.empty() && x->shape[0] == kN)
    return reshapeTo(e, x, {kN, -1});
  return reshapeTo(e, x, {outer, inner});
}

std::vector<int64_t> axesOf(Emitter &e, Attrs &a, unsigned inputIndex) {
  if (a.has("axes"))
    return a.ints("axes");
  if (Value *v = e.input(inputIndex))
    if (v->cst && !v->cst->isFloat)
      return v->cst->i;
  return {};
}

llvm::Error unsqueeze(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  std::vector<int64_t> axes = axesOf(e, a, 1);
  size_t rank = x->shape.size() + axes.size();
  for (int64_t &axis : axes)
    if (!normalizeAxis(axis, rank))
      return e.unsupported("axis out of range");
  std::vector<int64_t> shape;
  for (size_t k = 0, src = 0; k < rank; ++k)
    shape.push_back(llvm::is_contained(axes, int64_t(k)) ? 1 : x->shape[src++]);
  if (x->cst) {
    Const c = *x->cst;
    c.shape = shape;
    c.initializer.clear();
    e.setConst(0, std::move(c));
    return llvm::Error::success();
  }
  return reshapeTo(e, x, shape, /*allowZero=*/true);
}

llvm::Error squeeze(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  std::vector<int64_t> axes = axesOf(e, a, 1);
  for (int64_t &axis : axes)
    if (!normalizeAxis(axis, x->shape.size()))
      return e.unsupported("axis out of range");
  std::vector<int64_t> shape;
  for (size_t k = 0; k < x->shape.size(); ++k) {
    bool drop =
        axes.empty() ? x->shape[k] == 1 : llvm::is_contained(axes, int64_t(k));
    if (drop && x->shape[k] != 1)
      return e.unsupported("squeezes a dimension that is not 1");
    if (!drop)
      shape.push_back(x->shape[k]);
  }
  if (x->cst) {
    Const c = *x->cst;
    c.shape = shape;
    c.initializer.clear();
    e.setConst(0, std::move(c));
    return llvm::Error::success();
  }
  return reshapeTo(e, x, shape, /*allowZero=*/true);
}

//===----------------------------------------------------------------------===//
// Constants and shape arithmetic
//===----------------------------------------------------------------------===//

llvm::Error constant(Emitter &e, const Node &, Attrs &a) {
  Const c;
  if (const onnx::TensorProto *t = a.t("value")) {
    auto read = readTensor(*t);
    if (!read)
      return e.unsupported(toString(read.takeError()));
    c = std::move(*read);
  } else if (a.has("value_float")) {
    c.f = {a.f("value_float", 0)};
  } else if (a.has("value_floats")) {
    return e.unsupported("value_floats is not supported");
  } else if (a.has("value_int")) {
    c.isFloat = false;
    c.i = {a.i("value_int", 0)};
  } else if (a.has("value_ints")) {
    c.isFloat = false;
    c.i = a.ints("value_ints");
    c.shape = {int64_t(c.i.size())};
  } else {
    return e.unsupported("a Constant without a value");
  }
  e.setConst(0, std::move(c));
  return llvm::Error::success();
}

llvm::Error shapeOp(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  int64_t rank = int64_t(x->shape.size());
  int64_t start = a.i("start", 0), end = a.i("end", rank);
  start = std::clamp(start < 0 ? start + rank : start, int64_t(0), rank);
  end = std::clamp(end < 0 ? end + rank : end, int64_t(0), rank);
  Const c;
  c.isFloat = false;
  for (int64_t k = start; k < end; ++k)
    c.i.push_back(x->shape[k]);
  c.shape = {int64_t(c.i.size())};
  e.setConst(0, std::move(c));
  return llvm::Error::success();
}

llvm::Error embedding(Emitter &e, const Node &n, const Const &w, Value *ids) {
  if (w.shape.size() != 2 || !w.isFloat)
    return e.unsupported("a Gather of a tensor that is not a [vocab, dim] "
                         "float initializer (an embedding)");
  std::string name =
      e.layerBinding(w.initializer.empty() ? n.input(0) : w.initializer);
  e.addWeight(name + ".weight",
              w.initializer.empty() ? n.input(0) : w.initializer, w.shape, w.f);
  std::vector<int64_t> shape = ids->shape;
  shape.push_back(w.shape[1]);
  e.bind(0,
         llvm::formatv("embedding({0}, {1}, {2})", ids->ref, w.shape[0],
                       w.shape[1])
             .str(),
         shape, "f32", name);
  return llvm::Error::success();
}

llvm::Error gather(Emitter &e, const Node &n, Attrs &a) {
  TRY(data, tensorInput(e, 0));
  TRY(idx, tensorInput(e, 1));
  int64_t axis = a.i("axis", 0);
  if (data->cst && !idx->cst) {
    if (axis != 0)
      return e.unsupported("an embedding Gather on an axis other than 0");
    return embedding(e, n, *data->cst, idx);
  }
  if (!data->cst || !idx->cst || data->cst->isFloat ||
      data->cst->shape.size() != 1 || idx->cst->isFloat)
    return e.unsupported("only Gather of an embedding table or of shape "
                         "values is supported");
  Const c;
  c.isFloat = false;
  c.shape = idx->cst->shape;
  int64_t size = int64_t(data->cst->i.size());
  for (int64_t k : idx->cst->i) {
    if (k < 0)
      k += size;
    if (k < 0 || k >= size)
      return e.unsupported("index out of range");
    c.i.push_back(data->cst->i[k]);
  }
  e.setConst(0, std::move(c));
  return llvm::Error::success();
}

llvm::Error concat(Emitter &e, const Node &n, Attrs &a) {
  int64_t axis = a.i("axis", 0);
  bool allConst = true;
  for (int k = 0; k < n.input_size(); ++k) {
    Value *v = e.input(k);
    if (!v)
      return e.unsupported("an input is missing");
    allConst &= v->cst.has_value() && v->ref.empty();
  }
  if (allConst) {
    Const c;
    c.isFloat = e.input(0)->cst->isFloat;
    for (int k = 0; k < n.input_size(); ++k) {
      const Const &in = *e.input(k)->cst;
      if (in.shape.size() != 1 || in.isFloat != c.isFloat)
        return e.unsupported("a Concat of constants that are not vectors");
      c.i.insert(c.i.end(), in.i.begin(), in.i.end());
      c.f.insert(c.f.end(), in.f.begin(), in.f.end());
    }
    c.shape = {c.numel()};
    e.setConst(0, std::move(c));
    return llvm::Error::success();
  }
  std::vector<int64_t> shape = e.input(0)->shape;
  if (!normalizeAxis(axis, shape.size()))
    return e.unsupported("axis out of range");
  std::string args;
  int64_t total = 0;
  for (int k = 0; k < n.input_size(); ++k) {
    TRY(ref, e.operand(k));
    args += ref + ", ";
    int64_t d = e.input(k)->shape[axis];
    total = d < 0 || total < 0 ? kUnknown : total + d;
  }
  shape[axis] = total;
  e.bind(0, "concat(" + args + "axis = " + std::to_string(axis) + ")", shape,
         e.input(0)->dtype);
  return llvm::Error::success();
}

llvm::Error cast(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  int64_t to = a.i("to", 0);
  bool toFloat =
      to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE;
  bool toInt = to == onnx::TensorProto::INT64 || to == onnx::TensorProto::INT32;
  if (x->cst && x->ref.empty() && (toFloat || toInt)) {
    Const c = *x->cst;
    c.initializer.clear();
    if (toFloat && !c.isFloat) {
      for (int64_t v : c.i)
        if (v == kN || v == kUnknown)
          return e.unsupported("a Cast of the batch size to float");
      c.f.assign(c.i.begin(), c.i.end());
      c.i.clear();
    } else if (toInt && c.isFloat) {
      for (double v : c.f)
        c.i.push_back(int64_t(std::trunc(v)));
      c.f.clear();
    }
    c.isFloat = toFloat;
    e.setConst(0, std::move(c));
    return llvm::Error::success();
  }
  if ((toFloat && x->dtype == "f32") ||
      (to == onnx::TensorProto::INT64 && x->dtype == "i64") ||
      (to == onnx::TensorProto::BOOL && x->dtype == "bool")) {
    e.alias(0, *x);
    return llvm::Error::success();
  }
  return e.unsupported(
      "a Cast of a " + x->dtype + " tensor to " +
      onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(to)));
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

llvm::Error identity(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  if (n.op_type() == "Dropout") {
    a.i("seed", 0);
    if (Value *mode = e.input(2))
      if (!mode->cst || mode->cst->numel() != 1 ||
          (mode->cst->isFloat ? mode->cst->f[0] != 0 : mode->cst->i[0] != 0))
        return e.unsupported("Dropout in training mode");
    if (n.output_size() > 1 && !n.output(1).empty())
      return e.unsupported("Dropout's mask output");
  }
  e.alias(0, *x);
  return llvm::Error::success();
}

llvm::Error pad(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(pads, e.constInput(1, "pads"));
  std::string mode = a.s("mode", "constant");
  if (pads->isFloat || llvm::any_of(pads->i, [](int64_t p) { return p != 0; }))
    return e.unsupported("Pad with non-zero pads (" + mode +
                         " mode) is not supported");
  e.alias(0, *x);
  return llvm::Error::success();
}

llvm::Error unary(Emitter &e, const Node &n, Attrs &) {
  TRY(x, tensorInput(e, 0));
  if (x->cst)
    return e.unsupported("an op on a constant");
  static const std::pair<const char *, const char *> names[] = {
      {"Relu", "relu"}, {"Tanh", "tanh"}, {"Sigmoid", "sigmoid"},
      {"Sqrt", "sqrt"}, {"Exp", "exp"},   {"Log", "log"},
      {"Abs", "abs"},   {"Neg", "neg"}};
  for (const auto &[onnxName, nnName] : names)
    if (n.op_type() == onnxName) {
      e.bind(0, std::string(nnName) + "(" + x->ref + ")", x->shape, x->dtype);
      return llvm::Error::success();
    }
  return e.unsupported("op not supported");
}

/// Folds integer arithmetic on shape values (both operands constants).
llvm::Error foldBinary(Emitter &e, const Node &n, const Const &a,
                       const Const &b) {
  if (a.isFloat != b.isFloat ||
      (a.numel() != b.numel() && a.numel() != 1 && b.numel() != 1))
    return e.unsupported("arithmetic on constants of different types or "
                         "sizes");
  Const c = a.numel() >= b.numel() ? a : b;
  c.initializer.clear();
  const std::string &op = n.op_type();
  for (int64_t k = 0; k < c.numel(); ++k) {
    int64_t ka = a.numel() == 1 ? 0 : k, kb = b.numel() == 1 ? 0 : k;
    if (c.isFloat) {
      double x = a.f[ka], y = b.f[kb];
      c.f[k] = op == "Add"   ? x + y
               : op == "Sub" ? x - y
               : op == "Mul" ? x * y
                             : x / y;
      continue;
    }
    int64_t x = a.i[ka], y = b.i[kb];
    if (x == kN || y == kN || x == kUnknown || y == kUnknown) {
      c.i[k] = kUnknown;
      continue;
    }
    if (op == "Div" && y == 0)
      return e.unsupported("integer division by zero");
    c.i[k] = op == "Add"   ? x + y
             : op == "Sub" ? x - y
             : op == "Mul" ? x * y
                           : x / y;
  }
  e.setConst(0, std::move(c));
  return llvm::Error::success();
}

llvm::Error binary(Emitter &e, const Node &n, Attrs &) {
  TRY(x, tensorInput(e, 0));
  TRY(y, tensorInput(e, 1));
  if (x->cst && y->cst && x->ref.empty() && y->ref.empty())
    return foldBinary(e, n, *x->cst, *y->cst);
  static const std::pair<const char *, const char *> ops[] = {
      {"Add", " + "},     {"Sub", " - "},          {"Mul", " * "},
      {"Div", " / "},     {"Equal", " == "},       {"Less", " < "},
      {"Greater", " > "}, {"LessOrEqual", " <= "}, {"GreaterOrEqual", " >= "}};
  const char *op = nullptr;
  for (const auto &[onnxName, nnOp] : ops)
    if (n.op_type() == onnxName)
      op = nnOp;
  if (!op)
    return e.unsupported("op not supported");
  TRY(a, e.operand(0));
  TRY(b, e.operand(1));
  bool compare = n.op_type() != "Add" && n.op_type() != "Sub" &&
                 n.op_type() != "Mul" && n.op_type() != "Div";
  const std::string &dtype = x->cst ? y->dtype : x->dtype;
  e.bind(0, a + op + b, broadcast(x->shape, y->shape),
         compare ? "bool" : dtype);
  return llvm::Error::success();
}

llvm::Error powOp(Emitter &e, const Node &, Attrs &) {
  TRY(x, tensorInput(e, 0));
  TRY(p, e.constInput(1, "exponent"));
  if (p->numel() != 1)
    return e.unsupported("an exponent that is not one number");
  TRY(lit, e.operand(1));
  e.bind(0, "pow(" + x->ref + ", " + lit + ")", x->shape, x->dtype);
  return llvm::Error::success();
}

llvm::Error where(Emitter &e, const Node &, Attrs &) {
  TRY(c, tensorInput(e, 0));
  TRY(x, tensorInput(e, 1));
  TRY(y, tensorInput(e, 2));
  TRY(cs, e.operand(0));
  TRY(xs, e.operand(1));
  TRY(ys, e.operand(2));
  e.bind(0, "where(" + cs + ", " + xs + ", " + ys + ")",
         broadcast(c->shape, broadcast(x->shape, y->shape)),
         x->cst ? y->dtype : x->dtype);
  return llvm::Error::success();
}

llvm::Error softmax(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  int64_t axis = a.i("axis", -1);
  if (!normalizeAxis(axis, x->shape.size()))
    return e.unsupported("axis out of range");
  e.bind(0,
         (n.op_type() == "Softmax" ? "softmax(" : "log_softmax(") + x->ref +
             ", " + std::to_string(axis) + ")",
         x->shape, x->dtype);
  return llvm::Error::success();
}

llvm::Error transpose(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  size_t rank = x->shape.size();
  std::vector<int64_t> perm = a.ints("perm");
  if (perm.empty())
    for (size_t k = 0; k < rank; ++k)
      perm.push_back(int64_t(rank - 1 - k));
  if (perm.size() != rank)
    return e.unsupported("perm of the wrong length");
  std::vector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= int64_t(rank))
      return e.unsupported("perm out of range");
    shape.push_back(x->shape[p]);
  }
  e.bind(0, "transpose(" + x->ref + ", [" + joinInts(perm) + "])", shape,
         x->dtype);
  return llvm::Error::success();
}

llvm::Error reduceMean(Emitter &e, const Node &, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  std::vector<int64_t> axes = axesOf(e, a, 1);
  bool keep = a.i("keepdims", 1) != 0;
  a.i("noop_with_empty_axes", 0);
  size_t rank = x->shape.size();
  if (axes.empty())
    for (size_t k = 0; k < rank; ++k)
      axes.push_back(int64_t(k));
  for (int64_t &axis : axes)
    if (!normalizeAxis(axis, rank))
      return e.unsupported("axis out of range");
  llvm::sort(axes);
  std::vector<int64_t> shape;
  for (size_t k = 0; k < rank; ++k)
    if (!llvm::is_contained(axes, int64_t(k)))
      shape.push_back(x->shape[k]);
    else if (keep)
      shape.push_back(1);
  std::string list =
      axes.size() == 1 ? std::to_string(axes[0]) : "(" + joinInts(axes) + ")";
  e.bind(0,
         "mean(" + x->ref + ", axis = " + list +
             ", keepdims = " + (keep ? "true" : "false") + ")",
         shape, x->dtype);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// The ONNX name of constant input `k` (its initializer, or the value).
std::string constName(const Node &n, const Const &c, unsigned k) {
  return c.initializer.empty() ? n.input(int(k)) : c.initializer;
}

/// A parameter of `size` from optional constant input `k`, or `fill`.
llvm::Error vectorParam(Emitter &e, const Node &n, unsigned k, int64_t size,
                        double fill, const std::string &nnName) {
  Value *v = e.input(k);
  if (!v) {
    e.addWeight(nnName, nnName, {size}, std::vector<double>(size, fill));
    return llvm::Error::success();
  }
  if (!v->cst || !v->cst->isFloat || v->cst->numel() != size)
    return e.unsupported(llvm::formatv("input {0} must be a float constant "
                                       "of {1} elements",
                                       k, size)
                             .str());
  e.addWeight(nnName, constName(n, *v->cst, k), {size}, v->cst->f);
  return llvm::Error::success();
}

llvm::Error conv(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(w, e.constInput(1, "weight"));
  if (w->shape.size() != 4 || x->shape.size() != 4)
    return e.unsupported("only 2-D convolutions (NCHW) are supported");
  std::string autoPad = a.s("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID")
    return e.unsupported("auto_pad " + autoPad + " is not supported");
  std::vector<int64_t> kernel =
      a.ints("kernel_shape", {w->shape[2], w->shape[3]});
  std::vector<int64_t> strides = a.ints("strides", {1, 1});
  std::vector<int64_t> dil = a.ints("dilations", {1, 1});
  std::vector<int64_t> pads = a.ints("pads", {0, 0, 0, 0});
  int64_t groups = a.i("group", 1);
  if (kernel.size() != 2 || strides.size() != 2 || dil.size() != 2 ||
      pads.size() != 4 || kernel[0] != w->shape[2] || kernel[1] != w->shape[3])
    return e.unsupported("inconsistent kernel_shape, strides, dilations or "
                         "pads");
  if (autoPad == "VALID")
    pads = {0, 0, 0, 0};
  if (pads[0] != pads[2] || pads[1] != pads[3])
    return e.unsupported("asymmetric padding " + formatDims(pads) +
                         " is not supported");
  int64_t filters = w->shape[0], c = x->shape[1];
  if (groups <= 0 || c == kUnknown || c != w->shape[1] * groups ||
      filters % groups)
    return e.unsupported("the weight " + formatDims(w->shape) +
                         " does not fit the input " + formatDims(x->shape));
  std::string name = e.layerBinding(constName(n, *w, 1));
  std::string expr = llvm::formatv("conv2d({0}, {1}, {2}", x->ref, filters,
                                   pair(kernel[0], kernel[1]))
                         .str();
  if (strides[0] != 1 || strides[1] != 1)
    expr += ", stride = " + pair(strides[0], strides[1]);
  if (pads[0] || pads[1])
    expr += ", padding = " + pair(pads[0], pads[1]);
  if (dil[0] != 1 || dil[1] != 1)
    expr += ", dilation = " + pair(dil[0], dil[1]);
  if (groups != 1)
    expr += ", groups = " + std::to_string(groups);
  std::vector<int64_t> shape = {x->shape[0], filters, 0, 0};
  for (int k = 0; k < 2; ++k) {
    int64_t in = x->shape[2 + k];
    shape[2 + k] = in < 0 ? kUnknown
                          : (in + 2 * pads[k] - dil[k] * (kernel[k] - 1) - 1) /
                                    strides[k] +
                                1;
    if (in >= 0 && shape[2 + k] <= 0)
      return e.unsupported("the output would be empty");
  }
  e.addWeight(name + ".weight", constName(n, *w, 1), w->shape, w->f);
  if (llvm::Error err = vectorParam(e, n, 2, filters, 0.0, name + ".bias"))
    return err;
  e.bind(0, expr + ")", shape, "f32", name);
  return llvm::Error::success();
}

llvm::Error batchNorm(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(scale, e.constInput(1, "scale"));
  if (a.i("training_mode", 0) != 0)
    return e.unsupported("BatchNormalization in training mode (export in "
                         "eval mode)");
  for (int k = 1; k < n.output_size(); ++k)
    if (!n.output(k).empty())
      return e.unsupported("BatchNormalization's running-statistics outputs");
  if (x->shape.size() < 2 || x->shape.size() > 4 || x->shape[1] < 0)
    return e.unsupported("an input of shape " + formatDims(x->shape));
  int64_t c = x->shape[1];
  double eps = a.f("epsilon", 1e-5), momentum = 1.0 - a.f("momentum", 0.9);
  std::string name = e.layerBinding(constName(n, *scale, 1));
  static const char *const params[] = {"weight", "bias", "running_mean",
                                       "running_var"};
  for (unsigned k = 1; k <= 4; ++k) {
    if (!e.input(k))
      return e.unsupported("input " + std::to_string(k) + " is missing");
    if (llvm::Error err =
            vectorParam(e, n, k, c, 0.0, name + "." + params[k - 1]))
      return err;
  }
  std::string expr = "batchnorm(" + x->ref;
  if (std::fabs(momentum - 0.1) > 1e-6)
    expr += ", momentum = " + formatFloat(momentum);
  if (std::fabs(eps - 1e-5) > 1e-9)
    expr += ", eps = " + formatFloat(eps);
  e.bind(0, expr + ")", x->shape, "f32", name);
  return llvm::Error::success();
}

llvm::Error layerNorm(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(scale, e.constInput(1, "scale"));
  int64_t axis = a.i("axis", -1);
  a.i("stash_type", 1);
  if (!normalizeAxis(axis, x->shape.size()) ||
      axis != int64_t(x->shape.size()) - 1)
    return e.unsupported("only a normalization over the last dimension is "
                         "supported");
  for (int k = 1; k < n.output_size(); ++k)
    if (!n.output(k).empty())
      return e.unsupported("LayerNormalization's Mean and InvStdDev outputs");
  int64_t d = x->shape.back();
  std::string name = e.layerBinding(constName(n, *scale, 1));
  if (llvm::Error err = vectorParam(e, n, 1, d, 1.0, name + ".weight"))
    return err;
  if (llvm::Error err = vectorParam(e, n, 2, d, 0.0, name + ".bias"))
    return err;
  double eps = a.f("epsilon", 1e-5);
  std::string expr = "layernorm(" + x->ref;
  if (std::fabs(eps - 1e-5) > 1e-9)
    expr += ", eps = " + formatFloat(eps);
  e.bind(0, expr + ")", x->shape, "f32", name);
  return llvm::Error::success();
}

llvm::Error pool(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  bool isMax = n.op_type() == "MaxPool";
  std::vector<int64_t> kernel = a.ints("kernel_shape");
  std::vector<int64_t> strides = a.ints("strides", {1, 1});
  std::vector<int64_t> pads = a.ints("pads", {0, 0, 0, 0});
  std::string autoPad = a.s("auto_pad", "NOTSET");
  int64_t ceil = a.i("ceil_mode", 0);
  std::vector<int64_t> dil =
      isMax ? a.ints("dilations", {1, 1}) : std::vector<int64_t>{1, 1};
  if (isMax)
    a.i("storage_order", 0);
  else
    a.i("count_include_pad", 0);
  if (x->shape.size() != 4 || kernel.size() != 2 || strides.size() != 2)
    return e.unsupported("only 2-D pooling (NCHW) is supported");
  if ((autoPad != "NOTSET" && autoPad != "VALID") ||
      llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    return e.unsupported("padding on pools is not supported (the language "
                         "has none yet)");
  if (ceil || dil != std::vector<int64_t>{1, 1})
    return e.unsupported("ceil_mode and dilations are not supported");
  if (n.output_size() > 1 && !n.output(1).empty())
    return e.unsupported("MaxPool's Indices output is not supported");
  std::vector<int64_t> shape = x->shape;
  for (int k = 0; k < 2; ++k) {
    int64_t in = x->shape[2 + k];
    if (in < kernel[k])
      return e.unsupported("a window larger than the input");
    shape[2 + k] = (in - kernel[k]) / strides[k] + 1;
  }
  std::string expr = (isMax ? "maxpool2d(" : "avgpool2d(") + x->ref + ", " +
                     pair(kernel[0], kernel[1]);
  if (strides != kernel)
    expr += ", stride = " + pair(strides[0], strides[1]);
  e.bind(0, expr + ")", shape, x->dtype);
  return llvm::Error::success();
}

llvm::Error globalAvgPool(Emitter &e, const Node &, Attrs &) {
  TRY(x, tensorInput(e, 0));
  if (x->shape.size() != 4)
    return e.unsupported("only NCHW inputs are supported");
  std::vector<int64_t> shape = {x->shape[0], x->shape[1], 1, 1};
  e.bind(0, "mean(" + x->ref + ", axis = (2, 3), keepdims = true)", shape,
         x->dtype);
  return llvm::Error::success();
}

/// `x @ B + C` with B constant as `dense`: its weight is B^T ([out, in]).
llvm::Error denseLayer(Emitter &e, const Node &n, Value *x, const Const &b,
                       bool transB, unsigned biasInput) {
  if (b.shape.size() != 2 || !b.isFloat)
    return e.unsupported("a weight of shape " + formatDims(b.shape));
  int64_t in = transB ? b.shape[1] : b.shape[0];
  int64_t out = transB ? b.shape[0] : b.shape[1];
  if (x->shape.empty() || x->shape.back() != in)
    return e.unsupported("the weight " + formatDims(b.shape) +
                         " does not fit the input " + formatDims(x->shape));
  std::vector<double> w(b.f.size());
  for (int64_t r = 0; r < out; ++r)
    for (int64_t c = 0; c < in; ++c)
      w[r * in + c] = transB ? b.f[r * in + c] : b.f[c * out + r];
  std::string name = e.layerBinding(constName(n, b, 1));
  e.addWeight(name + ".weight", constName(n, b, 1), {out, in}, w);
  Value *bias = biasInput ? e.input(biasInput) : nullptr;
  if (bias) {
    if (!bias->cst || !bias->cst->isFloat || bias->cst->numel() != out)
      return e.unsupported("a bias that is not a constant of " +
                           std::to_string(out) + " elements");
    e.addWeight(name + ".bias", constName(n, *bias->cst, biasInput), {out},
                bias->cst->f);
  }
  std::vector<int64_t> shape = x->shape;
  shape.back() = out;
  e.bind(0,
         "dense(" + x->ref + ", " + std::to_string(out) +
             (bias ? "" : ", bias = false") + ")",
         shape, "f32", name);
  return llvm::Error::success();
}

llvm::Error gemm(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(b, e.constInput(1, "B"));
  if (a.i("transA", 0) || a.f("alpha", 1.0) != 1.0 || a.f("beta", 1.0) != 1.0)
    return e.unsupported("Gemm with transA, alpha or beta is not supported");
  if (x->shape.size() != 2)
    return e.unsupported("an input of shape " + formatDims(x->shape));
  return denseLayer(e, n, x, *b, a.i("transB", 0) != 0, 2);
}

llvm::Error matmul(Emitter &e, const Node &n, Attrs &) {
  TRY(x, tensorInput(e, 0));
  TRY(y, tensorInput(e, 1));
  if (y->cst && !x->cst && y->cst->shape.size() == 2)
    return denseLayer(e, n, x, *y->cst, false, 0);
  if (x->shape.size() < 2 || y->shape.size() < 2)
    return e.unsupported("MatMul of vectors is not supported");
  TRY(a, e.operand(0));
  TRY(b, e.operand(1));
  std::vector<int64_t> batch = broadcast(llvm::ArrayRef(x->shape).drop_back(2),
                                         llvm::ArrayRef(y->shape).drop_back(2));
  batch.push_back(x->shape[x->shape.size() - 2]);
  batch.push_back(y->shape.back());
  e.bind(0, a + " @ " + b, batch, x->dtype);
  return llvm::Error::success();
}

const OpEntry kOps[] = {
    {"Abs", 13, unary},
    {"Add", 14, binary},
    {"AveragePool", 11, pool},
    {"BatchNormalization", 15, batchNorm},
    {"Cast", 13, cast},
    {"Concat", 13, concat},
    {"Constant", 13, constant},
    {"Conv", 11, conv},
    {"Div", 14, binary},
    {"Dropout", 13, identity},
    {"Equal", 13, binary},
    {"Exp", 13, unary},
    {"Flatten", 13, flatten},
    {"Gather", 13, gather},
    {"Gemm", 13, gemm},
    {"GlobalAveragePool", 1, globalAvgPool},
    {"Greater", 13, binary},
    {"GreaterOrEqual", 16, binary},
    {"Identity", 16, identity},
    {"LayerNormalization", 17, layerNorm},
    {"Less", 13, binary},
    {"LessOrEqual", 16, binary},
    {"Log", 13, unary},
    {"LogSoftmax", 13, softmax},
    {"MatMul", 13, matmul},
    {"MaxPool", 12, pool},
    {"Mul", 14, binary},
    {"Neg", 13, unary},
    {"Pad", 13, pad},
    {"Pow", 15, powOp},
    {"ReduceMean", 13, reduceMean},
    {"Relu", 14, unary},
    {"Reshape", 14, reshape},
    {"Shape", 15, shapeOp},
    {"Sigmoid", 13, unary},
    {"Softmax", 13, softmax},
    {"Sqrt", 13, unary},
    {"Squeeze", 13, squeeze},
    {"Sub", 14, binary},
    {"Tanh", 13, unary},
    {"Transpose", 13, transpose},
    {"Unsqueeze", 13, unsqueeze},
    {"Where", 16, where},
};

} // namespace

const OpEntry *lookupOp(llvm::StringRef opType) {
  for (const OpEntry &entry : kOps)
    if (opType == entry.opType)
      return &entry;
  return nullptr;
}

llvm::ArrayRef<OpEntry> opTable() { return kOps; }

} // namespace deepc::importer
