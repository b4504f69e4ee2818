//===- MLIRGenTrain.cpp - Model calls, losses and train blocks ------------===//
//
// A model call is inlined: the callee's statements are emitted in place, in
// a scope of their own, with its inputs bound to the call's arguments and
// its parameters to the caller's values (under the call's prefix inside a
// model, under their own names in a train block). A train block becomes one
// function computing its loss, with its settings as the `nn.train`
// dictionary (docs/TRAINING.md section 1).
//
//===----------------------------------------------------------------------===//

#include "frontend/Builtins.h"
#include "frontend/MLIRGen.h"
#include "frontend/Sema.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::Value;

/// Calls `fn` on every call in `e`, each after its arguments (the order of
/// evaluation). Model bodies are not entered.
static void forEachCall(const Expr &e,
                        llvm::function_ref<void(const CallExpr &)> fn) {
  auto visit = [&](const ExprPtr &x) {
    if (x)
      forEachCall(*x, fn);
  };
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&e)) {
    visit(u->operand);
  } else if (auto *b = llvm::dyn_cast<BinaryExpr>(&e)) {
    visit(b->lhs);
    visit(b->rhs);
  } else if (auto *c = llvm::dyn_cast<CallExpr>(&e)) {
    llvm::for_each(c->args, visit);
    for (const KeywordArg &k : c->keywords)
      visit(k.value);
    fn(*c);
  } else if (auto *l = llvm::dyn_cast<ListExpr>(&e)) {
    llvm::for_each(l->elements, visit);
  } else if (auto *t = llvm::dyn_cast<TupleExpr>(&e)) {
    llvm::for_each(t->elements, visit);
  } else if (auto *i = llvm::dyn_cast<IndexExpr>(&e)) {
    visit(i->base);
    for (const Subscript &s : i->subscripts) {
      visit(s.index);
      visit(s.lo);
      visit(s.hi);
    }
  }
}

/// Adds to `out` the names, under `prefix`, of the parameters of `model`
/// that are not weights for `l1`/`l2`: layer biases and the parameters of
/// norm layers. `param` declarations are weights.
static void collectNonWeights(const ModelDecl &model, const std::string &prefix,
                              llvm::StringSet<> &out) {
  auto visit = [&](const Expr &e) {
    forEachCall(e, [&](const CallExpr &c) {
      if (c.model) {
        collectNonWeights(*c.model, prefix + c.paramPrefix + ".", out);
        return;
      }
      bool norm =
          c.builtin == Builtin::BatchNorm || c.builtin == Builtin::LayerNorm;
      for (const ParamInfo &p : c.params)
        if (norm || llvm::StringRef(p.name).ends_with(".bias") ||
            llvm::StringRef(p.name).contains(".bias_"))
          out.insert(prefix + p.name);
    });
  };
  for (const StmtPtr &stmt : model.body) {
    if (auto *b = llvm::dyn_cast<BindingStmt>(stmt.get()))
      visit(*b->value);
    else if (auto *r = llvm::dyn_cast<ReturnStmt>(stmt.get()))
      for (const ExprPtr &v : r->values)
        visit(*v);
  }
}

Value MLIRGen::genModelCall(const CallExpr &call) {
  const ModelDecl &callee = *call.model;
  Scope inner;
  for (auto [arg, in] : llvm::zip(call.resolved, callee.inputs)) {
    mlir::Type elem = elemType(in.type.type.elem, in.range.Start);
    Value v = elem ? genAs(*arg, elem) : Value();
    if (!v)
      return nullptr;
    inner.values[in.name] = v;
  }
  // Sema named the call site's parameters `<prefix>.<name>` inside a model;
  // a train block's call uses the model's own names.
  for (const ParamInfo &p : callee.params) {
    std::string outer =
        call.paramPrefix.empty() ? p.name : call.paramPrefix + "." + p.name;
    Value v = scope.params.lookup(outer);
    if (!v) {
      diags.error(call.getLoc(), "no value for parameter '" + outer + "'");
      return nullptr;
    }
    inner.params[p.name] = v;
  }
  std::swap(scope, inner);
  llvm::SmallVector<Value, 1> results;
  const ReturnStmt *ret = genBody(callee, results);
  std::swap(scope, inner);
  if (!ret)
    return nullptr;

  // The caller may know more static sizes than the callee's body did (its
  // declared result, or sizes bound by the call's arguments).
  Value v = results[0];
  auto have = llvm::cast<mlir::RankedTensorType>(v.getType());
  auto want = tensorType(call.type, call.getLoc());
  if (!want || want.getRank() != have.getRank())
    return v;
  llvm::SmallVector<int64_t, 4> shape;
  for (auto [h, w] : llvm::zip(have.getShape(), want.getShape()))
    shape.push_back(mlir::ShapedType::isDynamic(h) ? w : h);
  auto refined = mlir::RankedTensorType::get(shape, have.getElementType());
  if (refined != have && llvm::count(shape, mlir::ShapedType::kDynamic) <= 1)
    v = nn::ReshapeOp::create(builder, loc(call.getLoc()), refined, v);
  return v;
}

Value MLIRGen::genPenalty(const CallExpr &call) {
  if (!scope.train)
    return unsupported(call.getLoc(),
                       "'" + call.callee + "' outside a train block");
  const ModelDecl *model =
      program->findModel(llvm::cast<NameExpr>(call.resolved[0])->name);
  llvm::StringSet<> nonWeights;
  collectNonWeights(*model, "", nonWeights);
  mlir::Location l = loc(call.getLoc());
  Value sum;
  for (const ParamInfo &p : model->params) {
    Value w = toCompute(scope.params.lookup(p.name));
    auto type = llvm::cast<mlir::RankedTensorType>(w.getType());
    if (nonWeights.contains(p.name) ||
        !llvm::isa<mlir::FloatType>(type.getElementType()))
      continue;
    Value term = call.builtin == Builtin::L1
                     ? Value(nn::AbsOp::create(builder, l, w))
                     : Value(nn::MulOp::create(builder, l, w, w));
    if (type.getRank() > 0)
      term =
          nn::ReduceSumOp::create(builder, l, term,
                                  builder.getDenseI64ArrayAttr(llvm::to_vector(
                                      llvm::seq<int64_t>(0, type.getRank()))),
                                  builder.getBoolAttr(false));
    sum = sum ? Value(nn::AddOp::create(builder, l, sum, term)) : term;
  }
  return sum ? sum : constant(0, builder.getF32Type(), l);
}

void MLIRGen::genTrain(const TrainDecl &train) {
  scope = Scope();
  scope.train = &train;
  bufferValues.clear();
  computeCopies.clear();
  training = &train;
  dropoutCounter = nullptr;
  dropoutCount = 0;
  logits = nullptr;
  logitsCall = nullptr;
  const Expr &loss = *train.setting("loss")->value;

  // The models the loss reaches, in the order it first calls (or names)
  // them, where it does, and its first loss of logits (or log-probabilities)
  // against integer labels, else its first bce_with_logits against an f32
  // input of the logits' shape (multi-label targets, scored at 0.5).
  llvm::SmallVector<std::pair<const ModelDecl *, llvm::SMLoc>> models;
  const CallExpr *multiLabelCall = nullptr;
  forEachCall(loss, [&](const CallExpr &c) {
    const ModelDecl *m = c.model;
    if (c.builtin == Builtin::L1 || c.builtin == Builtin::L2)
      m = program->findModel(llvm::cast<NameExpr>(c.resolved[0])->name);
    if (m && llvm::none_of(models, [&](auto &e) { return e.first == m; }))
      models.push_back({m, c.getLoc()});
    bool classLoss =
        c.builtin == Builtin::CrossEntropy || c.builtin == Builtin::Nll;
    if (!logitsCall && classLoss && isInteger(c.resolved[1]->type.elem))
      logitsCall = &c;
    // Model calls and other builtins may take fewer than two arguments.
    if (multiLabelCall || c.builtin != Builtin::BceWithLogits ||
        c.resolved.size() < 2)
      return;
    auto *target = llvm::dyn_cast<NameExpr>(c.resolved[1]);
    const ast::Type &x = c.resolved[0]->type;
    if (target &&
        target->ref == NameExpr::Ref::Input &&
        target->type.elem == ElemType::F32 && x.elem == ElemType::F32 &&
        x.rank() >= 1 && x.rank() == target->type.rank() &&
        llvm::all_of(llvm::zip(x.dims, target->type.dims), [](auto d) {
          return mayEqual(std::get<0>(d), std::get<1>(d));
        }))
      multiLabelCall = &c;
  });
  bool multiLabel = !logitsCall && multiLabelCall;
  if (multiLabel)
    logitsCall = multiLabelCall;

  llvm::SmallVector<mlir::Type> argTypes;
  llvm::SmallVector<mlir::DictionaryAttr> argAttrs;
  llvm::SmallVector<const ParamInfo *> params;
  bool ok = true;
  for (const InputDecl &in : train.inputs) {
    auto t = tensorType(in.type.type, in.range.Start);
    ok &= bool(t);
    argTypes.push_back(t);
    argAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr("nn.input", builder.getStringAttr(in.name))));
  }
  llvm::StringMap<const ModelDecl *> owners;
  for (auto [m, where] : models)
    for (const ParamInfo &p : m->params) {
      auto [it, inserted] = owners.try_emplace(p.name, m);
      if (!inserted) {
        diags.error(where, "models '" + it->second->name + "' and '" + m->name +
                               "' both have a parameter '" + p.name +
                               "'; a train block trains each model's "
                               "parameters under their own names");
        ok = false;
        continue;
      }
      auto t = tensorType(p.type, p.loc);
      ok &= bool(t);
      argTypes.push_back(t);
      argAttrs.push_back(paramAttrs(p));
      params.push_back(&p);
    }
  if (!ok)
    return;

  auto func = mlir::func::FuncOp::create(builder, loc(train.nameRange.Start),
                                         train.name,
                                         builder.getFunctionType(argTypes, {}));
  func.setAllArgAttrs(argAttrs);
  mlir::Block *entry = func.addEntryBlock();
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(entry);
  for (auto [i, in] : llvm::enumerate(train.inputs)) {
    entry->getArgument(i).setLoc(loc(in.range.Start));
    scope.values[in.name] = entry->getArgument(i);
  }
  for (auto [i, p] : llvm::enumerate(params)) {
    Value arg = entry->getArgument(train.inputs.size() + i);
    arg.setLoc(loc(p->loc));
    scope.params[p->name] = arg;
  }

  Value lossValue = gen(loss, builder.getF32Type());
  if (!lossValue) {
    func.erase();
    return;
  }
  llvm::SmallVector<Value> results{lossValue};
  llvm::SmallVector<mlir::DictionaryAttr> resultAttrs{
      builder.getDictionaryAttr({})};
  // The logits, for accuracy and F1, when their labels are an input or a
  // reshape of one (`reshape(next, [-1])` for per-position labels): a
  // reshape keeps the elements' order, so the driver scores the logits'
  // rows against the input's elements in memory order. Only integer targets
  // are class labels: f32 targets (soft labels, regression) are data, with
  // no classes to score, but for bce_with_logits's multi-label targets
  // (`nn.multilabel`: each element a yes/no decision at logit 0).
  const Expr *labelsExpr = logits ? logitsCall->resolved[1] : nullptr;
  while (auto *c = llvm::dyn_cast_if_present<CallExpr>(labelsExpr)) {
    if (c->builtin != Builtin::Reshape)
      break;
    labelsExpr = c->resolved[0];
  }
  if (logits)
    if (auto *labels = llvm::dyn_cast_if_present<NameExpr>(labelsExpr))
      if (labels->ref == NameExpr::Ref::Input &&
          (isInteger(labels->type.elem) || multiLabel)) {
        results.push_back(logits);
        llvm::SmallVector<mlir::NamedAttribute, 2> attrs{builder.getNamedAttr(
            "nn.logits_of", builder.getStringAttr(labels->name))};
        if (multiLabel)
          attrs.push_back(
              builder.getNamedAttr("nn.multilabel", builder.getUnitAttr()));
        // Samples labelled `ignore_index` are neither checked nor scored.
        const Expr *ignore =
            logitsCall->resolved.size() > 3 ? logitsCall->resolved[3] : nullptr;
        if (ignore)
          attrs.push_back(builder.getNamedAttr(
              "nn.ignore_index",
              builder.getI64IntegerAttr(constInt(ignore).value_or(0))));
        resultAttrs.push_back(builder.getDictionaryAttr(attrs));
      }
  finishTrainState(func, argTypes, argAttrs, results, resultAttrs);
  mlir::func::ReturnOp::create(builder, loc(loss.getLoc()), results);
  func.setType(
      builder.getFunctionType(argTypes, mlir::ValueRange(results).getTypes()));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
  func->setAttr("nn.train", trainSettings(train));
  training = nullptr;
}

namespace {
/// A train block's optimizer or schedule: a call (`sgd(lr = 0.1)`) or a
/// bare name (`cosine`).
struct SettingCall {
  Builtin id = Builtin::None;
  const CallExpr *call = nullptr;

  explicit SettingCall(const BindingStmt *s) {
    if (!s)
      return;
    if ((call = llvm::dyn_cast<CallExpr>(s->value.get())))
      id = call->builtin;
    else if (auto *n = llvm::dyn_cast<NameExpr>(s->value.get()))
      id = n->builtin;
  }
  llvm::StringRef name() const { return getBuiltinInfo(id).name; }
  /// The constant argument `param` (true is 1), or `dflt` where not given.
  double arg(llvm::StringRef param, double dflt) const {
    if (!call)
      return dflt;
    llvm::ArrayRef<BuiltinParam> params = getBuiltinInfo(id).params;
    for (auto [p, e] : llvm::zip(params, call->resolved)) {
      if (p.name != param || !e)
        continue;
      if (auto *b = llvm::dyn_cast<BoolExpr>(e))
        return b->value;
      return constNumber(e).value_or(dflt);
    }
    return dflt;
  }
};
} // namespace

mlir::DictionaryAttr MLIRGen::trainSettings(const TrainDecl &train) {
  llvm::SmallVector<mlir::NamedAttribute> attrs;
  auto add = [&](llvm::StringRef key, mlir::Attribute value) {
    attrs.push_back(builder.getNamedAttr(key, value));
  };
  auto f64 = [&](llvm::StringRef key, double v) {
    add(key, builder.getF64FloatAttr(v));
  };
  auto i64 = [&](llvm::StringRef key, int64_t v) {
    add(key, builder.getI64IntegerAttr(v));
  };

  // torch.optim's defaults.
  SettingCall opt(train.setting("optimizer"));
  add("optimizer", builder.getStringAttr(opt.name()));
  f64("lr", opt.arg("lr", 0));
  if (opt.id == Builtin::Sgd) {
    f64("momentum", opt.arg("momentum", 0));
    add("nesterov", builder.getBoolAttr(opt.arg("nesterov", 0) != 0));
    f64("weight_decay", opt.arg("weight_decay", 0));
  } else {
    f64("beta1", opt.arg("beta1", 0.9));
    f64("beta2", opt.arg("beta2", 0.999));
    f64("eps", opt.arg("eps", 1e-8));
    f64("weight_decay",
        opt.arg("weight_decay", opt.id == Builtin::AdamW ? 0.01 : 0));
  }

  for (auto [key, dflt] : {std::pair<llvm::StringRef, int64_t>{"batch", 64},
                           {"epochs", 1},
                           {"seed", 0}}) {
    const BindingStmt *s = train.setting(key);
    i64(key, s ? constInt(s->value.get()).value_or(dflt) : dflt);
  }
  if (const BindingStmt *s = train.setting("clip_norm"))
    f64("clip_norm", constNumber(s->value.get()).value_or(0));

  SettingCall schedule(train.setting("schedule"));
  add("schedule",
      builder.getStringAttr(schedule.id == Builtin::None ? "constant"
                                                         : schedule.name()));
  if (schedule.id == Builtin::Step) {
    i64("schedule_every", int64_t(schedule.arg("every", 1)));
    f64("schedule_gamma", schedule.arg("gamma", 1));
  } else if (schedule.id == Builtin::Cosine) {
    i64("schedule_warmup", int64_t(schedule.arg("warmup", 0)));
  }
  return builder.getDictionaryAttr(attrs);
}
