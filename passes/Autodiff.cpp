//===- Autodiff.cpp - Reverse-mode autodiff and the optimizer update ------===//
//
// deepc-autodiff (docs/TRAINING.md sections 2 and 4): a generic reverse walk
// over the ops between the parameters and the loss, asking each op's
// DifferentiableOpInterface for its rule, then gradient clipping and the
// torch.optim update, built from nn elementwise ops on rank-0 tensors.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/CSE.h"

namespace deepc {
#define GEN_PASS_DEF_AUTODIFFPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

namespace {

/// The optimizer settings of an `nn.train` dictionary (docs/TRAINING.md
/// section 1); absent keys take torch.optim's defaults.
struct Settings {
  std::string optimizer = "sgd";
  double momentum = 0, weightDecay = 0;
  bool nesterov = false;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  std::optional<double> clipNorm;
};

/// A trained parameter: its argument, name and gradient, and the optimizer
/// state arguments that belong to it.
struct Param {
  BlockArgument arg;
  std::string name;
  Value grad;    ///< null when the loss does not reach the parameter
  Value updated; ///< the parameter after the step
  /// The parameter in the compute type, which the update works in: the
  /// argument itself, or its f32 extension for a bf16 parameter.
  Value value;
  /// Not trained (`nn.buffer`, batchnorm's running statistics): no gradient
  /// and no state; after the step it is the value the function returned
  /// under its name, if any.
  bool buffer = false;
  SmallVector<std::pair<std::string, BlockArgument>> state;
  SmallVector<Value> newState;
};

/// Builds the nn ops of the update at one location with rank-0 constants
/// of one element type.
struct Emitter {
  OpBuilder &b;
  Location loc;
  Type elementType;

  Value cst(double value) {
    auto type = RankedTensorType::get({}, elementType);
    return nn::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            type, b.getFloatAttr(cast<FloatType>(elementType), value)));
  }
  Value add(Value x, Value y) { return nn::AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return nn::SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return nn::MulOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return nn::DivOp::create(b, loc, x, y); }
  Value mul(double x, Value y) { return mul(cst(x), y); }
  Value sqrt(Value x) { return nn::SqrtOp::create(b, loc, x); }

  /// The sum of every element of `x`, rank 0.
  Value sumAll(Value x) {
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    if (rank == 0)
      return x;
    return nn::ReduceSumOp::create(
        b, loc, x, llvm::to_vector(llvm::seq<int64_t>(0, rank)), false);
  }

  /// A tensor of zeros of `like`'s type.
  Value zerosLike(Value like) {
    auto type = cast<RankedTensorType>(like.getType());
    if (type.hasStaticShape())
      return nn::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(
              type, b.getFloatAttr(cast<FloatType>(elementType), 0.0)));
    return nn::BroadcastToOp::create(b, loc, cst(0.0), like);
  }
};

} // namespace

/// Reads the optimizer settings of `dict`, reporting unknown optimizers.
static FailureOr<Settings> readSettings(func::FuncOp func) {
  auto dict = func->getAttrOfType<DictionaryAttr>("nn.train");
  if (!dict)
    return func.emitError("nn.train must be a dictionary of settings");
  Settings s;
  auto number = [&](StringRef key, double &out) {
    if (auto f = dict.getAs<FloatAttr>(key))
      out = f.getValueAsDouble();
    else if (auto i = dict.getAs<IntegerAttr>(key))
      out = static_cast<double>(i.getInt());
  };
  if (auto name = dict.getAs<StringAttr>("optimizer"))
    s.optimizer = name.str();
  if (s.optimizer != "sgd" && s.optimizer != "adam" && s.optimizer != "adamw")
    return func.emitError("unknown optimizer '") << s.optimizer << "'";
  if (s.optimizer == "adamw")
    s.weightDecay = 0.01;
  number("momentum", s.momentum);
  number("weight_decay", s.weightDecay);
  number("beta1", s.beta1);
  number("beta2", s.beta2);
  number("eps", s.eps);
  if (auto nesterov = dict.getAs<BoolAttr>("nesterov"))
    s.nesterov = nesterov.getValue();
  if (dict.get("clip_norm")) {
    double clip = 0;
    number("clip_norm", clip);
    s.clipNorm = clip;
  }
  return s;
}

static bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// Builds, before the terminator of `block`, the gradient of `loss` with
/// respect to each of `params` (null for a parameter the loss does not
/// reach), and erases the adjoints nothing needs. The operand adjoints of
/// ops named `corruptRule` are doubled: a deliberately wrong rule, for
/// testing that gradcheck notices.
static LogicalResult buildGradients(Block &block, Value loss,
                                    MutableArrayRef<Param> params,
                                    StringRef corruptRule) {
  Operation *terminator = block.getTerminator();
  SmallVector<Operation *> forward;
  for (Operation &op : block.without_terminator())
    forward.push_back(&op);

  // Values that depend on a parameter, and values the loss depends on.
  DenseSet<Value> active, useful = {loss};
  for (Param &p : params)
    if (!p.buffer)
      active.insert(p.arg);
  for (Operation *op : forward)
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      for (Value r : op->getResults())
        if (isFloatTensor(r))
          active.insert(r);
  for (Operation *op : llvm::reverse(forward))
    if (llvm::any_of(op->getResults(),
                     [&](Value v) { return useful.contains(v); }))
      useful.insert(op->operand_begin(), op->operand_end());

  OpBuilder b(terminator);
  DenseMap<Value, Value> adjoints;
  if (active.contains(loss)) {
    Emitter e{b, loss.getLoc(), getElementTypeOrSelf(loss.getType())};
    adjoints[loss] = e.cst(1.0);
  }
  for (Operation *op : llvm::reverse(forward)) {
    SmallVector<Value> resultAdjoints;
    for (Value r : op->getResults())
      resultAdjoints.push_back(adjoints.lookup(r));
    if (llvm::all_of(resultAdjoints, [](Value v) { return !v; }))
      continue;
    auto rule = dyn_cast<nn::DifferentiableOpInterface>(op);
    if (!rule)
      return op->emitError("no gradient for '") << op->getName() << "' yet";
    SmallVector<Value> operandAdjoints;
    if (failed(rule.buildOperandAdjoints(b, resultAdjoints, operandAdjoints)))
      return failure();
    if (operandAdjoints.size() != op->getNumOperands())
      return op->emitError("gradient rule of '")
             << op->getName() << "' gave " << operandAdjoints.size()
             << " adjoints for " << op->getNumOperands() << " operands";
    for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
      if (!active.contains(operand) || !useful.contains(operand))
        continue;
      // A null adjoint: the operand's value does not affect the result
      // (labels, a condition, the shape operand of broadcast_to).
      Value adjoint = operandAdjoints[i];
      if (!adjoint)
        continue;
      if (adjoint.getType() != operand.getType())
        return op->emitError("gradient rule of '")
               << op->getName() << "' gave " << adjoint.getType()
               << " for operand #" << i << " of type " << operand.getType();
      if (op->getName().getStringRef() == corruptRule)
        adjoint = nn::AddOp::create(b, op->getLoc(), adjoint, adjoint);
      Value &sum = adjoints[operand];
      sum = sum ? nn::AddOp::create(b, op->getLoc(), sum, adjoint) : adjoint;
    }
  }
  for (Param &p : params) {
    p.grad = adjoints.lookup(p.arg);
    // A bf16 parameter is read through its f32 extension (nn.cast): its
    // gradient is that f32 adjoint, not rounded to bf16.
    if (p.arg.hasOneUse())
      if (auto ext = dyn_cast<nn::CastOp>(*p.arg.getUsers().begin()))
        if (Value g = adjoints.lookup(ext.getResult()))
          p.grad = g;
  }
  return success();
}

/// Erases the ops after the forward ones (the first `numForward`) that
/// nothing reads: rules build the adjoints of every operand, needed or not.
static void eraseDeadAdjoints(Block &block, size_t numForward) {
  SmallVector<Operation *> added;
  for (Operation &op : llvm::drop_begin(block.without_terminator(), numForward))
    added.push_back(&op);
  for (Operation *op : llvm::reverse(added))
    if (isOpTriviallyDead(op))
      op->erase();
}

/// clip_grad_norm_: every gradient times min(clip / (total + 1e-6), 1),
/// total being the 2-norm of all gradient elements together.
static void clipGradients(Emitter &e, MutableArrayRef<Param> params,
                          double clipNorm) {
  Value squares;
  for (Param &p : params) {
    if (!p.grad)
      continue;
    Value s = e.sumAll(e.mul(p.grad, p.grad));
    squares = squares ? e.add(squares, s) : s;
  }
  if (!squares)
    return;
  Value total = e.sqrt(squares);
  Value coef = e.div(e.cst(clipNorm), e.add(total, e.cst(1e-6)));
  coef = nn::MinOp::create(e.b, e.loc, coef, e.cst(1.0));
  for (Param &p : params)
    if (p.grad)
      p.grad = e.mul(p.grad, coef);
}

/// torch.optim.SGD with momentum, nesterov and weight decay.
static void buildSgd(Emitter &e, const Settings &s, Value lr, Param &p) {
  Value g = p.grad;
  if (s.weightDecay != 0)
    g = e.add(g, e.mul(s.weightDecay, p.value));
  if (s.momentum != 0) {
    Value buf = e.add(e.mul(s.momentum, p.state[0].second), g);
    p.newState[0] = buf;
    g = s.nesterov ? e.add(g, e.mul(s.momentum, buf)) : buf;
  }
  p.updated = e.sub(p.value, e.mul(lr, g));
}

/// torch.optim.Adam / AdamW at step `t` (already incremented).
static void buildAdam(Emitter &e, const Settings &s, Value lr, Value t,
                      Param &p) {
  Value param = p.value, g = p.grad;
  if (s.optimizer == "adamw")
    param = e.mul(param, e.sub(e.cst(1.0), e.mul(lr, e.cst(s.weightDecay))));
  else if (s.weightDecay != 0)
    g = e.add(g, e.mul(s.weightDecay, param));
  Value m = e.add(e.mul(s.beta1, p.state[0].second), e.mul(1 - s.beta1, g));
  Value v =
      e.add(e.mul(s.beta2, p.state[1].second), e.mul(1 - s.beta2, e.mul(g, g)));
  p.newState[0] = m;
  p.newState[1] = v;
  auto correction = [&](double beta) {
    return e.sub(e.cst(1.0), nn::PowOp::create(e.b, e.loc, e.cst(beta), t));
  };
  Value stepSize = e.div(lr, correction(s.beta1));
  Value denom =
      e.add(e.div(e.sqrt(v), e.sqrt(correction(s.beta2))), e.cst(s.eps));
  p.updated = e.sub(param, e.mul(stepSize, e.div(m, denom)));
}

/// `{key = "name"}`.
static DictionaryAttr namedAttr(MLIRContext *context, StringRef key,
                                StringRef name) {
  return DictionaryAttr::get(
      context, {NamedAttribute(key, StringAttr::get(context, name))});
}

/// The state each parameter has under the optimizer of `s`.
static SmallVector<StringRef> stateKinds(const Settings &s) {
  if (s.optimizer != "sgd")
    return {"exp_avg", "exp_avg_sq"};
  if (s.momentum != 0)
    return {"momentum_buffer"};
  return {};
}

/// Adds the optimizer state and learning-rate arguments to `func`, builds
/// clipping and the update before `ret`, and appends the step's results
/// after the loss (docs/TRAINING.md section 2).
static LogicalResult buildStep(func::FuncOp func, func::ReturnOp ret,
                               const Settings &s, MutableArrayRef<Param> params,
                               Emitter &e, SmallVectorImpl<Value> &results,
                               SmallVectorImpl<Attribute> &resultAttrs) {
  MLIRContext *context = func.getContext();
  Block &block = func.getBody().front();
  auto scalarType = RankedTensorType::get({}, e.elementType);
  bool adam = s.optimizer != "sgd";

  // A bf16 parameter is updated in f32 (with f32 state) and rounded once.
  for (Param &p : params) {
    p.value = p.arg;
    auto type = cast<RankedTensorType>(p.arg.getType());
    if (!p.buffer && type.getElementType() != e.elementType)
      p.value =
          nn::CastOp::create(e.b, e.loc, type.clone(e.elementType), p.arg);
  }

  // New arguments: the state parameter by parameter, the step, the rate.
  SmallVector<Type> types;
  SmallVector<DictionaryAttr> argAttrs;
  for (Param &p : params)
    for (StringRef kind : p.buffer ? SmallVector<StringRef>() : stateKinds(s)) {
      p.state.push_back({"__opt__." + p.name + "." + kind.str(), {}});
      types.push_back(p.value.getType());
      argAttrs.push_back(namedAttr(context, "nn.state", p.state.back().first));
    }
  if (adam) {
    types.push_back(scalarType);
    argAttrs.push_back(namedAttr(context, "nn.state", "__opt__.step"));
  }
  types.push_back(scalarType);
  argAttrs.push_back(DictionaryAttr::get(
      context, {NamedAttribute("nn.lr", UnitAttr::get(context))}));
  unsigned next = func.getNumArguments();
  SmallVector<unsigned> indices(types.size(), next);
  SmallVector<Location> locs(types.size(), func.getLoc());
  if (failed(func.insertArguments(indices, types, argAttrs, locs)))
    return func.emitError("cannot add the optimizer state arguments");
  for (Param &p : params)
    for (auto &state : p.state) {
      state.second = block.getArgument(next++);
      p.newState.push_back(state.second);
    }
  Value lr = block.getArguments().back();

  if (s.clipNorm)
    clipGradients(e, params, *s.clipNorm);
  Value step;
  if (adam)
    step = e.add(block.getArgument(next), e.cst(1.0));
  for (Param &p : params) {
    if (!p.grad)
      continue; // not reached: no update, no decay, no state change
    if (adam)
      buildAdam(e, s, lr, step, p);
    else
      buildSgd(e, s, lr, p);
    if (p.value != p.arg)
      p.updated = nn::CastOp::create(e.b, e.loc, p.arg.getType(), p.updated);
  }

  for (unsigned i = 1; i < ret.getNumOperands(); ++i) {
    if (func.getResultAttr(i, "nn.param"))
      continue; // an updated buffer, returned below with the parameters
    results.push_back(ret.getOperand(i));
    resultAttrs.push_back(func.getResultAttrDict(i));
  }
  for (Param &p : params) {
    results.push_back(p.updated);
    resultAttrs.push_back(namedAttr(context, "nn.param", p.name));
  }
  for (Param &p : params)
    for (auto [state, value] : llvm::zip_equal(p.state, p.newState)) {
      results.push_back(value);
      resultAttrs.push_back(namedAttr(context, "nn.state", state.first));
    }
  if (adam) {
    results.push_back(step);
    resultAttrs.push_back(namedAttr(context, "nn.state", "__opt__.step"));
  }
  return success();
}

/// Builds `@<func>_update` next to `func` (mode `split`): the parameters
/// of `params` that are not buffers and the gradients of those the loss
/// reaches as arguments, then the clipping and the update of buildStep,
/// with its state and learning-rate arguments, returning the updated
/// parameters and state.
static LogicalResult buildUpdateFunction(func::FuncOp func, const Settings &s,
                                         ArrayRef<Param> params) {
  MLIRContext *context = func.getContext();
  SmallVector<Type> types;
  SmallVector<DictionaryAttr> argAttrs;
  for (const Param &p : params)
    if (!p.buffer) {
      types.push_back(p.arg.getType());
      argAttrs.push_back(namedAttr(context, "nn.param", p.name));
    }
  for (const Param &p : params)
    if (!p.buffer && p.grad) {
      types.push_back(p.grad.getType());
      argAttrs.push_back(namedAttr(context, "nn.grad", p.name));
    }
  OpBuilder top(func);
  top.setInsertionPointAfter(func);
  auto update = func::FuncOp::create(top, func.getLoc(),
                                     (func.getSymName() + "_update").str(),
                                     top.getFunctionType(types, {}));
  update.setAllArgAttrs(argAttrs);
  Block *block = update.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockEnd(block);
  auto ret = func::ReturnOp::create(b, func.getLoc());
  b.setInsertionPoint(ret);

  SmallVector<Param> updated;
  unsigned next = 0;
  for (const Param &p : params)
    if (!p.buffer) {
      Param &u = updated.emplace_back();
      u.arg = block->getArgument(next++);
      u.name = p.name;
      u.updated = u.arg;
    }
  unsigned at = 0;
  for (const Param &p : params) {
    if (p.buffer)
      continue;
    if (p.grad)
      updated[at].grad = block->getArgument(next++);
    ++at;
  }
  auto lossType = cast<RankedTensorType>(
      cast<func::ReturnOp>(func.getBody().front().getTerminator())
          .getOperand(0)
          .getType());
  Emitter e{b, func.getLoc(), lossType.getElementType()};
  SmallVector<Value> results;
  SmallVector<Attribute> resultAttrs;
  if (failed(buildStep(update, ret, s, updated, e, results, resultAttrs)))
    return failure();
  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  update.setType(FunctionType::get(context, block->getArgumentTypes(),
                                   ValueRange(results).getTypes()));
  for (Attribute &attr : resultAttrs)
    if (!attr)
      attr = DictionaryAttr::get(context);
  update.setAllResultAttrs(resultAttrs);
  update->setAttr("nn.autodiff", StringAttr::get(context, "update"));
  return success();
}

/// Rewrites `func` into its gradients (`grad`), its training step, or its
/// gradients and a separate update (`split`).
static LogicalResult differentiate(func::FuncOp func, StringRef mode,
                                   StringRef corruptRule) {
  MLIRContext *context = func.getContext();
  if (!func.getBody().hasOneBlock())
    return func.emitError("expects a function with one block");
  Block &block = func.getBody().front();
  auto ret = cast<func::ReturnOp>(block.getTerminator());
  if (ret.getNumOperands() == 0)
    return func.emitError("a train function returns its loss first");
  Value loss = ret.getOperand(0);
  auto lossType = dyn_cast<RankedTensorType>(loss.getType());
  if (!lossType || lossType.getRank() != 0 ||
      !isa<FloatType>(lossType.getElementType()))
    return func.emitError("the loss must be a rank-0 float tensor, not ")
           << loss.getType();
  FailureOr<Settings> settings = readSettings(func);
  if (failed(settings))
    return failure();

  SmallVector<Param> params;
  for (BlockArgument arg : block.getArguments())
    if (auto name =
            func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "nn.param")) {
      Param &p = params.emplace_back();
      p.arg = arg;
      p.name = name.str();
      p.updated = arg;
      p.buffer = bool(func.getArgAttr(arg.getArgNumber(), "nn.buffer"));
    }
  // Buffers the function updates return their new value under their name.
  for (unsigned i = 1; i < ret.getNumOperands(); ++i)
    if (auto name = func.getResultAttrOfType<StringAttr>(i, "nn.param"))
      for (Param &p : params)
        if (p.buffer && p.name == name.getValue())
          p.updated = ret.getOperand(i);
  size_t numForward = block.getOperations().size() - 1;
  if (failed(buildGradients(block, loss, params, corruptRule)))
    return failure();

  OpBuilder b(ret);
  Emitter e{b, func.getLoc(), lossType.getElementType()};
  NamedAttrList lossAttrs(func.getResultAttrDict(0));
  lossAttrs.set("nn.loss", UnitAttr::get(context));
  SmallVector<Value> results = {loss};
  SmallVector<Attribute> resultAttrs = {lossAttrs.getDictionary(context)};
  if (mode == "grad") {
    for (Param &p : params) {
      results.push_back(p.grad ? p.grad : e.zerosLike(p.arg));
      resultAttrs.push_back(namedAttr(context, "nn.grad", p.name));
    }
  } else if (mode == "split") {
    // What the step returns before its update (logits, updated buffers),
    // then the gradients the update takes.
    for (unsigned i = 1; i < ret.getNumOperands(); ++i) {
      results.push_back(ret.getOperand(i));
      resultAttrs.push_back(func.getResultAttrDict(i));
    }
    for (Param &p : params) {
      if (p.buffer || !p.grad)
        continue;
      auto type = cast<RankedTensorType>(p.grad.getType());
      if (type.getElementType() != e.elementType)
        p.grad =
            nn::CastOp::create(b, e.loc, type.clone(e.elementType), p.grad);
      results.push_back(p.grad);
      resultAttrs.push_back(namedAttr(context, "nn.grad", p.name));
    }
    if (failed(buildUpdateFunction(func, *settings, params)))
      return failure();
  } else if (failed(buildStep(func, ret, *settings, params, e, results,
                              resultAttrs))) {
    return failure();
  }

  func::ReturnOp::create(b, ret.getLoc(), results);
  ret.erase();
  eraseDeadAdjoints(block, numForward);
  func.setType(FunctionType::get(context, block.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  for (Attribute &attr : resultAttrs)
    if (!attr)
      attr = DictionaryAttr::get(context);
  func.setAllResultAttrs(resultAttrs);
  func->setAttr("nn.autodiff", StringAttr::get(context, mode));
  return success();
}

namespace {
struct AutodiffPass : deepc::impl::AutodiffPassBase<AutodiffPass> {
  using AutodiffPassBase::AutodiffPassBase;

  void runOnOperation() override {
    if (mode != "step" && mode != "grad" && mode != "split") {
      getOperation().emitError("deepc-autodiff: mode must be 'step', "
                               "'grad' or 'split', not '")
          << mode << "'";
      return signalPassFailure();
    }
    // `split` adds functions: walk a list made before.
    auto funcs = llvm::to_vector(getOperation().getOps<func::FuncOp>());
    for (auto func : funcs) {
      if (!func->hasAttr("nn.train") || func->hasAttr("nn.autodiff"))
        continue;
      if (failed(differentiate(func, mode, corruptRule)))
        return signalPassFailure();
      // Rules build their constants locally; share them (and any repeated
      // subexpression) so that `--emit=grad` reads well.
      IRRewriter rewriter(&getContext());
      DominanceInfo dominance(func);
      eliminateCommonSubExpressions(rewriter, dominance, func);
    }
  }
};
} // namespace
