//===- Sema.cpp - Names, types and shapes of .nn programs -----------------===//
//
// Declarations, statements, names and operators. Calls are in SemaCalls.cpp.
//
//===----------------------------------------------------------------------===//

#include "frontend/Sema.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Casting.h"

using namespace deepc;
using namespace deepc::ast;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;

std::optional<int64_t> deepc::constInt(const Expr *e) {
  if (auto *n = llvm::dyn_cast_or_null<NumberExpr>(e))
    return n->isInt ? std::optional<int64_t>(n->intValue) : std::nullopt;
  if (auto *u = llvm::dyn_cast_or_null<UnaryExpr>(e))
    if (auto v = constInt(u->operand.get()))
      if (*v != INT64_MIN)
        return -*v;
  return std::nullopt;
}

std::optional<double> deepc::constNumber(const Expr *e) {
  if (auto *n = llvm::dyn_cast_or_null<NumberExpr>(e))
    return n->floatValue;
  if (auto *u = llvm::dyn_cast_or_null<UnaryExpr>(e))
    if (auto v = constNumber(u->operand.get()))
      return -*v;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Declarations
//===----------------------------------------------------------------------===//

bool Sema::run() {
  // Names of models and train blocks are global and unique.
  llvm::StringMap<SMLoc> declared;
  auto declare = [&](StringRef name, SMLoc loc, StringRef what) {
    if (lookupBuiltin(name)) {
      diags.error(loc, Twine(what) + " name '" + name +
                           "' is the name of a built-in function");
      return;
    }
    auto [it, inserted] = declared.try_emplace(name, loc);
    if (!inserted) {
      diags.error(loc, "duplicate declaration of '" + name + "'");
      diags.note(it->second, "previous declaration is here");
    }
  };
  for (auto &m : program.models)
    declare(m->name, m->nameRange.Start, "model");
  for (auto &t : program.trains)
    declare(t->name, t->nameRange.Start, "train block");

  for (auto &m : program.models)
    checkModel(*m);
  for (auto &t : program.trains)
    checkTrain(*t);
  return diags.numErrors() == 0;
}

/// Whether one sample of `t` (its static dimensions; a parameter's are all
/// static) has a byte size that fits in int64: shapes beyond that cannot be
/// allocated or even indexed (issue 7, limits).
static bool sizeFits(const Type &t) {
  uint64_t bytes = t.elem == ElemType::I64    ? 8
                   : t.elem == ElemType::BF16 ? 2
                   : t.elem == ElemType::Bool ? 1
                                              : 4;
  for (const Dim &d : t.dims) {
    if (!d.isStatic() || d.size == 0)
      continue;
    if (bytes > uint64_t(INT64_MAX) / uint64_t(d.size))
      return false;
    bytes *= uint64_t(d.size);
  }
  return true;
}

static std::string tooLarge(const Twine &what, const Type &t) {
  return (what + " of type " + t.str() +
          " is too large: its dimensions multiply to more than 2^63 bytes")
      .str();
}

bool Sema::checkInputs(std::vector<InputDecl> &inputs) {
  bool ok = true;
  for (InputDecl &in : inputs) {
    if (!sizeFits(in.type.type)) {
      diags.error(in.type.range.Start,
                  tooLarge("input '" + in.name + "'", in.type.type));
      ok = false;
    }
    for (auto [i, dim] : llvm::enumerate(in.type.type.dims)) {
      if (i == 0 && dim.isStatic()) {
        diags.error(in.type.dimLocs[0],
                    "dimension 0 of input '" + in.name +
                        "' is the batch and must be a name, e.g. 'N'");
        ok = false;
      }
      if (dim.isNamed())
        body->dims.try_emplace(dim.name, in.type.dimLocs[i]);
    }
    in.type.type.kind = ValueKind::Tensor;
    ok &= bind(in.name, in.range.Start,
               Symbol{NameExpr::Ref::Input, in.type.type, in.range.Start});
  }
  return ok;
}

bool Sema::checkDimsBound(const TypeSpec &spec, StringRef what) {
  bool ok = true;
  for (auto [i, dim] : llvm::enumerate(spec.type.dims)) {
    if (dim.isNamed() && !body->dims.count(dim.name)) {
      diags.error(spec.dimLocs[i], "unknown dimension '" + dim.name + "' in " +
                                       what +
                                       " (dimension names are bound by the "
                                       "inputs)");
      ok = false;
    }
  }
  return ok;
}

void Sema::checkModel(ModelDecl &model) {
  // No reference into modelState across the body: checking it checks the
  // models it calls, whose entries may grow (and move) the map.
  if (modelState.lookup(&model) != ModelState::Unchecked)
    return;
  modelState[&model] = ModelState::InProgress;
  ++modelsInProgress;
  modelDepth[&model] = 1;
  Body modelBody;
  modelBody.model = &model;
  Body *saved = body;
  body = &modelBody;

  checkInputs(model.inputs);
  // A result type with an unknown dimension is reported once, not again at
  // the return.
  for (TypeSpec &result : model.results) {
    result.type.kind = ValueKind::Tensor;
    if (!checkDimsBound(result, "the result type of '" + model.name + "'"))
      body->badResults.insert(&result);
    else if (!sizeFits(result.type)) {
      diags.error(result.range.Start,
                  tooLarge("a result of '" + model.name + "'", result.type));
      body->badResults.insert(&result);
    }
  }
  const ReturnStmt *ret = nullptr;
  for (StmtPtr &stmt : model.body) {
    if (ret) {
      diags.error(stmt->getLoc(), "statement after 'return'");
      break;
    }
    if (auto *b = llvm::dyn_cast<BindingStmt>(stmt.get())) {
      Type t = checkExpr(*b->value, b->name);
      if (t.isValid() && !t.isTensor()) {
        diags.error(b->value->getLoc(),
                    "'" + b->name + "' must be bound to a tensor, not " +
                        t.str());
        t = Type();
      }
      bind(b->name, b->getLoc(),
           Symbol{NameExpr::Ref::Binding, t, b->getLoc()});
    } else if (auto *p = llvm::dyn_cast<ParamStmt>(stmt.get())) {
      checkParam(*p);
    } else if (auto *r = llvm::dyn_cast<ReturnStmt>(stmt.get())) {
      checkReturn(*r);
      ret = r;
    }
  }
  if (!ret)
    diags.error(model.nameRange.Start,
                "model '" + model.name + "' has no 'return'");
  body = saved;
  --modelsInProgress;
  modelState[&model] = ModelState::Done;
}

void Sema::checkParam(ParamStmt &param) {
  Type type = param.type.type;
  type.kind = ValueKind::Tensor;
  bool ok = true;
  for (auto [i, dim] : llvm::enumerate(type.dims)) {
    if (!dim.isNamed())
      continue;
    ok = false;
    if (body->dims.count(dim.name))
      diags.error(param.type.dimLocs[i],
                  "dimension '" + dim.name + "' of parameter '" + param.name +
                      "' must be a constant, but '" + dim.name +
                      "' is an input dimension known only at run time");
    else
      diags.error(param.type.dimLocs[i], "unknown dimension '" + dim.name +
                                             "' in parameter '" + param.name +
                                             "'");
  }

  ParamInfo info;
  info.name = param.name;
  info.type = type;
  info.loc = param.getLoc();
  Expr &init = *param.init;
  const BuiltinInfo *builtin = nullptr;
  if (auto *n = llvm::dyn_cast<NameExpr>(&init)) {
    builtin = lookupBuiltin(n->name);
    if (builtin && builtin->category == BuiltinCategory::Init) {
      n->ref = NameExpr::Ref::Builtin;
      n->builtin = builtin->id;
      n->type = Type::of(ValueKind::Init);
      for (const BuiltinParam &p : builtin->params)
        if (p.required) {
          diags.error(n->getLoc(), "'" + n->name + "' needs arguments, e.g. " +
                                       n->name + "(...)");
          ok = false;
          break;
        }
    }
  } else if (auto *c = llvm::dyn_cast<CallExpr>(&init)) {
    builtin = lookupBuiltin(c->callee);
    if (builtin && builtin->category == BuiltinCategory::Init) {
      c->type = checkCall(*c, {}, BuiltinCategory::Init);
      ok &= c->type.isValid();
      if (c->type.isValid())
        for (Expr *arg : c->resolved)
          info.initArgs.push_back(*constNumber(arg));
    }
  }
  if (!builtin || builtin->category != BuiltinCategory::Init) {
    diags.error(init.getLoc(),
                "expected an initializer (zeros, ones, normal(mean, std), "
                "uniform(lo, hi), glorot_uniform, he_normal)");
    ok = false;
  } else {
    info.init = builtin->id;
    if (builtin->id != Builtin::Zeros && builtin->id != Builtin::Ones &&
        !isFloat(type.elem)) {
      diags.error(init.getLoc(), "'" + Twine(builtin->name) +
                                     "' needs a floating-point parameter, "
                                     "got " +
                                     type.str());
      ok = false;
    }
    if ((builtin->id == Builtin::GlorotUniform ||
         builtin->id == Builtin::HeNormal) &&
        type.rank() < 2) {
      diags.error(init.getLoc(), "'" + Twine(builtin->name) +
                                     "' needs a parameter of rank 2 or more, "
                                     "got " +
                                     type.str());
      ok = false;
    }
  }
  if (ok)
    addParam(info);
  bind(param.name, param.nameRange.Start,
       Symbol{NameExpr::Ref::Param, ok ? type : Type(), param.getLoc()});
}

void Sema::addParam(ParamInfo info) {
  if (!body->model)
    return;
  if (!sizeFits(info.type)) {
    diags.error(info.loc, tooLarge("parameter '" + info.name + "'", info.type));
    return;
  }
  auto [it, inserted] = body->paramNames.try_emplace(info.name, info.loc);
  if (!inserted) {
    diags.error(info.loc, "parameter name '" + info.name +
                              "' is already used; bind this call to a "
                              "different name");
    diags.note(it->second, "previous parameter of that name is created here");
    return;
  }
  body->model->params.push_back(std::move(info));
}

/// Whether `actual` can be returned where `declared` is declared.
static bool dimsAgree(const Dim &declared, const Dim &actual) {
  return declared == actual || actual.isUnknown() || declared.isUnknown();
}

void Sema::checkReturn(ReturnStmt &ret) {
  ModelDecl &model = *body->model;
  std::vector<Expr *> values;
  for (ExprPtr &v : ret.values)
    values.push_back(v.get());
  // `return (a, b)` is `return a, b`.
  if (values.size() == 1)
    if (auto *tuple = llvm::dyn_cast<TupleExpr>(values[0])) {
      values.clear();
      for (ExprPtr &v : tuple->elements)
        values.push_back(v.get());
    }
  if (values.size() != model.results.size()) {
    diags.error(ret.getLoc(), "model '" + model.name + "' declares " +
                                  Twine(model.results.size()) +
                                  " result(s) but returns " +
                                  Twine(values.size()));
    return;
  }
  for (auto [v, declared] : llvm::zip(values, model.results)) {
    Type t = checkTensor(*v, "return");
    if (!t.isValid() || body->badResults.count(&declared))
      continue;
    const Type &d = declared.type;
    // A literal takes the declared element type if it can.
    bool elemOk =
        t.weak ? (isFloat(t.elem) ? isFloat(d.elem) : d.elem != ElemType::Bool)
               : computeType(t.elem) == computeType(d.elem);
    bool ok = elemOk && t.rank() == d.rank();
    for (unsigned i = 0; ok && i < t.rank(); ++i)
      ok = dimsAgree(d.dims[i], t.dims[i]);
    if (!ok)
      diags.error(v->getLoc(), "returned value has type " + t.str() +
                                   ", but the model declares " + d.str());
  }
}

bool Sema::bind(StringRef name, SMLoc loc, Symbol symbol) {
  auto [it, inserted] = body->scope.try_emplace(name, symbol);
  if (inserted)
    return true;
  diags.error(loc, "duplicate binding '" + name + "'");
  diags.note(it->second.loc, "'" + name + "' is first bound here");
  return false;
}

void Sema::checkTrain(TrainDecl &train) {
  Body trainBody;
  Body *saved = body;
  body = &trainBody;
  checkInputs(train.inputs);
  llvm::StringMap<SMLoc> seen;
  for (auto &setting : train.settings) {
    auto [it, inserted] = seen.try_emplace(setting->name, setting->getLoc());
    if (!inserted) {
      diags.error(setting->getLoc(),
                  "duplicate setting '" + setting->name + "'");
      diags.note(it->second, "first set here");
      continue;
    }
    checkSetting(train, *setting);
  }
  for (StringRef key : {"loss", "optimizer"})
    if (!seen.count(key))
      diags.error(train.nameRange.Start,
                  "train block '" + train.name + "' has no '" + key + "'");
  body = saved;
}

void Sema::checkSetting(TrainDecl &train, BindingStmt &setting) {
  StringRef key = setting.name;
  Expr &value = *setting.value;
  if (key == "loss") {
    Type t = checkTensor(value, "loss");
    if (t.isValid() && (t.rank() != 0 || !isFloat(t.elem)))
      diags.error(value.getLoc(),
                  "'loss' must be a floating-point scalar, got " + t.str());
    return;
  }
  auto specialCall = [&](BuiltinCategory category, StringRef what,
                         StringRef examples) {
    const BuiltinInfo *info = nullptr;
    if (auto *c = llvm::dyn_cast<CallExpr>(&value)) {
      info = lookupBuiltin(c->callee);
      if (info && info->category == category) {
        c->type = checkCall(*c, {}, category);
        return;
      }
    } else if (auto *n = llvm::dyn_cast<NameExpr>(&value)) {
      info = lookupBuiltin(n->name);
      if (info && info->category == category) {
        // A bare name is a call without arguments.
        if (llvm::any_of(info->params,
                         [](const BuiltinParam &p) { return p.required; })) {
          diags.error(n->getLoc(), "'" + n->name + "' needs arguments, e.g. " +
                                       n->name + "(...)");
          return;
        }
        n->ref = NameExpr::Ref::Builtin;
        n->builtin = info->id;
        n->type = Type::of(category == BuiltinCategory::Optimizer
                               ? ValueKind::Optimizer
                               : ValueKind::Schedule);
        return;
      }
    }
    diags.error(value.getLoc(),
                "'" + key + "' must be " + what + " (" + examples + ")");
  };
  if (key == "optimizer")
    return specialCall(BuiltinCategory::Optimizer, "an optimizer",
                       "sgd(lr, ...), adam(lr, ...), adamw(lr, ...)");
  if (key == "schedule")
    return specialCall(BuiltinCategory::Schedule, "a schedule",
                       "constant, step(every, gamma), cosine(warmup = 0)");
  if (key == "batch" || key == "epochs" || key == "seed") {
    std::optional<int64_t> v = constInt(&value);
    int64_t min = key == "seed" ? 0 : 1;
    if (!v || *v < min)
      diags.error(value.getLoc(), "'" + key + "' must be " +
                                      (min ? "a positive" : "a non-negative") +
                                      " integer constant");
    else
      value.type = Type::tensor(ElemType::I64), value.type.weak = true;
    return;
  }
  if (key == "clip_norm") {
    std::optional<double> v = constNumber(&value);
    if (!v || !(*v > 0))
      diags.error(value.getLoc(), "'clip_norm' must be a positive number");
    else
      value.type = Type::tensor(ElemType::F32), value.type.weak = true;
    return;
  }
  diags.error(setting.getLoc(),
              "unknown setting '" + key + "' in train block '" + train.name +
                  "' (expected: loss, optimizer, batch, epochs, clip_norm, "
                  "seed, schedule)" +
                  didYouMean(key, {"loss", "optimizer", "batch", "epochs",
                                   "clip_norm", "seed", "schedule"}));
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

Type Sema::checkExpr(Expr &e, StringRef bindingName) {
  Type t;
  if (auto *n = llvm::dyn_cast<NumberExpr>(&e)) {
    t = Type::tensor(n->isInt ? ElemType::I64 : ElemType::F32);
    t.weak = true;
  } else if (llvm::isa<BoolExpr>(&e)) {
    t = Type::tensor(ElemType::Bool);
  } else if (auto *n = llvm::dyn_cast<NameExpr>(&e)) {
    t = checkName(*n);
  } else if (auto *u = llvm::dyn_cast<UnaryExpr>(&e)) {
    t = checkTensor(*u->operand, "unary '-'");
    if (t.isValid() && t.elem == ElemType::Bool) {
      diags.error(e.getLoc(),
                  "unary '-' expects a numeric operand, got " + t.str());
      t = Type();
    }
  } else if (auto *b = llvm::dyn_cast<BinaryExpr>(&e)) {
    t = checkBinary(*b);
  } else if (auto *c = llvm::dyn_cast<CallExpr>(&e)) {
    t = checkCall(*c, bindingName);
  } else if (auto *i = llvm::dyn_cast<IndexExpr>(&e)) {
    t = checkIndex(*i);
  } else {
    diags.error(e.getLoc(), llvm::isa<ListExpr>(&e)
                                ? "a list is not a value here; lists are "
                                  "arguments such as the shape of 'reshape'"
                                : "a tuple is not a value here; tuples are "
                                  "arguments such as 'axis = (0, 1)'");
  }
  // Arithmetic on bf16 is done in f32: only names, `bf16(x)` and model
  // calls (whose results are stored as declared) give bf16 values.
  if (t.isValid() && t.isTensor() && !isStorage(e))
    t.elem = computeType(t.elem);
  e.type = t;
  return t;
}

bool Sema::isStorage(const Expr &e) {
  if (llvm::isa<NameExpr>(&e))
    return true;
  auto *c = llvm::dyn_cast<CallExpr>(&e);
  return c && (c->model || c->builtin == Builtin::CastBf16);
}

Type Sema::checkTensor(Expr &e, StringRef what) {
  Type t = checkExpr(e);
  if (t.isValid() && !t.isTensor()) {
    notATensor(e, what);
    return Type();
  }
  return t;
}

void Sema::notATensor(Expr &e, StringRef what) {
  bool op = what.size() <= 2;
  diags.error(e.getLoc(), (op ? "'" + what + "'" : Twine(what)) +
                              " expects a tensor, got " + e.type.str());
}

Type Sema::checkName(NameExpr &e) {
  auto it = body->scope.find(e.name);
  if (it != body->scope.end()) {
    e.ref = it->second.ref;
    return it->second.type;
  }
  if (program.findModel(e.name)) {
    diags.error(e.getLoc(), "model '" + e.name +
                                "' is not a value; call it, e.g. " + e.name +
                                "(x)");
    return Type();
  }
  if (lookupBuiltin(e.name)) {
    diags.error(e.getLoc(), "'" + e.name +
                                "' is a built-in function; call it, e.g. " +
                                e.name + "(...)");
    return Type();
  }
  llvm::SmallVector<llvm::StringRef> names;
  for (const auto &entry : body->scope)
    names.push_back(entry.getKey());
  llvm::sort(names); // the nearest of equals, whatever the hash order
  diags.error(e.getLoc(),
              "unknown name '" + e.name + "'" + didYouMean(e.name, names));
  return Type();
}

std::optional<ElemType> Sema::unifyElem(const Type &a, const Type &b,
                                        StringRef what, SMLoc loc) {
  auto describe = [](const Type &t) {
    if (!t.weak)
      return t.str();
    return std::string(isFloat(t.elem) ? "a float literal"
                                       : "an integer literal");
  };
  auto fail = [&]() -> std::optional<ElemType> {
    diags.error(loc, "type mismatch in '" + what + "': " + describe(a) +
                         " and " + describe(b));
    return std::nullopt;
  };
  if (a.weak && b.weak)
    return isFloat(a.elem) || isFloat(b.elem) ? ElemType::F32 : ElemType::I64;
  if (a.weak || b.weak) {
    const Type &lit = a.weak ? a : b;
    const Type &other = a.weak ? b : a;
    if (other.elem == ElemType::Bool && lit.elem != ElemType::Bool)
      return fail();
    if (isFloat(lit.elem) && !isFloat(other.elem))
      return fail();
    return computeType(other.elem);
  }
  if (computeType(a.elem) != computeType(b.elem))
    return fail();
  return computeType(a.elem);
}

std::optional<llvm::SmallVector<Dim, 4>>
Sema::broadcast(const Type &a, const Type &b, StringRef what, SMLoc loc) {
  int64_t rank = std::max(a.rank(), b.rank());
  llvm::SmallVector<Dim, 4> dims(rank);
  for (int64_t i = 0; i < rank; ++i) {
    int64_t ia = i - (rank - a.rank()), ib = i - (rank - b.rank());
    if (ia < 0) {
      dims[i] = b.dims[ib];
      continue;
    }
    if (ib < 0) {
      dims[i] = a.dims[ia];
      continue;
    }
    const Dim &da = a.dims[ia], &db = b.dims[ib];
    if (da == db || db.size == 1 || da.isUnknown()) {
      dims[i] = da.isUnknown() && db.size != 1 ? db : da;
    } else if (da.size == 1 || db.isUnknown()) {
      dims[i] = da.size == 1 ? db : da;
    } else {
      diags.error(loc, "shape mismatch in '" + what + "': " + a.str() +
                           " and " + b.str() + " cannot be broadcast");
      return std::nullopt;
    }
  }
  return dims;
}

Type Sema::checkBinary(BinaryExpr &e) {
  // Long operator chains recurse here: keep this frame small and do the
  // work in binaryRule.
  Type l = checkTensor(*e.lhs, binaryOpSpelling(e.op));
  if (!l.isValid())
    return checkTensor(*e.rhs, binaryOpSpelling(e.op)), Type();
  Type r = checkTensor(*e.rhs, binaryOpSpelling(e.op));
  if (!r.isValid())
    return Type();
  return binaryRule(e, l, r);
}

Type Sema::binaryRule(BinaryExpr &e, const Type &l, const Type &r) {
  StringRef op = binaryOpSpelling(e.op);
  std::optional<ElemType> elem = unifyElem(l, r, op, e.getLoc());
  if (!elem)
    return Type();
  bool isCompare = e.op >= BinaryOp::Lt;
  bool isEquality = e.op == BinaryOp::Eq || e.op == BinaryOp::Ne;
  if (*elem == ElemType::Bool && !isEquality) {
    diags.error(e.getLoc(), "'" + op + "' expects numeric operands, got " +
                                l.str() + " and " + r.str());
    return Type();
  }

  if (e.op == BinaryOp::MatMul) {
    if (l.rank() < 2 || r.rank() < 2) {
      diags.error(e.getLoc(), "'@' expects operands of rank 2 or more, got " +
                                  l.str() + " and " + r.str());
      return Type();
    }
    const Dim &k1 = l.dims[l.rank() - 1], &k2 = r.dims[r.rank() - 2];
    if (k1 != k2 && !k1.isUnknown() && !k2.isUnknown()) {
      diags.error(e.getLoc(), "shape mismatch in '@': " + l.str() + " and " +
                                  r.str() + " (the inner dimensions differ)");
      return Type();
    }
    Type lb = l, rb = r;
    lb.dims.truncate(l.rank() - 2);
    rb.dims.truncate(r.rank() - 2);
    auto batch = broadcast(lb, rb, op, e.getLoc());
    if (!batch)
      return Type();
    Type t = Type::tensor(*elem, *batch);
    t.dims.push_back(l.dims[l.rank() - 2]);
    t.dims.push_back(r.dims[r.rank() - 1]);
    return t;
  }

  auto dims = broadcast(l, r, op, e.getLoc());
  if (!dims)
    return Type();
  Type t = Type::tensor(isCompare ? ElemType::Bool : *elem, *dims);
  t.weak = l.weak && r.weak && !isCompare;
  return t;
}

Type Sema::checkIndex(IndexExpr &e) {
  Type base = checkTensor(*e.base, "a subscript");
  if (!base.isValid())
    return Type();
  if ((int64_t)e.subscripts.size() > base.rank()) {
    diags.error(e.getLoc(), "too many subscripts for " + base.str() + ": " +
                                Twine(e.subscripts.size()) + " given");
    return Type();
  }
  Type t = Type::tensor(base.elem);
  e.slices.clear();
  for (int64_t i = 0; i < base.rank(); ++i) {
    const Dim &d = base.dims[i];
    IndexExpr::DimSlice slice;
    if (i >= (int64_t)e.subscripts.size()) {
      slice.end = d.size;
      e.slices.push_back(slice);
      t.dims.push_back(d);
      continue;
    }
    Subscript &sub = e.subscripts[i];
    auto bound = [&](Expr *x) -> std::optional<std::optional<int64_t>> {
      if (!x)
        return std::optional<int64_t>();
      std::optional<int64_t> v = constInt(x);
      if (!v) {
        diags.error(x->getLoc(), "subscripts must be integer constants");
        return std::nullopt;
      }
      return v;
    };
    if (!sub.isSlice) {
      auto v = bound(sub.index.get());
      if (!v)
        return Type();
      int64_t k = **v;
      if (d.isStatic()) {
        if (k < -d.size || k >= d.size) {
          diags.error(sub.range.Start, "index " + Twine(k) +
                                           " is out of range for dimension " +
                                           Twine(i) + " of " + base.str());
          return Type();
        }
        k = k < 0 ? k + d.size : k;
      }
      slice.begin = k;
      slice.end = k + 1;
      slice.dropped = true;
      e.slices.push_back(slice);
      continue;
    }
    auto lo = bound(sub.lo.get());
    auto hi = bound(sub.hi.get());
    if (!lo || !hi)
      return Type();
    if (!d.isStatic()) {
      // Only a full slice of a dynamic dimension keeps its name.
      slice.begin = lo->value_or(0);
      slice.end = hi->value_or(-1);
      e.slices.push_back(slice);
      t.dims.push_back(!*lo && !*hi ? d : Dim::unknown());
      continue;
    }
    auto clamp = [&](int64_t v) {
      if (v < 0)
        v += d.size;
      return std::min(std::max<int64_t>(v, 0), d.size);
    };
    slice.begin = lo->has_value() ? clamp(**lo) : 0;
    slice.end = hi->has_value() ? clamp(**hi) : d.size;
    if (slice.end <= slice.begin) {
      diags.error(sub.range.Start,
                  "empty slice of dimension " + Twine(i) + " of " + base.str());
      return Type();
    }
    e.slices.push_back(slice);
    t.dims.push_back(Dim::fixed(slice.end - slice.begin));
  }
  return t;
}
