//===- InferenceMode.cpp - Training-mode ops to their inference form ------===//
//
// deepc-inference-mode (docs/TRAINING.md section 3): dropout is the
// identity and batchnorm uses its running statistics outside training.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/BitVector.h"

namespace deepc {
#define GEN_PASS_DEF_INFERENCEMODEPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

/// Rewrites the training-mode ops of `func` and drops the results and
/// arguments that only training needs.
static LogicalResult toInference(func::FuncOp func) {
  OpBuilder b(func.getContext());
  func.walk([&](nn::DropoutOp op) {
    op.getResult().replaceAllUsesWith(op.getInput());
    op.erase();
  });
  func.walk([&](nn::BatchNormTrainOp op) {
    b.setInsertionPoint(op);
    Value y = nn::BatchNormOp::create(
        b, op.getLoc(), op.getInput(), op.getWeight(), op.getBias(),
        op.getRunningMean(), op.getRunningVar(), op.getEpsAttr());
    op.getResult().replaceAllUsesWith(y);
    op.getNewRunningMean().replaceAllUsesWith(op.getRunningMean());
    op.getNewRunningVar().replaceAllUsesWith(op.getRunningVar());
    op.erase();
  });
  if (func.isExternal())
    return success();

  // Updated parameters and state are results of training only.
  llvm::BitVector dropResults(func.getNumResults());
  for (unsigned i = 0; i < func.getNumResults(); ++i)
    if (func.getResultAttr(i, "nn.param") || func.getResultAttr(i, "nn.state"))
      dropResults.set(i);
  if (dropResults.any()) {
    Operation *ret = func.getBody().front().getTerminator();
    for (int i = int(func.getNumResults()) - 1; i >= 0; --i)
      if (dropResults.test(i))
        ret->eraseOperand(i);
    if (failed(func.eraseResults(dropResults)))
      return func.emitError("cannot drop the training results");
  }
  // What only computed them (the counter's increment) goes too.
  Block &body = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  llvm::BitVector dropArgs(func.getNumArguments());
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, "nn.state") && func.getArgument(i).use_empty())
      dropArgs.set(i);
  if (dropArgs.any() && failed(func.eraseArguments(dropArgs)))
    return func.emitError("cannot drop the training arguments");
  return success();
}

namespace {
struct InferenceModePass
    : deepc::impl::InferenceModePassBase<InferenceModePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func->hasAttr("nn.train") && failed(toInference(func)))
        return signalPassFailure();
  }
};
} // namespace
