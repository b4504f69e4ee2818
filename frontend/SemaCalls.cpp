//===- SemaCalls.cpp - Calls of built-ins and models ----------------------===//
//
// Argument matching against the table in Builtins.cpp, then the type and
// shape rule of each built-in, and the parameters that model calls create
// (`<binding>.<param>`, else `<model>_<k>.<param>`). Layers and losses are
// in SemaLayers.cpp.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Casting.h"

#include <cmath>

using namespace deepc;
using namespace deepc::ast;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

static std::string plural(size_t n, StringRef word) {
  return std::to_string(n) + " " + word.str() + (n == 1 ? "" : "s");
}

static Type scalar(ElemType e) { return Type::tensor(e); }

std::string deepc::didYouMean(StringRef name,
                              llvm::ArrayRef<StringRef> candidates) {
  // A typo changes a few characters: at most a third of the name's length
  // (at least one), and less than the candidate's own length.
  unsigned best = std::max<size_t>(1, name.size() / 3) + 1;
  StringRef nearest;
  for (StringRef c : candidates) {
    unsigned d = name.edit_distance(c, /*AllowReplacements=*/true, best);
    if (d < best && d < c.size() && c != name) {
      best = d;
      nearest = c;
    }
  }
  return nearest.empty() ? "" : " (did you mean '" + nearest.str() + "'?)";
}

/// The names a call may name: the built-ins and the program's models.
static llvm::SmallVector<StringRef> callableNames(const Program &program) {
  llvm::SmallVector<StringRef> names;
  for (const BuiltinInfo &b : allBuiltins())
    names.push_back(b.name);
  for (const auto &m : program.models)
    names.push_back(m->name);
  return names;
}

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

bool Sema::resolveArgs(CallExpr &call, const BuiltinInfo &info) {
  SMLoc loc = call.getLoc();
  if (info.variadic) {
    // concat(a, b, ..., axis): a trailing integer constant is the axis.
    std::vector<Expr *> tensors;
    Expr *axis = nullptr;
    for (ExprPtr &a : call.args)
      tensors.push_back(a.get());
    for (KeywordArg &kw : call.keywords) {
      if (kw.name != "axis") {
        diags.error(kw.range.Start, "unknown keyword '" + kw.name + "' for '" +
                                        info.name + "' (expected: axis)" +
                                        didYouMean(kw.name, {"axis"}));
        return false;
      }
      axis = kw.value.get();
    }
    if (!axis && tensors.size() > 1 && constInt(tensors.back())) {
      axis = tensors.back();
      tensors.pop_back();
    }
    if (tensors.empty()) {
      diags.error(loc,
                  "'" + Twine(info.name) + "' expects at least one tensor");
      return false;
    }
    call.resolved = tensors;
    call.resolved.push_back(axis);
    return true;
  }

  size_t minPos = 0, maxPos = 0;
  for (const BuiltinParam &p : info.params) {
    minPos += p.required;
    maxPos += p.positional;
  }
  auto arityError = [&](size_t got) {
    std::string expected = minPos == maxPos
                               ? plural(maxPos, "positional argument")
                               : std::to_string(minPos) + " to " +
                                     plural(maxPos, "positional argument");
    diags.error(loc, "'" + Twine(info.name) + "' expects " + expected +
                         ", got " + Twine(got));
  };
  if (call.args.size() > maxPos) {
    arityError(call.args.size());
    return false;
  }
  call.resolved.assign(info.params.size(), nullptr);
  for (auto [i, a] : llvm::enumerate(call.args))
    call.resolved[i] = a.get();
  for (KeywordArg &kw : call.keywords) {
    auto it = llvm::find_if(
        info.params, [&](const BuiltinParam &p) { return kw.name == p.name; });
    if (it == info.params.end()) {
      // List the optional keywords, or every parameter if there are none;
      // an optimizer's, schedule's or initializer's parameters are all
      // settings (`sgd(lr = 0.1)`), so all of them.
      bool settings = info.category == BuiltinCategory::Optimizer ||
                      info.category == BuiltinCategory::Schedule ||
                      info.category == BuiltinCategory::Init;
      bool anyOptional = llvm::any_of(
          info.params, [](const BuiltinParam &p) { return !p.required; });
      std::string expected;
      llvm::SmallVector<StringRef> names;
      for (const BuiltinParam &p : info.params) {
        names.push_back(p.name);
        if (settings || !anyOptional || !p.required)
          expected += (expected.empty() ? "" : ", ") + std::string(p.name);
      }
      diags.error(
          kw.range.Start,
          "unknown keyword '" + kw.name + "' for '" + info.name +
              "' (expected: " + (expected.empty() ? "no arguments" : expected) +
              ")" + didYouMean(kw.name, names));
      return false;
    }
    size_t index = it - info.params.begin();
    if (call.resolved[index]) {
      diags.error(kw.range.Start, "argument '" + kw.name + "' of '" +
                                      info.name + "' is given twice");
      return false;
    }
    call.resolved[index] = kw.value.get();
  }
  for (auto [i, p] : llvm::enumerate(info.params)) {
    if (!p.required || call.resolved[i])
      continue;
    if (call.keywords.empty())
      arityError(call.args.size());
    else
      diags.error(loc, "missing argument '" + Twine(p.name) + "' of '" +
                           info.name + "'");
    return false;
  }
  return true;
}

SMLoc Sema::argLoc(CallExpr &call, unsigned index) {
  if (index < call.resolved.size() && call.resolved[index])
    return call.resolved[index]->getLoc();
  return call.getLoc();
}

/// The name of argument `index` of `call`, for messages.
std::string deepc::argName(const CallExpr &call, unsigned index) {
  const BuiltinInfo &info = getBuiltinInfo(call.builtin);
  if (info.variadic)
    return "axis";
  return info.params[index].name;
}

std::optional<int64_t> Sema::intArg(CallExpr &call, unsigned index,
                                    std::optional<int64_t> dflt) {
  Expr *e = call.resolved[index];
  if (!e)
    return dflt;
  std::optional<int64_t> v = constInt(e);
  if (!v) {
    diags.error(e->getLoc(), "'" + argName(call, index) + "' of '" +
                                 call.callee + "' must be an integer constant");
    return std::nullopt;
  }
  e->type = scalar(ElemType::I64);
  e->type.weak = true;
  return v;
}

std::optional<double> Sema::numberArg(CallExpr &call, unsigned index,
                                      std::optional<double> dflt) {
  Expr *e = call.resolved[index];
  if (!e)
    return dflt;
  std::optional<double> v = constNumber(e);
  if (!v) {
    diags.error(e->getLoc(), "'" + argName(call, index) + "' of '" +
                                 call.callee + "' must be a number constant");
    return std::nullopt;
  }
  e->type = scalar(ElemType::F32);
  e->type.weak = true;
  return v;
}

std::optional<bool> Sema::boolArg(CallExpr &call, unsigned index, bool dflt) {
  Expr *e = call.resolved[index];
  if (!e)
    return dflt;
  auto *b = llvm::dyn_cast<BoolExpr>(e);
  if (!b) {
    diags.error(e->getLoc(), "'" + argName(call, index) + "' of '" +
                                 call.callee + "' must be true or false");
    return std::nullopt;
  }
  e->type = scalar(ElemType::Bool);
  return b->value;
}

std::optional<llvm::SmallVector<int64_t, 4>> Sema::intListArg(CallExpr &call,
                                                              unsigned index) {
  Expr *e = call.resolved[index];
  llvm::SmallVector<int64_t, 4> values;
  auto bad = [&] {
    diags.error(e->getLoc(), "'" + argName(call, index) + "' of '" +
                                 call.callee +
                                 "' must be an integer or a tuple of "
                                 "integers");
    return std::nullopt;
  };
  const std::vector<ExprPtr> *elements = nullptr;
  if (auto *t = llvm::dyn_cast<TupleExpr>(e))
    elements = &t->elements;
  else if (auto *l = llvm::dyn_cast<ListExpr>(e))
    elements = &l->elements;
  if (!elements) {
    std::optional<int64_t> v = constInt(e);
    if (!v)
      return bad();
    values.push_back(*v);
    return values;
  }
  for (const ExprPtr &x : *elements) {
    std::optional<int64_t> v = constInt(x.get());
    if (!v)
      return bad();
    values.push_back(*v);
  }
  return values;
}

std::optional<int64_t> Sema::normalizeAxis(int64_t axis, int64_t rank,
                                           SMLoc loc, StringRef what) {
  if (axis < -rank || axis >= rank) {
    diags.error(loc, "axis " + Twine(axis) + " is out of range for '" + what +
                         "' on a tensor of rank " + Twine(rank));
    return std::nullopt;
  }
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

Type Sema::checkCall(CallExpr &call, StringRef bindingName,
                     BuiltinCategory allowed) {
  if (program.findModel(call.callee) && !body->scope.count(call.callee))
    return checkModelCall(call, bindingName);
  const BuiltinInfo *info = lookupBuiltin(call.callee);
  if (!info) {
    if (body->scope.count(call.callee))
      diags.error(call.getLoc(),
                  "'" + call.callee + "' is a value, not a function or model");
    else
      diags.error(call.getLoc(),
                  "unknown function or model '" + call.callee + "'" +
                      didYouMean(call.callee, callableNames(program)));
    return Type();
  }
  call.builtin = info->id;
  switch (info->category) {
  case BuiltinCategory::Optimizer:
  case BuiltinCategory::Schedule:
  case BuiltinCategory::Init:
    if (allowed != info->category) {
      const char *where = info->category == BuiltinCategory::Optimizer
                              ? "an optimizer; it can only be the value of a "
                                "train block's 'optimizer'"
                          : info->category == BuiltinCategory::Schedule
                              ? "a schedule; it can only be the value of a "
                                "train block's 'schedule'"
                              : "an initializer; it can only follow '=' in a "
                                "'param'";
      diags.error(call.getLoc(), "'" + call.callee + "' is " + where);
      return Type();
    }
    if (!resolveArgs(call, *info) || !checkSettingArgs(call))
      return Type();
    return Type::of(
        info->category == BuiltinCategory::Optimizer  ? ValueKind::Optimizer
        : info->category == BuiltinCategory::Schedule ? ValueKind::Schedule
                                                      : ValueKind::Init);
  case BuiltinCategory::Layer:
    if (!body->model) {
      diags.error(call.getLoc(), "'" + call.callee +
                                     "' creates parameters and can only be "
                                     "used inside a model");
      return Type();
    }
    break;
  default:
    break;
  }
  if (!resolveArgs(call, *info))
    return Type();
  return checkBuiltin(call, bindingName);
}

bool Sema::checkSettingArgs(CallExpr &call) {
  bool ok = true;
  for (unsigned i = 0; i < call.resolved.size(); ++i) {
    Expr *e = call.resolved[i];
    if (!e)
      continue;
    StringRef name = getBuiltinInfo(call.builtin).params[i].name;
    if (name == "nesterov") {
      ok &= boolArg(call, i, false).has_value();
      continue;
    }
    if (name == "every" || name == "warmup") {
      std::optional<int64_t> v = intArg(call, i);
      if (v && *v < (name == "every" ? 1 : 0)) {
        diags.error(e->getLoc(),
                    "'" + name + "' of '" + call.callee + "' must be " +
                        (name == "every" ? "positive" : "non-negative"));
        ok = false;
      }
      ok &= v.has_value();
      continue;
    }
    std::optional<double> v = numberArg(call, i);
    if (!v) {
      ok = false;
      continue;
    }
    bool positive = name == "lr" || name == "std" || name == "eps";
    if (positive
            ? !(*v > 0)
            : !(*v >= 0) && name != "mean" && name != "lo" && name != "hi") {
      diags.error(e->getLoc(), "'" + name + "' of '" + call.callee +
                                   "' must be " +
                                   (positive ? "positive" : "non-negative"));
      ok = false;
    }
  }
  if (ok && call.builtin == Builtin::Uniform &&
      *constNumber(call.resolved[0]) > *constNumber(call.resolved[1])) {
    diags.error(call.getLoc(), "'uniform' needs lo <= hi");
    ok = false;
  }
  return ok;
}

std::string Sema::paramPrefix(CallExpr &call, StringRef bindingName) {
  unsigned k = body->callCounts[call.callee]++;
  if (!bindingName.empty())
    return bindingName.str();
  return call.callee + "_" + std::to_string(k);
}

Type Sema::checkModelCall(CallExpr &call, StringRef bindingName) {
  ModelDecl *callee = nullptr;
  for (auto &m : program.models)
    if (m->name == call.callee)
      callee = m.get();
  call.model = callee;
  if (body->model == callee || modelState[callee] == ModelState::InProgress) {
    diags.error(call.getLoc(), "model '" + callee->name +
                                   "' is called recursively; recursion is not allowed");
    return Type();
  }
  // Nested calls are inlined recursively: a limit on their depth, checked
  // before checking the callee (which recurses too).
  auto nestedTooDeeply = [&] {
    if (body->model)
      tooDeep.insert(body->model);
    diags.error(call.getLoc(), "model calls are nested too deeply (more than " +
                                   Twine(kMaxModelDepth) + " levels)");
    return Type();
  };
  if (modelState[callee] == ModelState::Unchecked &&
      modelsInProgress >= kMaxModelDepth)
    return nestedTooDeeply();
  checkModel(*callee);
  if (tooDeep.contains(callee)) {
    if (body->model)
      tooDeep.insert(body->model);
    return Type();
  }
  // A train block's call adds one level to the model's chain too.
  unsigned depth = modelDepth.lookup(callee) + 1;
  if (depth > kMaxModelDepth)
    return nestedTooDeeply();
  if (body->model)
    modelDepth[body->model] = std::max(modelDepth[body->model], depth);
  if (!call.keywords.empty()) {
    diags.error(call.keywords[0].range.Start,
                "a model call takes positional arguments only");
    return Type();
  }
  if (call.args.size() != callee->inputs.size()) {
    diags.error(call.getLoc(), "'" + callee->name + "' expects " +
                                   plural(callee->inputs.size(), "argument") +
                                   ", got " + Twine(call.args.size()));
    return Type();
  }
  bool ok = true;
  llvm::StringMap<Dim> subst;
  for (auto [arg, input] : llvm::zip(call.args, callee->inputs)) {
    call.resolved.push_back(arg.get());
    Type t = checkTensor(*arg, "a model call");
    if (!t.isValid()) {
      ok = false;
      continue;
    }
    const Type &want = input.type.type;
    bool match = computeType(t.elem) == computeType(want.elem) &&
                 t.rank() == want.rank();
    for (int64_t i = 0; match && i < t.rank(); ++i) {
      const Dim &d = want.dims[i], &a = t.dims[i];
      if (a.isUnknown())
        continue;
      if (d.isStatic()) {
        match = a == d;
        continue;
      }
      auto [it, inserted] = subst.try_emplace(d.name, a);
      match = inserted || it->second == a || it->second.isUnknown();
    }
    if (!match) {
      diags.error(arg->getLoc(), "argument '" + input.name + "' of '" +
                                     callee->name + "' has type " + t.str() +
                                     ", but '" + callee->name + "' expects " +
                                     want.str());
      ok = false;
    }
  }
  if (!ok)
    return Type();
  if (callee->results.size() != 1) {
    diags.error(call.getLoc(), "model '" + callee->name + "' returns " +
                                   Twine(callee->results.size()) +
                                   " results; a call of it must give one");
    return Type();
  }
  Type result = callee->results[0].type;
  for (Dim &d : result.dims)
    if (d.isNamed()) {
      auto it = subst.find(d.name);
      d = it == subst.end() ? Dim::unknown() : it->second;
    }
  // Inside a model each call site has its own parameters; a train block
  // uses the model's own.
  if (body->model) {
    call.paramPrefix = paramPrefix(call, bindingName);
    for (const ParamInfo &p : callee->params) {
      ParamInfo q = p;
      q.name = call.paramPrefix + "." + p.name;
      q.loc = call.getLoc();
      call.params.push_back(q);
      addParam(q);
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Built-ins
//===----------------------------------------------------------------------===//

bool deepc::mayEqual(const Dim &a, const Dim &b) {
  return a == b || a.isUnknown() || b.isUnknown();
}

Type Sema::checkBuiltin(CallExpr &call, StringRef bindingName) {
  StringRef name = call.callee;
  SMLoc loc = call.getLoc();
  auto tensorArg = [&](unsigned i) {
    return checkTensor(*call.resolved[i], "'" + name.str() + "'");
  };
  auto requireFloat = [&](const Type &t) {
    if (t.isValid() && !isFloat(t.elem)) {
      diags.error(loc, "'" + name + "' expects a floating-point tensor, got " +
                           t.str());
      return false;
    }
    return t.isValid();
  };
  auto elementwise = [&](unsigned i, unsigned j) -> Type {
    Type a = tensorArg(i), b = tensorArg(j);
    if (!a.isValid() || !b.isValid())
      return Type();
    std::optional<ElemType> e = unifyElem(a, b, name, loc);
    if (!e)
      return Type();
    if (*e == ElemType::Bool) {
      diags.error(loc, "'" + name + "' expects numeric tensors");
      return Type();
    }
    auto dims = broadcast(a, b, name, loc);
    if (!dims)
      return Type();
    Type t = Type::tensor(*e, *dims);
    t.weak = a.weak && b.weak;
    return t;
  };

  switch (call.builtin) {
  case Builtin::Relu:
  case Builtin::Gelu:
  case Builtin::Tanh:
  case Builtin::Sigmoid:
  case Builtin::Exp:
  case Builtin::Log:
  case Builtin::Sqrt:
  case Builtin::Rsqrt: {
    Type x = tensorArg(0);
    return requireFloat(x) ? x : Type();
  }
  case Builtin::Abs:
  case Builtin::Neg: {
    Type x = tensorArg(0);
    if (x.isValid() && x.elem == ElemType::Bool) {
      diags.error(loc,
                  "'" + name + "' expects a numeric tensor, got " + x.str());
      return Type();
    }
    return x;
  }
  case Builtin::CastBf16:
  case Builtin::CastF32: {
    // `bf16(x)` stores x as bf16 (rounding to nearest even), `f32(x)` as
    // f32: torch's x.bfloat16() and x.float(), on float tensors.
    Type x = tensorArg(0);
    if (!requireFloat(x))
      return Type();
    return Type::tensor(call.builtin == Builtin::CastBf16 ? ElemType::BF16
                                                          : ElemType::F32,
                        x.dims);
  }
  case Builtin::LeakyRelu: {
    Type x = tensorArg(0);
    if (!numberArg(call, 1) || !requireFloat(x))
      return Type();
    return x;
  }
  case Builtin::Dropout: {
    Type x = tensorArg(0);
    std::optional<double> p = numberArg(call, 1);
    if (!p || !requireFloat(x))
      return Type();
    if (*p < 0 || *p >= 1) {
      diags.error(argLoc(call, 1), "'p' of 'dropout' must be in [0, 1)");
      return Type();
    }
    return x;
  }
  case Builtin::Pow:
    return elementwise(0, 1);
  case Builtin::Max:
  case Builtin::Min:
    if (call.resolved[1]) {
      if (call.resolved[2] || call.resolved[3]) {
        diags.error(loc, "'" + name +
                             "' takes either a second tensor or an 'axis', "
                             "not both");
        return Type();
      }
      return elementwise(0, 1);
    }
    [[fallthrough]];
  case Builtin::Sum:
  case Builtin::Mean:
  case Builtin::Argmax: {
    Type x = tensorArg(0);
    return x.isValid() ? checkReduction(call, x) : Type();
  }
  case Builtin::Where: {
    Type c = tensorArg(0);
    Type ab = elementwise(1, 2);
    if (!c.isValid() || !ab.isValid())
      return Type();
    if (c.elem != ElemType::Bool) {
      diags.error(argLoc(call, 0),
                  "the condition of 'where' must be bool, got " + c.str());
      return Type();
    }
    auto dims = broadcast(c, ab, name, loc);
    if (!dims)
      return Type();
    return Type::tensor(ab.elem, *dims);
  }
  case Builtin::Softmax:
  case Builtin::LogSoftmax: {
    Type x = tensorArg(0);
    std::optional<int64_t> axis = intArg(call, 1, -1);
    if (!requireFloat(x) || !axis)
      return Type();
    auto a = normalizeAxis(*axis, x.rank(), argLoc(call, 1), name);
    if (!a)
      return Type();
    call.axes = {*a};
    return x;
  }
  case Builtin::Arange: {
    // A constant: 0, 1, ..., n-1 (torch.arange(n)); `n` is bounded so the
    // constant stays small.
    std::optional<int64_t> n = intArg(call, 0);
    if (!n)
      return Type();
    if (*n < 1 || *n > (int64_t(1) << 20)) {
      diags.error(argLoc(call, 0),
                  "'n' of 'arange' must be in [1, 1048576], got " + Twine(*n));
      return Type();
    }
    return Type::tensor(ElemType::I64, {Dim::fixed(*n)});
  }
  case Builtin::Reshape:
  case Builtin::Flatten:
  case Builtin::Transpose:
  case Builtin::Concat: {
    Type x = tensorArg(0);
    return x.isValid() ? checkShapeOp(call, x) : Type();
  }
  case Builtin::Dense:
  case Builtin::Conv1d:
  case Builtin::Conv2d:
  case Builtin::MaxPool1d:
  case Builtin::MaxPool2d:
  case Builtin::AvgPool1d:
  case Builtin::AvgPool2d:
  case Builtin::GlobalAvgPool:
  case Builtin::AdaptiveAvgPool2d:
  case Builtin::Upsample2d:
  case Builtin::BatchNorm:
  case Builtin::LayerNorm:
  case Builtin::Embedding:
  case Builtin::Lstm:
  case Builtin::Gru: {
    Type x = tensorArg(0);
    return x.isValid() ? checkLayer(call, x, bindingName) : Type();
  }
  case Builtin::CrossEntropy:
  case Builtin::Mse:
  case Builtin::BceWithLogits:
  case Builtin::Nll:
  case Builtin::L1Loss:
  case Builtin::Huber:
  case Builtin::L1:
  case Builtin::L2:
    return checkLoss(call);
  default:
    llvm_unreachable("handled in checkCall");
  }
}

Type Sema::checkReduction(CallExpr &call, const Type &x) {
  bool isMaxMin = call.builtin == Builtin::Max || call.builtin == Builtin::Min;
  unsigned axisIndex = isMaxMin ? 2 : 1;
  std::optional<bool> keepdims = boolArg(call, axisIndex + 1, false);
  if (!keepdims)
    return Type();
  llvm::SmallVector<bool, 4> reduced(x.rank(), true);
  if (call.resolved[axisIndex]) {
    auto axes = intListArg(call, axisIndex);
    if (!axes)
      return Type();
    if (call.builtin == Builtin::Argmax && axes->size() != 1) {
      diags.error(argLoc(call, axisIndex), "'argmax' takes a single axis");
      return Type();
    }
    reduced.assign(x.rank(), false);
    for (int64_t a : *axes) {
      auto n = normalizeAxis(a, x.rank(), argLoc(call, axisIndex), call.callee);
      if (!n)
        return Type();
      if (reduced[*n]) {
        diags.error(argLoc(call, axisIndex), "axis " + Twine(a) +
                                                 " appears twice in '" +
                                                 call.callee + "'");
        return Type();
      }
      reduced[*n] = true;
    }
  }
  if (x.elem == ElemType::Bool ||
      (call.builtin == Builtin::Mean && !isFloat(x.elem))) {
    diags.error(
        call.getLoc(),
        "'" + call.callee + "' expects a " +
            (call.builtin == Builtin::Mean ? "floating-point" : "numeric") +
            " tensor, got " + x.str());
    return Type();
  }
  call.keepdims = *keepdims;
  if (call.resolved[axisIndex])
    for (int64_t i = 0; i < x.rank(); ++i)
      if (reduced[i])
        call.axes.push_back(i);
  Type t =
      Type::tensor(call.builtin == Builtin::Argmax ? ElemType::I64 : x.elem);
  for (int64_t i = 0; i < x.rank(); ++i) {
    if (!reduced[i])
      t.dims.push_back(x.dims[i]);
    else if (*keepdims)
      t.dims.push_back(Dim::fixed(1));
  }
  return t;
}

/// The number of elements of `dims` as a static product and the names it
/// multiplies; `unknown` if a dimension is `?`.
namespace {
struct ElementCount {
  int64_t product = 1;
  llvm::SmallVector<std::string, 2> names;
  bool unknown = false;
  bool overflow = false;
  void add(const Dim &d) {
    if (d.isStatic()) {
      if (__builtin_mul_overflow(product, d.size, &product))
        overflow = true;
    } else if (d.isNamed()) {
      names.push_back(d.name);
    } else {
      unknown = true;
    }
  }
};
} // namespace

Type Sema::checkShapeOp(CallExpr &call, const Type &x) {
  SMLoc loc = call.getLoc();
  switch (call.builtin) {
  case Builtin::Flatten: {
    if (x.rank() < 1) {
      diags.error(loc, "'flatten' expects a tensor of rank 1 or more, got " +
                           x.str());
      return Type();
    }
    ElementCount rest;
    for (int64_t i = 1; i < x.rank(); ++i)
      rest.add(x.dims[i]);
    Dim inner = rest.names.empty() && !rest.unknown && !rest.overflow
                    ? Dim::fixed(rest.product)
                    : Dim::unknown();
    return Type::tensor(x.elem, {x.dims[0], inner});
  }
  case Builtin::Transpose: {
    auto perm = intListArg(call, 1);
    if (!perm)
      return Type();
    llvm::SmallVector<bool, 4> seen(x.rank(), false);
    bool ok = (int64_t)perm->size() == x.rank();
    for (int64_t p : *perm) {
      ok = ok && p >= 0 && p < x.rank() && !seen[p];
      if (ok)
        seen[p] = true;
    }
    if (!ok) {
      std::string list;
      for (int64_t p : *perm)
        list += (list.empty() ? "" : ", ") + std::to_string(p);
      diags.error(argLoc(call, 1),
                  "'transpose' of " + x.str() +
                      " expects a permutation of 0.." +
                      Twine(std::max<int64_t>(x.rank() - 1, 0)) + ", got [" +
                      list + "]");
      return Type();
    }
    Type t = Type::tensor(x.elem);
    call.axes.assign(perm->begin(), perm->end());
    for (int64_t p : *perm)
      t.dims.push_back(x.dims[p]);
    return t;
  }
  case Builtin::Reshape: {
    Expr *shape = call.resolved[1];
    const std::vector<ExprPtr> *elements = nullptr;
    if (auto *l = llvm::dyn_cast<ListExpr>(shape))
      elements = &l->elements;
    else if (auto *t = llvm::dyn_cast<TupleExpr>(shape))
      elements = &t->elements;
    if (!elements) {
      diags.error(shape->getLoc(),
                  "the shape of 'reshape' must be a list such as [-1, 784]");
      return Type();
    }
    Type t = Type::tensor(x.elem);
    int inferred = -1;
    ElementCount target;
    for (auto [i, e] : llvm::enumerate(*elements)) {
      if (auto *n = llvm::dyn_cast<NameExpr>(e.get())) {
        if (!body->dims.count(n->name)) {
          diags.error(n->getLoc(), "unknown dimension '" + n->name + "'");
          return Type();
        }
        t.dims.push_back(Dim::named(n->name));
        target.add(t.dims.back());
        continue;
      }
      std::optional<int64_t> v = constInt(e.get());
      if (!v || *v == 0 || *v < -1) {
        diags.error(e->getLoc(), "a dimension of 'reshape' must be a positive "
                                 "integer, a dimension name or -1");
        return Type();
      }
      if (*v == -1) {
        if (inferred >= 0) {
          diags.error(e->getLoc(), "only one dimension of 'reshape' may be -1");
          return Type();
        }
        inferred = i;
        t.dims.push_back(Dim::unknown());
        continue;
      }
      t.dims.push_back(Dim::fixed(*v));
      target.add(t.dims.back());
    }
    ElementCount source;
    for (const Dim &d : x.dims)
      source.add(d);
    if (source.unknown || source.overflow || target.overflow)
      return t;
    auto fail = [&] {
      std::string shapeStr = Type::tensor(x.elem, t.dims).str();
      shapeStr = shapeStr.substr(shapeStr.find('['));
      if (inferred >= 0) {
        // Show the -1 as written.
        size_t pos = 1;
        for (int i = 0; i < inferred; ++i)
          pos = shapeStr.find(", ", pos) + 2;
        shapeStr.replace(pos, 1, "-1");
      }
      diags.error(loc, "cannot reshape " + x.str() + " into " + shapeStr +
                           ": the element counts differ");
      return Type();
    };
    // The names of the target must all occur in the source.
    llvm::SmallVector<std::string, 2> left = source.names;
    for (const std::string &n : target.names) {
      auto it = llvm::find(left, n);
      if (it == left.end())
        return fail();
      left.erase(it);
    }
    if (inferred < 0) {
      if (!left.empty() || source.product != target.product)
        return fail();
      return t;
    }
    if (source.product % target.product != 0)
      return fail();
    int64_t rest = source.product / target.product;
    if (left.empty())
      t.dims[inferred] = Dim::fixed(rest);
    else if (left.size() == 1 && rest == 1)
      t.dims[inferred] = Dim::named(left[0]);
    return t;
  }
  case Builtin::Concat: {
    size_t n = call.resolved.size() - 1;
    std::optional<int64_t> axis = intArg(call, n, 0);
    if (!axis)
      return Type();
    auto a = normalizeAxis(*axis, x.rank(), argLoc(call, n), "concat");
    if (!a)
      return Type();
    call.axes = {*a};
    Type t = x;
    t.weak = false;
    // The sizes along the axis add up; any size not static makes it `?`.
    int64_t along = x.dims[*a].isStatic() ? x.dims[*a].size : -1;
    for (size_t i = 1; i < n; ++i) {
      Type y = checkTensor(*call.resolved[i], "'concat'");
      if (!y.isValid())
        return Type();
      bool ok =
          computeType(y.elem) == computeType(x.elem) && y.rank() == x.rank();
      for (int64_t d = 0; ok && d < x.rank(); ++d)
        ok = d == *a || mayEqual(x.dims[d], y.dims[d]);
      if (!ok) {
        diags.error(call.resolved[i]->getLoc(),
                    "'concat' along axis " + Twine(*a) + " of " + x.str() +
                        " and " + y.str() + ": the other dimensions differ");
        return Type();
      }
      if (along < 0 || !y.dims[*a].isStatic() ||
          __builtin_add_overflow(along, y.dims[*a].size, &along))
        along = -1;
      // The other dimensions: a `?` of one operand takes the other's size.
      for (int64_t d = 0; d < x.rank(); ++d)
        if (d != *a && t.dims[d].isUnknown())
          t.dims[d] = y.dims[d];
    }
    if (n > 1)
      t.dims[*a] = along >= 0 ? Dim::fixed(along) : Dim::unknown();
    return t;
  }
  default:
    llvm_unreachable("not a shape op");
  }
}
