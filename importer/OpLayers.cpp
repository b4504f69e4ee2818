//===- OpLayers.cpp - The op table's layers: ops with parameters ----------===//
//
// Conv, BatchNormalization, LayerNormalization, Gemm and MatMul with a
// constant weight, and Gather from a constant table become `.nn` layers
// (conv2d, batchnorm, layernorm, dense, embedding) whose parameters are the
// node's initializers, in the layouts the layers declare (docs/IMPORT.md);
// the pools have no parameters but are here with their kin.
//
//===----------------------------------------------------------------------===//
#include "importer/Ops.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace deepc::importer {

namespace {
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

} // namespace

llvm::Error zeroPad(Emitter &e, Value &x, llvm::ArrayRef<int64_t> pads) {
  if (x.shape.size() != 4 || pads.size() != 4)
    return e.unsupported("padding of a tensor that is not NCHW");
  for (int axis = 2; axis < 4; ++axis) {
    int64_t before = pads[axis - 2], after = pads[axis];
    if (before == 0 && after == 0)
      continue;
    int64_t size = x.shape[axis];
    if (size < 0 || before > size || after > size || before < 0 || after < 0)
      return e.unsupported("a padding of " + formatDims(pads) +
                           " on a dimension of " + formatDims(x.shape));
    auto zeros = [&](int64_t n) {
      return x.ref +
             (axis == 2 ? "[:, :, 0:" + std::to_string(n) + ", :]"
                        : "[:, :, :, 0:" + std::to_string(n) + "]") +
             " * 0";
    };
    std::string parts = (before ? zeros(before) + ", " : "") + x.ref +
                        (after ? ", " + zeros(after) : "");
    x.ref =
        e.temp(x.ref + (axis == 2 ? "_padh" : "_padw"),
               "concat(" + parts + ", axis = " + std::to_string(axis) + ")");
    x.shape[axis] = size + before + after;
  }
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
  for (int k = 0; k < 2; ++k)
    if (strides[k] <= 0 || dil[k] <= 0 || kernel[k] <= 0 || pads[k] < 0 ||
        pads[k + 2] < 0)
      return e.unsupported("strides, dilations and kernel sizes must be "
                           "positive, pads not negative");
  Value padded = *x;
  if (pads[0] != pads[2] || pads[1] != pads[3]) {
    // Asymmetric: zeros around the input, then no padding.
    if (llvm::Error err = zeroPad(e, padded, pads))
      return err;
    x = &padded;
    pads = {0, 0, 0, 0};
  }
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

namespace {
/// The input of two-input `node` that is not `mine`, or null.
const std::string *otherOf(const Node *node, const std::string &mine) {
  if (!node || node->input_size() != 2)
    return nullptr;
  if (node->input(0) == mine && node->input(1) != mine)
    return &node->input(1);
  if (node->input(1) == mine && node->input(0) != mine)
    return &node->input(0);
  return nullptr;
}

const Node *soleOf(Emitter &e, const Node *node, const char *opType) {
  const Node *next = node ? e.soleConsumer(node->output(0)) : nullptr;
  return next && next->op_type() == opType ? next : nullptr;
}

/// A one-element float constant's value.
std::optional<double> scalarOf(Emitter &e, const std::string &name) {
  Value *v = e.valueOf(name);
  if (!v || !v->cst || !v->cst->isFloat || v->cst->numel() != 1)
    return std::nullopt;
  return v->cst->f[0];
}

bool lastAxisMean(const Node *node, size_t rank) {
  if (!node || node->op_type() != "ReduceMean")
    return false;
  for (const auto &attr : node->attribute()) {
    if (attr.name() == "keepdims" && attr.i() != 1)
      return false;
    if (attr.name() == "axes" &&
        (attr.ints_size() != 1 ||
         (attr.ints(0) != -1 && attr.ints(0) != int64_t(rank) - 1)))
      return false;
  }
  return node->input_size() == 1 && node->attribute_size() >= 1;
}
} // namespace

bool layerNormChain(Emitter &e, const Node &mean1, Value *x) {
  size_t rank = x->shape.size();
  if (x->cst || rank == 0 || x->shape.back() < 0 || !lastAxisMean(&mean1, rank))
    return false;
  const std::string &xs = mean1.input(0);
  const Node *sub = soleOf(e, &mean1, "Sub");
  if (!sub || sub->input_size() != 2 || sub->input(0) != xs)
    return false;
  auto users = e.internalConsumers(sub->output(0));
  if (users.size() != 2)
    return false;
  const Node *pow = users[0]->op_type() == "Pow" ? users[0] : users[1];
  const Node *div = users[0]->op_type() == "Pow" ? users[1] : users[0];
  const std::string *two = otherOf(pow, sub->output(0));
  if (pow->op_type() != "Pow" || !two || pow->input(0) != sub->output(0) ||
      scalarOf(e, *two) != 2.0)
    return false;
  const Node *mean2 = e.soleConsumer(pow->output(0));
  if (!lastAxisMean(mean2, rank))
    return false;
  const Node *addEps = soleOf(e, mean2, "Add");
  const std::string *epsName = otherOf(addEps, mean2->output(0));
  std::optional<double> eps = epsName ? scalarOf(e, *epsName) : std::nullopt;
  const Node *sqrt = soleOf(e, addEps, "Sqrt");
  if (!eps || !sqrt || soleOf(e, sqrt, "Div") != div ||
      div->input(0) != sub->output(0))
    return false;
  const Node *mul = soleOf(e, div, "Mul");
  const std::string *wName = otherOf(mul, div->output(0));
  const Node *add = soleOf(e, mul, "Add");
  const std::string *bName = add ? otherOf(add, mul->output(0)) : nullptr;
  if (!wName || !bName)
    return false;
  int64_t d = x->shape.back();
  Value *w = e.valueOf(*wName), *b = e.valueOf(*bName);
  for (Value *v : {w, b})
    if (!v || !v->cst || !v->cst->isFloat || v->cst->numel() != d ||
        v->cst->shape.size() != 1)
      return false;
  std::string wOnnx =
      w->cst->initializer.empty() ? *wName : w->cst->initializer;
  std::string bOnnx =
      b->cst->initializer.empty() ? *bName : b->cst->initializer;
  std::string name = e.layerBinding(wOnnx);
  e.addWeight(name + ".weight", wOnnx, {d}, w->cst->f);
  e.addWeight(name + ".bias", bOnnx, {d}, b->cst->f);
  std::string expr = "layernorm(" + x->ref;
  if (std::fabs(*eps - 1e-5) > 1e-9)
    expr += ", eps = " + formatFloat(*eps);
  e.bind(0, expr + ")", x->shape, "f32", name);
  Value out = *e.valueOf(mean1.output(0));
  for (const Node *node : {sub, pow, mean2, addEps, sqrt, div, mul})
    e.fuse(*node, nullptr);
  e.fuse(*add, &out);
  return true;
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
  bool countIncludePad = !isMax && a.i("count_include_pad", 0) != 0;
  if (x->shape.size() != 4 || kernel.size() != 2 || strides.size() != 2 ||
      pads.size() != 4)
    return e.unsupported("only 2-D pooling (NCHW) is supported");
  for (int k = 0; k < 2; ++k)
    if (strides[k] <= 0 || kernel[k] <= 0 || pads[k] < 0 || pads[k + 2] < 0)
      return e.unsupported("strides and kernel sizes must be positive, pads "
                           "not negative");
  if (autoPad != "NOTSET" && autoPad != "VALID")
    return e.unsupported("auto_pad " + autoPad + " is not supported");
  Value padded = *x;
  if (autoPad == "NOTSET" &&
      llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
    // The pools have no padding: zeros around the input. That is the
    // average pool with count_include_pad = 1; for the maximum, zeros are
    // as good as ONNX's -inf only where the input is >= 0 (after a relu, as
    // in ResNet's stem).
    if (isMax && !x->nonNegative)
      return e.unsupported("a padded MaxPool of an input that may be "
                           "negative is not supported (the language's pools "
                           "have no padding)");
    if (!isMax && !countIncludePad)
      return e.unsupported("a padded AveragePool with count_include_pad = 0 "
                           "is not supported");
    if (pads.size() != 4)
      return e.unsupported("only 2-D pooling (NCHW) is supported");
    if (llvm::Error err = zeroPad(e, padded, pads))
      return err;
    x = &padded;
  }
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
  e.valueOf(n.output(0))->nonNegative = x->nonNegative;
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
/// `bias` (C, from the ONNX value `biasName`) may be null. The layer is
/// named after C's initializer when there is one (`q.bias` gives `q`, whose
/// weight is then PyTorch's `q.weight`), else after B's.
static llvm::Error denseLayer(Emitter &e, const Node &n, Value *x,
                              const Const &b, bool transB, const Value *bias,
                              const std::string &biasName,
                              const Node *fusedAdd = nullptr) {
  if (b.shape.size() != 2 || !b.isFloat)
    return e.unsupported("a weight of shape " + formatDims(b.shape));
  int64_t in = transB ? b.shape[1] : b.shape[0];
  int64_t out = transB ? b.shape[0] : b.shape[1];
  if (x->shape.empty() || x->shape.back() != in)
    return e.unsupported("the weight " + formatDims(b.shape) +
                         " does not fit the input " + formatDims(x->shape));
  if (bias && (!bias->cst || !bias->cst->isFloat || bias->cst->numel() != out ||
               bias->cst->shape.size() > 2))
    return e.unsupported("a bias that is not a constant of " +
                         std::to_string(out) + " elements");
  std::vector<double> w(b.f.size());
  for (int64_t r = 0; r < out; ++r)
    for (int64_t c = 0; c < in; ++c)
      w[r * in + c] = transB ? b.f[r * in + c] : b.f[c * out + r];
  std::string biasOnnx =
      bias
          ? (bias->cst->initializer.empty() ? biasName : bias->cst->initializer)
          : "";
  bool namedByBias = !transB && llvm::StringRef(biasOnnx).ends_with(".bias");
  std::string name =
      e.layerBinding(namedByBias ? biasOnnx : constName(n, b, 1));
  e.addWeight(name + ".weight", constName(n, b, 1), {out, in}, w);
  if (bias)
    e.addWeight(name + ".bias", biasOnnx, {out}, bias->cst->f);
  std::vector<int64_t> shape = x->shape;
  shape.back() = out;
  e.bind(0,
         "dense(" + x->ref + ", " + std::to_string(out) +
             (bias ? "" : ", bias = false") + ")",
         shape, "f32", name);
  if (fusedAdd)
    e.fuse(*fusedAdd, e.valueOf(n.output(0)));
  return llvm::Error::success();
}

llvm::Error gemm(Emitter &e, const Node &n, Attrs &a) {
  TRY(x, tensorInput(e, 0));
  TRY(b, e.constInput(1, "B"));
  if (a.i("transA", 0) || a.f("alpha", 1.0) != 1.0 || a.f("beta", 1.0) != 1.0)
    return e.unsupported("Gemm with transA, alpha or beta is not supported");
  if (x->shape.size() != 2)
    return e.unsupported("an input of shape " + formatDims(x->shape));
  return denseLayer(e, n, x, *b, a.i("transB", 0) != 0, e.input(2),
                    n.input_size() > 2 ? n.input(2) : "");
}

llvm::Error matmul(Emitter &e, const Node &n, Attrs &) {
  TRY(x, tensorInput(e, 0));
  TRY(y, tensorInput(e, 1));
  if (y->cst && !x->cst && y->cst->shape.size() == 2) {
    // Linear on a batch of sequences exports as MatMul then Add of the
    // bias: one dense layer with a bias.
    if (const Node *add = e.soleConsumer(n.output(0));
        add && add->op_type() == "Add" && add->input_size() == 2) {
      const std::string &other =
          add->input(0) == n.output(0) ? add->input(1) : add->input(0);
      Value *bias = e.valueOf(other);
      if (bias && bias->cst && bias->cst->isFloat &&
          bias->cst->shape.size() == 1 &&
          bias->cst->numel() == y->cst->shape[1])
        return denseLayer(e, n, x, *y->cst, false, bias, other, add);
    }
    return denseLayer(e, n, x, *y->cst, false, nullptr, "");
  }
  if (x->shape.size() < 2 || y->shape.size() < 2)
    return e.unsupported("MatMul of vectors is not supported");
  if (x->shape.back() != y->shape[y->shape.size() - 2] || x->shape.back() < 0 ||
      x->dtype != y->dtype ||
      !broadcasts(llvm::ArrayRef(x->shape).drop_back(2),
                  llvm::ArrayRef(y->shape).drop_back(2)))
    return e.unsupported("a MatMul of " + formatDims(x->shape) + " and " +
                         formatDims(y->shape));
  TRY(a, e.operand(0));
  TRY(b, e.operand(1));
  std::vector<int64_t> batch = broadcast(llvm::ArrayRef(x->shape).drop_back(2),
                                         llvm::ArrayRef(y->shape).drop_back(2));
  batch.push_back(x->shape[x->shape.size() - 2]);
  batch.push_back(y->shape.back());
  e.bind(0, a + " @ " + b, batch, x->dtype);
  return llvm::Error::success();
}

} // namespace deepc::importer
