//===- SemaLayers.cpp - Layers and losses ---------------------------------===//
//
// The shape rules of the layers and the parameters they create, named
// `<binding>.<param>` when the call is the whole right-hand side of a
// binding, else `<layer>_<k>.<param>`; the rules of losses and penalties.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/Support/Casting.h"

#include <cmath>

using namespace deepc;
using namespace deepc::ast;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

Type Sema::checkLayer(CallExpr &call, const Type &x, StringRef bindingName) {
  SMLoc loc = call.getLoc();
  StringRef name = call.callee;
  auto requireStatic = [&](int64_t dim,
                           StringRef role) -> std::optional<int64_t> {
    const Dim &d = x.dims[dim];
    if (d.isStatic())
      return d.size;
    diags.error(loc, "'" + name + "' needs a static " + role + " dimension, " +
                         "but it is " +
                         (d.isNamed() ? "'" + d.name + "'" : std::string("?")) +
                         " in " + x.str() + ", known only at run time");
    return std::nullopt;
  };
  auto requireRank = [&](int64_t lo, int64_t hi) {
    if (x.rank() >= lo && x.rank() <= hi &&
        (isFloat(x.elem) || call.builtin == Builtin::Embedding))
      return true;
    std::string ranks = lo == hi ? std::to_string(lo)
                        : hi > 8
                            ? std::to_string(lo) + " or more"
                            : std::to_string(lo) + " to " + std::to_string(hi);
    diags.error(loc, "'" + name + "' expects a floating-point tensor of rank " +
                         ranks + ", got " + x.str());
    return false;
  };
  auto positive = [&](unsigned i, std::optional<int64_t> dflt =
                                      std::nullopt) -> std::optional<int64_t> {
    std::optional<int64_t> v = intArg(call, i, dflt);
    if (v && *v <= 0) {
      diags.error(argLoc(call, i), "'" + argName(call, i) + "' of '" + name +
                                       "' must be positive");
      return std::nullopt;
    }
    return v;
  };
  // The convolutions and pools: 1-D forms take one int per spatial
  // argument and run as their 2-D form on a height of 1.
  bool oneD = call.builtin == Builtin::Conv1d ||
              call.builtin == Builtin::MaxPool1d ||
              call.builtin == Builtin::AvgPool1d;
  /// A spatial argument (kernel, stride, padding, dilation), each entry >=
  /// `min`: an int or a pair in 2-D (height, width), an int in 1-D (given
  /// as `(1-D neutral, int)`, the neutral height being `min`).
  auto pair = [&](unsigned i, int64_t dflt,
                  int64_t min) -> std::optional<std::pair<int64_t, int64_t>> {
    if (!call.resolved[i])
      return std::make_pair(oneD ? min : dflt, dflt);
    auto v = intListArg(call, i);
    if (!v)
      return std::nullopt;
    if (v->size() != 1 && (oneD || v->size() != 2)) {
      diags.error(argLoc(call, i), "'" + argName(call, i) + "' of '" + name +
                                       "' must be an integer" +
                                       (oneD ? "" : " or a pair"));
      return std::nullopt;
    }
    std::pair<int64_t, int64_t> p(oneD ? min : (*v)[0], v->back());
    if (p.first < min || p.second < min) {
      diags.error(argLoc(call, i), "'" + argName(call, i) + "' of '" + name +
                                       "' must be " +
                                       (min ? "positive" : "non-negative"));
      return std::nullopt;
    }
    return p;
  };
  // `dtype = bf16 | f32` (deepc): the storage type of the layer's
  // parameters (not of batchnorm's running statistics); f32 by default.
  ElemType paramElem = ElemType::F32;
  llvm::ArrayRef<BuiltinParam> formals = getBuiltinInfo(call.builtin).params;
  for (unsigned i = 0; i < formals.size(); ++i) {
    Expr *e = call.resolved[i];
    if (StringRef(formals[i].name) != "dtype" || !e)
      continue;
    auto *n = llvm::dyn_cast<NameExpr>(e);
    if (!n || (n->name != "bf16" && n->name != "f32")) {
      diags.error(e->getLoc(), "'dtype' of '" + name + "' must be bf16 or f32");
      return Type();
    }
    paramElem = n->name == "bf16" ? ElemType::BF16 : ElemType::F32;
    n->type = Type::tensor(paramElem);
  }
  auto addLayerParam = [&](StringRef prefix, StringRef param,
                           llvm::ArrayRef<int64_t> shape, Builtin init,
                           llvm::ArrayRef<double> args, bool buffer = false) {
    ParamInfo p;
    p.buffer = buffer;
    p.name = (prefix + "." + param).str();
    p.type = Type::tensor(buffer ? ElemType::F32 : paramElem);
    for (int64_t s : shape)
      p.type.dims.push_back(Dim::fixed(s));
    p.init = init;
    p.initArgs.assign(args.begin(), args.end());
    p.loc = loc;
    call.params.push_back(p);
    addParam(p);
  };
  /// Output size of a window of `k` dilated by `dil` with `stride` over
  /// spatial dim `i` (2 or 3 of an NCHW tensor, 2 of an NCL one, which must
  /// be static) padded by `pad` zeros in all.
  auto window = [&](int64_t i, int64_t k, int64_t stride, int64_t pad,
                    int64_t dil) -> std::optional<Dim> {
    const Dim &d = x.dims[i];
    if (!requireStatic(i, oneD     ? "length (dim 2)"
                          : i == 2 ? "height (dim 2)"
                                   : "width (dim 3)"))
      return std::nullopt;
    int64_t span = dil * (k - 1) + 1;
    if (d.size + pad < span) {
      diags.error(loc, "the window " + Twine(span) + " of '" + name +
                           "' is larger than the input " + x.str());
      return std::nullopt;
    }
    return Dim::fixed((d.size + pad - span) / stride + 1);
  };
  /// The output dims of a window op on `x`: N, `channels`, then the spatial
  /// sizes (one in 1-D: the height is 1), or nullopt (reported).
  auto windowType = [&](Dim channels) -> std::optional<Type> {
    std::vector<Dim> dims = {x.dims[0], channels};
    for (int d = oneD ? 1 : 0; d < 2; ++d) {
      auto size =
          window(2 + d - (oneD ? 1 : 0), call.kernel[d], call.stride[d],
                 2 * call.padding[d] + call.padExtra[d], call.dilation[d]);
      if (!size)
        return std::nullopt;
      dims.push_back(*size);
    }
    return Type::tensor(x.elem, dims);
  };

  switch (call.builtin) {
  case Builtin::Dense: {
    auto units = positive(1);
    auto bias = boolArg(call, 2, true);
    if (!units || !bias || !requireRank(1, INT64_MAX))
      return Type();
    auto in = requireStatic(x.rank() - 1, "last");
    if (!in)
      return Type();
    call.paramPrefix = paramPrefix(call, bindingName);
    double bound = 1.0 / std::sqrt(double(*in));
    addLayerParam(call.paramPrefix, "weight", {*units, *in}, Builtin::Uniform,
                  {-bound, bound});
    if (*bias)
      addLayerParam(call.paramPrefix, "bias", {*units}, Builtin::Uniform,
                    {-bound, bound});
    Type t = x;
    t.weak = false;
    t.dims.back() = Dim::fixed(*units);
    return t;
  }
  case Builtin::Conv1d:
  case Builtin::Conv2d: {
    auto filters = positive(1);
    auto kernel = pair(2, 1, 1);
    auto stride = pair(3, 1, 1);
    auto dilation = pair(5, 1, 1);
    auto groups = positive(6, 1);
    if (!filters || !kernel || !stride || !dilation || !groups ||
        !requireRank(oneD ? 3 : 4, oneD ? 3 : 4))
      return Type();
    auto channels = requireStatic(1, "channel (dim 1)");
    if (!channels)
      return Type();
    if (*channels % *groups || *filters % *groups) {
      diags.error(argLoc(call, 6),
                  "'groups' of '" + name + "' (" + Twine(*groups) +
                      ") must divide the input channels " + Twine(*channels) +
                      " and the filters " + Twine(*filters));
      return Type();
    }
    call.kernel = {kernel->first, kernel->second};
    call.stride = {stride->first, stride->second};
    call.dilation = {dilation->first, dilation->second};
    call.groups = *groups;
    if (auto *word = llvm::dyn_cast_or_null<NameExpr>(call.resolved[4])) {
      // `padding = same | valid`, PyTorch's strings: `same` keeps the size
      // (stride 1 only), padding d (k - 1) in all, the odd one after.
      if (word->name != "same" && word->name != "valid") {
        diags.error(word->getLoc(),
                    "'padding' of '" + name + "' must be an integer" +
                        (oneD ? "" : " or a pair") + ", same or valid, got '" +
                        word->name + "'" +
                        didYouMean(word->name, {"same", "valid"}));
        return Type();
      }
      if (word->name == "same" &&
          (call.stride[0] != 1 || call.stride[1] != 1)) {
        diags.error(word->getLoc(), "'padding = same' of '" + name +
                                        "' needs stride 1 (as PyTorch's)");
        return Type();
      }
      word->type = Type::tensor(ElemType::I64);
      for (int d = 0; d < 2; ++d) {
        int64_t total =
            word->name == "same" ? call.dilation[d] * (call.kernel[d] - 1) : 0;
        call.padding[d] = total / 2;
        call.padExtra[d] = total % 2;
      }
    } else {
      auto padding = pair(4, 0, 0);
      if (!padding)
        return Type();
      call.padding = {padding->first, padding->second};
    }
    auto type = windowType(Dim::fixed(*filters));
    if (!type)
      return Type();
    call.paramPrefix = paramPrefix(call, bindingName);
    // nn.Conv2d's default: kaiming_uniform(a = sqrt(5)) for the weight, i.e.
    // uniform(+-1/sqrt(fan_in)), fan_in = C / groups * KH * KW, and the
    // same bound for the bias.
    int64_t perGroup = *channels / *groups;
    double bound =
        1.0 / std::sqrt(double(perGroup * call.kernel[0] * call.kernel[1]));
    llvm::SmallVector<int64_t, 4> shape = {*filters, perGroup};
    if (!oneD)
      shape.push_back(call.kernel[0]);
    shape.push_back(call.kernel[1]);
    addLayerParam(call.paramPrefix, "weight", shape, Builtin::Uniform,
                  {-bound, bound});
    addLayerParam(call.paramPrefix, "bias", {*filters}, Builtin::Uniform,
                  {-bound, bound});
    return *type;
  }
  case Builtin::MaxPool1d:
  case Builtin::MaxPool2d:
  case Builtin::AvgPool1d:
  case Builtin::AvgPool2d: {
    auto k = pair(1, 1, 1);
    if (!k || !requireRank(oneD ? 3 : 4, oneD ? 3 : 4))
      return Type();
    auto stride = pair(2, 0, 1);
    if (!stride)
      return Type();
    if (!call.resolved[2])
      stride = k;
    if (!requireStatic(1, "channel (dim 1)"))
      return Type();
    call.kernel = {k->first, k->second};
    call.stride = {stride->first, stride->second};
    call.padding = {0, 0};
    auto type = windowType(x.dims[1]);
    return type ? *type : Type();
  }
  case Builtin::GlobalAvgPool:
    // The mean over H and W, flattened: [N, C] (PyTorch's
    // AdaptiveAvgPool2d(1) then flatten(1), Keras's GlobalAveragePooling2D).
    if (!requireRank(4, 4))
      return Type();
    return Type::tensor(x.elem, {x.dims[0], x.dims[1]});
  case Builtin::AdaptiveAvgPool2d:
  case Builtin::Upsample2d: {
    bool up = call.builtin == Builtin::Upsample2d;
    auto size = pair(1, 1, 1);
    if (!size || !requireRank(4, 4))
      return Type();
    // adaptive_avgpool2d has no third argument: read `mode` of upsample2d
    // only.
    if (Expr *e = up ? call.resolved[2] : nullptr) {
      auto *word = llvm::dyn_cast<NameExpr>(e);
      if (!word || (word->name != "nearest" && word->name != "bilinear")) {
        diags.error(
            e->getLoc(),
            "'mode' of 'upsample2d' must be nearest or bilinear" +
                (word ? ", got '" + word->name + "'" +
                            didYouMean(word->name, {"nearest", "bilinear"})
                      : std::string()));
        return Type();
      }
      word->type = Type::tensor(ElemType::I64);
      call.bilinear = word->name == "bilinear";
    }
    auto h = requireStatic(2, "height (dim 2)");
    if (!h)
      return Type();
    auto w = requireStatic(3, "width (dim 3)");
    if (!w)
      return Type();
    call.kernel = {size->first, size->second};
    int64_t oh = up ? *h * size->first : size->first;
    int64_t ow = up ? *w * size->second : size->second;
    // The resampling matrices are [out, in] constants.
    constexpr int64_t kLimit = int64_t(1) << 14;
    if (oh > kLimit || ow > kLimit) {
      diags.error(argLoc(call, 1), "'" + argName(call, 1) + "' of '" + name +
                                       "' gives an output of " + Twine(oh) +
                                       " x " + Twine(ow) + ", more than " +
                                       Twine(kLimit) + " on a side");
      return Type();
    }
    return Type::tensor(x.elem,
                        {x.dims[0], x.dims[1], Dim::fixed(oh), Dim::fixed(ow)});
  }
  case Builtin::BatchNorm:
  case Builtin::LayerNorm: {
    bool batch = call.builtin == Builtin::BatchNorm;
    if (batch && !numberArg(call, 1, 0.1))
      return Type();
    std::optional<double> eps = numberArg(call, batch ? 2 : 1, 1e-5);
    if (!eps)
      return Type();
    if (!(*eps > 0)) {
      diags.error(argLoc(call, batch ? 2 : 1),
                  "'eps' of '" + name + "' must be positive");
      return Type();
    }
    if (!(batch ? requireRank(2, 4) : requireRank(1, INT64_MAX)))
      return Type();
    auto features = batch ? requireStatic(1, "channel (dim 1)")
                          : requireStatic(x.rank() - 1, "last");
    if (!features)
      return Type();
    call.paramPrefix = paramPrefix(call, bindingName);
    addLayerParam(call.paramPrefix, "weight", {*features}, Builtin::Ones, {});
    addLayerParam(call.paramPrefix, "bias", {*features}, Builtin::Zeros, {});
    if (batch) {
      addLayerParam(call.paramPrefix, "running_mean", {*features},
                    Builtin::Zeros, {}, /*buffer=*/true);
      addLayerParam(call.paramPrefix, "running_var", {*features}, Builtin::Ones,
                    {}, /*buffer=*/true);
    }
    Type t = x;
    t.weak = false;
    return t;
  }
  case Builtin::Embedding: {
    auto vocab = positive(1);
    auto dim = positive(2);
    if (!vocab || !dim)
      return Type();
    if (!isInteger(x.elem)) {
      diags.error(loc, "'embedding' expects integer ids, got " + x.str());
      return Type();
    }
    call.paramPrefix = paramPrefix(call, bindingName);
    addLayerParam(call.paramPrefix, "weight", {*vocab, *dim}, Builtin::Normal,
                  {0.0, 1.0});
    Type t = Type::tensor(ElemType::F32, x.dims);
    t.dims.push_back(Dim::fixed(*dim));
    return t;
  }
  case Builtin::Lstm:
  case Builtin::Gru: {
    // PyTorch's nn.LSTM / nn.GRU, one layer, batch_first: the gates
    // stacked in its order (i f g o; r z n), every parameter
    // uniform(-1/sqrt(H), 1/sqrt(H)).
    auto units = positive(1);
    auto reverse = boolArg(call, 2, false);
    if (!units || !reverse || !requireRank(3, 3))
      return Type();
    auto in = requireStatic(2, "feature (dim 2)");
    if (!in)
      return Type();
    call.reverse = *reverse;
    call.paramPrefix = paramPrefix(call, bindingName);
    int64_t gates = (call.builtin == Builtin::Lstm ? 4 : 3) * *units;
    double bound = 1.0 / std::sqrt(double(*units));
    addLayerParam(call.paramPrefix, "weight_ih_l0", {gates, *in},
                  Builtin::Uniform, {-bound, bound});
    addLayerParam(call.paramPrefix, "weight_hh_l0", {gates, *units},
                  Builtin::Uniform, {-bound, bound});
    addLayerParam(call.paramPrefix, "bias_ih_l0", {gates}, Builtin::Uniform,
                  {-bound, bound});
    addLayerParam(call.paramPrefix, "bias_hh_l0", {gates}, Builtin::Uniform,
                  {-bound, bound});
    Type t = x;
    t.weak = false;
    t.dims.back() = Dim::fixed(*units);
    return t;
  }
  default:
    llvm_unreachable("not a layer");
  }
}

Type Sema::checkLoss(CallExpr &call) {
  SMLoc loc = call.getLoc();
  StringRef name = call.callee;
  if (call.builtin == Builtin::L1 || call.builtin == Builtin::L2) {
    auto *n = llvm::dyn_cast<NameExpr>(call.resolved[0]);
    if (n && !program.findModel(n->name) && !body->scope.count(n->name)) {
      llvm::SmallVector<StringRef> models;
      for (const auto &m : program.models)
        models.push_back(m->name);
      diags.error(n->getLoc(), "unknown model '" + n->name + "'" +
                                   didYouMean(n->name, models));
      return Type();
    }
    if (!n || !program.findModel(n->name) || body->scope.count(n->name)) {
      diags.error(call.resolved[0]->getLoc(),
                  "'" + name + "' expects a model name, e.g. " + name +
                      "(mlp)");
      return Type();
    }
    n->ref = NameExpr::Ref::Model;
    n->type = Type::of(ValueKind::Model);
    return Type::tensor(ElemType::F32);
  }
  Type a = checkTensor(*call.resolved[0], "'" + name.str() + "'");
  Type b = checkTensor(*call.resolved[1], "'" + name.str() + "'");
  if (!a.isValid() || !b.isValid())
    return Type();
  if (call.builtin == Builtin::CrossEntropy || call.builtin == Builtin::Nll)
    return checkClassLoss(call, a, b);
  if (call.builtin == Builtin::Huber) {
    std::optional<double> delta = numberArg(call, 2, 1.0);
    if (!delta)
      return Type();
    if (!(*delta > 0)) {
      diags.error(argLoc(call, 2), "'delta' of 'huber' must be positive");
      return Type();
    }
  }
  std::optional<ElemType> e = unifyElem(a, b, name, loc);
  if (!e)
    return Type();
  if (!isFloat(*e)) {
    diags.error(loc, "'" + name + "' expects floating-point tensors, got " +
                         a.str() + " and " + b.str());
    return Type();
  }
  if (!broadcast(a, b, name, loc))
    return Type();
  return Type::tensor(*e);
}

/// `cross_entropy(logits, labels, ...)` and `nll(log_probs, labels, ...)`:
/// an input `f[N, C]` against integer labels `[N]` or, for cross_entropy,
/// probabilities `f[N, C]` (soft targets), with PyTorch's `weight` (one
/// number per class), `ignore_index` and `label_smoothing`.
Type Sema::checkClassLoss(CallExpr &call, const Type &a, const Type &b) {
  bool ce = call.builtin == Builtin::CrossEntropy;
  bool labels = b.rank() == 1 && isInteger(b.elem) && a.rank() == 2 &&
                mayEqual(a.dims[0], b.dims[0]);
  bool soft = ce && b.rank() == 2 && isFloat(b.elem) && a.rank() == 2 &&
              mayEqual(a.dims[0], b.dims[0]) && mayEqual(a.dims[1], b.dims[1]);
  if (!isFloat(a.elem) || (!labels && !soft)) {
    diags.error(call.getLoc(),
                ce ? "'cross_entropy' expects logits f32[N, C] and integer "
                     "labels [N] or probabilities f32[N, C], got " +
                         a.str() + " and " + b.str()
                   : "'nll' expects log-probabilities f32[N, C] and integer "
                     "labels [N], got " +
                         a.str() + " and " + b.str());
    return Type();
  }
  // The composed form (every case but plain cross_entropy) counts classes.
  bool options = llvm::any_of(llvm::drop_begin(call.resolved, 2),
                              [](Expr *e) { return e != nullptr; });
  if ((!ce || options) && !a.dims[1].isStatic()) {
    diags.error(call.resolved[0]->getLoc(),
                "'" + call.callee +
                    "' needs a static number of classes "
                    "(dimension 1 of " +
                    a.str() + ")");
    return Type();
  }
  if (Expr *w = call.resolved[2]) {
    const std::vector<ExprPtr> *elements = nullptr;
    if (auto *l = llvm::dyn_cast<ListExpr>(w))
      elements = &l->elements;
    else if (auto *t = llvm::dyn_cast<TupleExpr>(w))
      elements = &t->elements;
    bool numbers = elements && llvm::all_of(*elements, [](const ExprPtr &x) {
                     return constNumber(x.get()).has_value();
                   });
    if (!numbers) {
      diags.error(w->getLoc(), "'weight' of '" + call.callee +
                                   "' must be a list of numbers, one per "
                                   "class");
      return Type();
    }
    if (int64_t(elements->size()) != a.dims[1].size) {
      diags.error(w->getLoc(), "'weight' of '" + call.callee + "' has " +
                                   Twine(elements->size()) + " entries for " +
                                   Twine(a.dims[1].size) + " classes");
      return Type();
    }
  }
  if (call.resolved[3]) {
    std::optional<int64_t> ignore = intArg(call, 3);
    if (!ignore)
      return Type();
    if (b.elem == ElemType::I32 && int32_t(*ignore) != *ignore) {
      diags.error(argLoc(call, 3), "'ignore_index' of '" + call.callee +
                                       "' does not fit its i32 labels");
      return Type();
    }
    if (soft) {
      diags.error(argLoc(call, 3), "'ignore_index' of 'cross_entropy' needs "
                                   "integer labels, not probabilities");
      return Type();
    }
  }
  if (ce) {
    std::optional<double> eps = numberArg(call, 4, 0.0);
    if (!eps)
      return Type();
    if (*eps < 0 || *eps > 1) {
      diags.error(argLoc(call, 4),
                  "'label_smoothing' of 'cross_entropy' must be in [0, 1]");
      return Type();
    }
  }
  return Type::tensor(a.elem);
}
