//===- OpTable.cpp - One entry per ONNX op type ---------------------------===//
//
// Each entry turns one node into at most one `.nn` statement (docs/IMPORT.md
// lists them), or folds it when its inputs are known constants: the shape
// arithmetic of an export (Shape, Gather, Unsqueeze, Concat feeding a
// Reshape) never reaches the `.nn` text.
//
//===----------------------------------------------------------------------===//
#include "importer/Import.h"
#include "importer/Ops.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

namespace deepc::importer {

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

/// Normalizes every axis of `axes` for `rank`; false if one is out of range
/// or repeated.
bool normalizeAxes(std::vector<int64_t> &axes, size_t rank) {
  for (int64_t &axis : axes)
    if (!normalizeAxis(axis, rank))
      return false;
  std::vector<int64_t> sorted = axes;
  llvm::sort(sorted);
  return std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end();
}

int64_t mulDims(int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
    return kUnknown;
  return r;
}

/// Whether two shapes broadcast (NumPy's rule; N only with N or 1).
bool broadcasts(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b) {
  for (size_t k = 1; k <= std::min(a.size(), b.size()); ++k) {
    int64_t x = a[a.size() - k], y = b[b.size() - k];
    if (x != y && x != 1 && y != 1 && x != kUnknown && y != kUnknown)
      return false;
  }
  return true;
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

namespace {

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
    int64_t count = 1;
    for (int64_t t : target)
      count = mulDims(count, t);
    if (count != c.numel())
      return e.unsupported("a reshape of a constant of " + formatDims(c.shape) +
                           " to " + formatDims(target));
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
      inStatic = mulDims(inStatic, d);
  }
  for (int64_t t : target) {
    if (t == kN)
      ++outN;
    else if (t != -1)
      outStatic = mulDims(outStatic, t);
  }
  if (inStatic == kUnknown || outStatic == kUnknown)
    return e.unsupported("a reshape to " + formatDims(target) +
                         ": too many elements");
  auto mismatch = [&] {
    return e.unsupported("a reshape of " + formatDims(x->shape) + " to " +
                         formatDims(target) + ": the element counts differ");
  };
  std::vector<int64_t> shape = target;
  if (!inUnknown) {
    if (minusOne < 0 && (inN != outN || inStatic != outStatic))
      return mismatch();
    if (minusOne >= 0 &&
        (outStatic == 0 || inStatic % outStatic != 0 || outN > inN))
      return mismatch();
  }
  if (minusOne >= 0) {
    if (inUnknown)
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
  if (!normalizeAxes(axes, rank))
    return e.unsupported("axes out of range or repeated");
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
  if (!normalizeAxes(axes, x->shape.size()))
    return e.unsupported("axes out of range or repeated");
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
  if (ids->dtype != "i64" && ids->dtype != "i32")
    return e.unsupported("an embedding of ids that are not integers");
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

/// Gather along axis 0 of a constant by constant indices: shape values, or
/// the rows of a table (position embeddings by a constant range of ids).
llvm::Error foldGather(Emitter &e, const Const &data, const Const &idx) {
  if (data.shape.empty() || idx.isFloat)
    return e.unsupported("a Gather of a scalar or by float indices");
  int64_t rows = data.shape[0], row = data.numel() / std::max<int64_t>(rows, 1);
  Const c;
  c.isFloat = data.isFloat;
  c.shape = idx.shape;
  c.shape.insert(c.shape.end(), data.shape.begin() + 1, data.shape.end());
  bool all = int64_t(idx.i.size()) == rows;
  for (size_t j = 0; j < idx.i.size(); ++j) {
    int64_t k = idx.i[j];
    if (k == kN || k == kUnknown)
      return e.unsupported("a Gather by an index known only at run time");
    if (k < 0)
      k += rows;
    if (k < 0 || k >= rows)
      return e.unsupported("index out of range");
    all &= k == int64_t(j);
    for (int64_t m = 0; m < row; ++m) {
      if (c.isFloat)
        c.f.push_back(data.f[k * row + m]);
      else
        c.i.push_back(data.i[k * row + m]);
    }
  }
  // Every row in order: the table itself, under its name.
  if (all && idx.shape.size() == 1)
    c.initializer = data.initializer;
  e.setConst(0, std::move(c));
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
  if (data->cst && idx->cst) {
    if (axis != 0)
      return e.unsupported("a Gather of constants on an axis other than 0");
    return foldGather(e, *data->cst, *idx->cst);
  }
  // A tensor indexed by one constant (BERT's pooler takes token 0): a
  // subscript, which drops that dimension.
  if (!idx->cst || idx->cst->isFloat || idx->cst->numel() != 1 ||
      !idx->cst->shape.empty())
    return e.unsupported("a Gather of a tensor by indices other than one "
                         "constant");
  if (!normalizeAxis(axis, data->shape.size()) || axis == 0)
    return e.unsupported("a Gather along the batch");
  int64_t k = idx->cst->i[0], size = data->shape[axis];
  if (size < 0)
    return e.unsupported("a Gather along a dimension not known statically");
  if (k < 0)
    k += size;
  if (k < 0 || k >= size)
    return e.unsupported("index out of range");
  std::string sub;
  for (int64_t d = 0; d < axis; ++d)
    sub += ":, ";
  std::vector<int64_t> shape = data->shape;
  shape.erase(shape.begin() + axis);
  e.bind(0, data->ref + "[" + sub + std::to_string(k) + "]", shape,
         data->dtype);
  return llvm::Error::success();
}

llvm::Error range(Emitter &e, const Node &, Attrs &) {
  TRY(start, e.constInput(0, "start"));
  TRY(limit, e.constInput(1, "limit"));
  TRY(delta, e.constInput(2, "delta"));
  if (start->isFloat || limit->isFloat || delta->isFloat ||
      start->numel() != 1 || limit->numel() != 1 || delta->numel() != 1)
    return e.unsupported("a Range that is not of integer constants");
  int64_t a = start->i[0], b = limit->i[0], d = delta->i[0];
  if (a == kN || b == kN || d == kN || a == kUnknown || b == kUnknown ||
      d == kUnknown)
    return e.unsupported("a Range over the batch size");
  if (d == 0)
    return e.unsupported("a Range with delta 0");
  Const c;
  c.isFloat = false;
  for (int64_t v = a; d > 0 ? v < b : v > b; v += d) {
    if (c.i.size() >= (1u << 24))
      return e.unsupported("a Range of more than 2^24 elements");
    c.i.push_back(v);
  }
  c.shape = {int64_t(c.i.size())};
  e.setConst(0, std::move(c));
  return llvm::Error::success();
}

/// ONNX's Slice: constant starts, ends, axes and steps; a constant is
/// sliced here, a tensor becomes a subscript `x[:, a:b]` (steps of 1, the
/// batch taken whole).
llvm::Error slice(Emitter &e, const Node &, Attrs &) {
  TRY(x, tensorInput(e, 0));
  size_t rank = x->shape.size();
  std::vector<std::vector<int64_t>> args(4);
  for (unsigned k = 1; k <= 4; ++k) {
    Value *v = e.input(k);
    if (!v)
      continue;
    if (!v->cst || v->cst->isFloat || v->cst->shape.size() != 1)
      return e.unsupported("starts, ends, axes and steps must be integer "
                           "constants");
    args[k - 1] = v->cst->i;
  }
  std::vector<int64_t> &starts = args[0], &ends = args[1], &axes = args[2],
                       &steps = args[3];
  if (axes.empty())
    for (size_t k = 0; k < starts.size(); ++k)
      axes.push_back(int64_t(k));
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size() || !normalizeAxes(axes, rank))
    return e.unsupported("starts, ends, axes and steps that do not fit");
  // Per dimension: begin, end, step (whole by default).
  std::vector<int64_t> begin(rank, 0), end = x->shape, step(rank, 1);
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t d = axes[k], size = x->shape[d], st = steps[k];
    for (int64_t v : {starts[k], ends[k], st})
      if (v == kN || v == kUnknown)
        return e.unsupported("a Slice by sizes known only at run time");
    if (st == 0)
      return e.unsupported("a Slice with step 0");
    if (size < 0) {
      if (starts[k] == 0 && ends[k] >= INT32_MAX && st == 1)
        continue; // the whole batch
      return e.unsupported("a Slice of a dimension known only at run time");
    }
    auto clampIndex = [&](int64_t i) {
      if (i < 0)
        i = i < -size ? -1 : i + size;
      return st > 0 ? std::clamp<int64_t>(i, 0, size)
                    : std::clamp<int64_t>(i, -1, size - 1);
    };
    begin[d] = clampIndex(starts[k]);
    end[d] = clampIndex(ends[k]);
    step[d] = st;
  }
  std::vector<int64_t> shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    if (x->shape[d] < 0) {
      shape[d] = x->shape[d];
      continue;
    }
    int64_t span = step[d] > 0 ? end[d] - begin[d] : begin[d] - end[d];
    int64_t a = step[d] > 0 ? step[d] : -step[d];
    shape[d] = span <= 0 ? 0 : (span + a - 1) / a;
    if (shape[d] == 0)
      return e.unsupported("an empty Slice");
  }
  if (x->cst && x->ref.empty()) {
    const Const &in = *x->cst;
    Const c;
    c.isFloat = in.isFloat;
    c.shape = shape;
    std::vector<int64_t> idx(rank, 0);
    int64_t total = 1;
    for (int64_t d : shape)
      total *= d;
    for (int64_t flat = 0; flat < total; ++flat) {
      int64_t src = 0;
      for (size_t d = 0; d < rank; ++d)
        src = src * in.shape[d] + begin[d] + idx[d] * step[d];
      if (c.isFloat)
        c.f.push_back(in.f[src]);
      else
        c.i.push_back(in.i[src]);
      for (size_t d = rank; d-- > 0;)
        if (++idx[d] < shape[d])
          break;
        else
          idx[d] = 0;
    }
    e.setConst(0, std::move(c));
    return llvm::Error::success();
  }
  std::string sub;
  for (size_t d = 0; d < rank; ++d) {
    if (step[d] != 1)
      return e.unsupported("a Slice of a tensor with a step other than 1");
    sub += d ? ", " : "";
    if (x->shape[d] < 0 || (begin[d] == 0 && end[d] == x->shape[d]))
      sub += ":";
    else
      sub += std::to_string(begin[d]) + ":" + std::to_string(end[d]);
  }
  if (shape == x->shape) {
    e.alias(0, *x);
    return llvm::Error::success();
  }
  e.bind(0, x->ref + "[" + sub + "]", shape, x->dtype);
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
    const std::vector<int64_t> &in = e.input(k)->shape;
    if (in.size() != shape.size() || e.input(k)->dtype != e.input(0)->dtype)
      return e.unsupported("a Concat of tensors of different ranks or types");
    for (size_t d = 0; d < in.size(); ++d)
      if (int64_t(d) != axis && in[d] != shape[d])
        return e.unsupported("a Concat of " + formatDims(shape) + " and " +
                             formatDims(in));
  }
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
      for (double v : c.f) {
        if (!(std::fabs(v) < 9.2e18))
          return e.unsupported("a Cast to an integer of a value out of range");
        c.i.push_back(int64_t(std::trunc(v)));
      }
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
  if (pads->isFloat || pads->numel() != 2 * int64_t(x->shape.size()))
    return e.unsupported("pads that are not 2 integers per dimension");
  if (llvm::none_of(pads->i, [](int64_t p) { return p != 0; })) {
    e.alias(0, *x);
    return llvm::Error::success();
  }
  if (mode != "constant")
    return e.unsupported("Pad in " + mode + " mode is not supported");
  if (Value *fill = e.input(2))
    if (!fill->cst || fill->cst->numel() != 1 ||
        (fill->cst->isFloat ? fill->cst->f[0] != 0 : fill->cst->i[0] != 0))
      return e.unsupported("Pad with a value other than 0");
  const std::vector<int64_t> &p = pads->i;
  if (x->shape.size() != 4 || p[0] || p[1] || p[4] || p[5])
    return e.unsupported("Pad other than of the height and width of NCHW");
  Value padded = *x;
  if (llvm::Error err = zeroPad(e, padded, {p[2], p[3], p[6], p[7]}))
    return err;
  padded.nonNegative = x->nonNegative;
  e.alias(0, padded);
  return llvm::Error::success();
}

llvm::Error unary(Emitter &e, const Node &n, Attrs &) {
  TRY(x, tensorInput(e, 0));
  if (x->cst)
    return e.unsupported("an op on a constant");
  if (x->dtype != "f32")
    return e.unsupported("an op on a " + x->dtype + " tensor");
  static const std::pair<const char *, const char *> names[] = {
      {"Relu", "relu"}, {"Tanh", "tanh"}, {"Sigmoid", "sigmoid"},
      {"Sqrt", "sqrt"}, {"Exp", "exp"},   {"Log", "log"},
      {"Abs", "abs"},   {"Neg", "neg"}};
  for (const auto &[onnxName, nnName] : names)
    if (n.op_type() == onnxName) {
      e.bind(0, std::string(nnName) + "(" + x->ref + ")", x->shape, x->dtype);
      e.valueOf(n.output(0))->nonNegative = n.op_type() == "Relu";
      return llvm::Error::success();
    }
  return e.unsupported("op not supported");
}

/// Folds integer arithmetic on shape values (both operands constants).
llvm::Error foldBinary(Emitter &e, const Node &n, const Const &a,
                       const Const &b) {
  if (a.isFloat != b.isFloat ||
      (a.shape != b.shape && a.numel() != 1 && b.numel() != 1))
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
    if (op == "Div" && (y == 0 || (y == -1 && x == INT64_MIN)))
      return e.unsupported("integer division by zero or overflow");
    int64_t r = 0;
    bool overflow = op == "Add"   ? __builtin_add_overflow(x, y, &r)
                    : op == "Sub" ? __builtin_sub_overflow(x, y, &r)
                    : op == "Mul" ? __builtin_mul_overflow(x, y, &r)
                                  : (r = x / y, false);
    if (overflow || r == kN || r == kUnknown)
      return e.unsupported("integer overflow in constant arithmetic");
    c.i[k] = r;
  }
  e.setConst(0, std::move(c));
  return llvm::Error::success();
}

bool isScalar(Emitter &e, const std::string &name, double v) {
  Value *c = e.valueOf(name);
  return c && c->cst && c->cst->isFloat && c->cst->numel() == 1 &&
         std::fabs(c->cst->f[0] - v) <= 1e-6 * std::max(1.0, std::fabs(v));
}

/// The input of two-input `node` that is not `mine`, or null.
const std::string *otherInput(const Node *node, const std::string &mine) {
  if (!node || node->input_size() != 2)
    return nullptr;
  if (node->input(0) == mine && node->input(1) != mine)
    return &node->input(1);
  if (node->input(1) == mine && node->input(0) != mine)
    return &node->input(0);
  return nullptr;
}

/// PyTorch's exact GELU, `x * 0.5 * (1 + erf(x / sqrt(2)))`, exports as
/// Div -> Erf -> Add 1 -> Mul x -> Mul 0.5: that chain, from its Div, is one
/// `gelu(x)` (the language has no erf of its own). False if `div` does not
/// start it.
bool gelu(Emitter &e, const Node &div, Value *x) {
  if (x->cst || !isScalar(e, div.input(1), M_SQRT2))
    return false;
  const Node *erf = e.soleConsumer(div.output(0));
  if (!erf || erf->op_type() != "Erf")
    return false;
  const Node *add = e.soleConsumer(erf->output(0));
  const std::string *one = otherInput(add, erf->output(0));
  if (!one || add->op_type() != "Add" || !isScalar(e, *one, 1.0))
    return false;
  const Node *mul = e.soleConsumer(add->output(0));
  const std::string *xs = otherInput(mul, add->output(0));
  if (!xs || mul->op_type() != "Mul" || *xs != div.input(0))
    return false;
  const Node *half = e.soleConsumer(mul->output(0));
  const std::string *h = otherInput(half, mul->output(0));
  if (!h || half->op_type() != "Mul" || !isScalar(e, *h, 0.5))
    return false;
  e.bind(0, "gelu(" + x->ref + ")", x->shape, x->dtype,
         e.layerBinding("gelu_act"));
  for (const Node *node : {erf, add, mul})
    e.fuse(*node, nullptr);
  e.fuse(*half, e.valueOf(div.output(0)));
  return true;
}

llvm::Error erf(Emitter &e, const Node &, Attrs &) {
  return e.unsupported("Erf outside PyTorch's GELU (x * 0.5 * (1 + erf(x / "
                       "sqrt(2)))) is not supported: the language has no erf");
}

llvm::Error binary(Emitter &e, const Node &n, Attrs &) {
  TRY(x, tensorInput(e, 0));
  TRY(y, tensorInput(e, 1));
  if (x->cst && y->cst && x->ref.empty() && y->ref.empty())
    return foldBinary(e, n, *x->cst, *y->cst);
  if (n.op_type() == "Div" && gelu(e, n, x))
    return llvm::Error::success();
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
  if (!broadcasts(x->shape, y->shape))
    return e.unsupported("shapes " + formatDims(x->shape) + " and " +
                         formatDims(y->shape) + " do not broadcast");
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
  if (c->dtype != "bool" || x->dtype != y->dtype ||
      !broadcasts(c->shape, x->shape) || !broadcasts(c->shape, y->shape) ||
      !broadcasts(x->shape, y->shape))
    return e.unsupported("operands of Where that do not fit");
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
  std::vector<int64_t> check = perm;
  if (!normalizeAxes(check, rank) || check != perm)
    return e.unsupported("perm is not a permutation");
  std::vector<int64_t> shape;
  for (int64_t p : perm) {
    shape.push_back(x->shape[p]);
  }
  e.bind(0, "transpose(" + x->ref + ", [" + joinInts(perm) + "])", shape,
         x->dtype);
  return llvm::Error::success();
}

llvm::Error reduceMean(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  if (layerNormChain(e, n, x)) {
    a.ints("axes");
    a.i("keepdims", 1);
    return llvm::Error::success();
  }
  std::vector<int64_t> axes = axesOf(e, a, 1);
  bool keep = a.i("keepdims", 1) != 0;
  a.i("noop_with_empty_axes", 0);
  size_t rank = x->shape.size();
  if (axes.empty())
    for (size_t k = 0; k < rank; ++k)
      axes.push_back(int64_t(k));
  if (!normalizeAxes(axes, rank))
    return e.unsupported("axes out of range or repeated");
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
    {"Erf", 13, erf},
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
    {"Range", 11, range},
    {"Reshape", 14, reshape},
    {"Shape", 15, shapeOp},
    {"Sigmoid", 13, unary},
    {"Slice", 13, slice},
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
