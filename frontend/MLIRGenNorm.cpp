//===- MLIRGenNorm.cpp - batchnorm and dropout ----------------------------===//
//
// The layers that behave differently in training and inference
// (docs/TRAINING.md, "Training and inference"). In a model function they
// take their inference form: `nn.batchnorm` on the running statistics, and
// nothing for dropout. Inside a train block (models inlined) batchnorm is
// `nn.batchnorm_train`, whose updated running statistics become the values
// later calls see and results of the function under the statistics'
// names; dropout is `nn.dropout` keyed by the block's seed, the dropout's
// index in the block and a counter argument (`__opt__.dropout_step`) that
// the step returns incremented.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "frontend/Sema.h"
#include "ir/NNOps.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::Value;

/// The name of the dropout counter, in the optimizer state.
static constexpr llvm::StringLiteral kDropoutCounter = "__opt__.dropout_step";

Value MLIRGen::genBatchNorm(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  double momentum =
      call.resolved[1] ? constNumber(call.resolved[1]).value_or(0.1) : 0.1;
  double eps =
      call.resolved[2] ? constNumber(call.resolved[2]).value_or(1e-5) : 1e-5;
  auto param = [&](unsigned i) {
    return scope.params.lookup(call.params[i].name);
  };
  Value w = param(0), b = param(1), mean = param(2), var = param(3);
  if (!training)
    return nn::BatchNormOp::create(builder, l, x, w, b, mean, var,
                                   builder.getF64FloatAttr(eps));
  // Running statistics are arguments of the train function; a second call
  // of the same model reads what the first left, as in PyTorch.
  Value meanNow = bufferValues.lookup(mean), varNow = bufferValues.lookup(var);
  auto op = nn::BatchNormTrainOp::create(
      builder, l, x, w, b, meanNow ? meanNow : mean, varNow ? varNow : var,
      builder.getF64FloatAttr(eps), builder.getF64FloatAttr(momentum));
  bufferValues[mean] = op.getNewRunningMean();
  bufferValues[var] = op.getNewRunningVar();
  return op.getResult();
}

Value MLIRGen::genDropout(const CallExpr &call) {
  Value x = gen(*call.resolved[0]);
  if (!x || !training)
    return x; // the identity outside training
  double p = constNumber(call.resolved[1]).value_or(0);
  if (!dropoutCounter)
    dropoutCounter = builder.getInsertionBlock()->addArgument(
        mlir::RankedTensorType::get({}, builder.getF32Type()),
        loc(call.getLoc()));
  Value counter = dropoutCounter;
  mlir::Type elt = mlir::getElementTypeOrSelf(x.getType());
  if (elt != builder.getF32Type())
    return unsupported(call.getLoc(), "'dropout' of a non-f32 tensor");
  int64_t seed = 0;
  if (const BindingStmt *s = training->setting("seed"))
    seed = constInt(s->value.get()).value_or(0);
  return nn::DropoutOp::create(builder, loc(call.getLoc()), x, counter,
                               builder.getF64FloatAttr(p),
                               builder.getI64IntegerAttr(seed),
                               builder.getI64IntegerAttr(dropoutCount++));
}

void MLIRGen::finishTrainState(
    mlir::func::FuncOp func, llvm::SmallVectorImpl<mlir::Type> &argTypes,
    llvm::SmallVectorImpl<mlir::DictionaryAttr> &argAttrs,
    llvm::SmallVectorImpl<Value> &results,
    llvm::SmallVectorImpl<mlir::DictionaryAttr> &resultAttrs) {
  mlir::Block &entry = func.getBody().front();
  for (unsigned i = 0; i < argAttrs.size(); ++i) {
    Value now = bufferValues.lookup(entry.getArgument(i));
    if (!now)
      continue;
    results.push_back(now);
    resultAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr("nn.param", argAttrs[i].get("nn.param"))));
  }
  if (!dropoutCounter)
    return;
  auto state = builder.getDictionaryAttr(
      builder.getNamedAttr("nn.state", builder.getStringAttr(kDropoutCounter)));
  argTypes.push_back(dropoutCounter.getType());
  argAttrs.push_back(state);
  results.push_back(nn::AddOp::create(
      builder, dropoutCounter.getLoc(), dropoutCounter,
      constant(1, builder.getF32Type(), dropoutCounter.getLoc())));
  resultAttrs.push_back(state);
}
