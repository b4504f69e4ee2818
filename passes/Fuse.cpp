//===- Fuse.cpp - Elementwise fusion of the fused stage
//--------------------===//
//
// deepc-fuse (Passes.td has the rules): elementwise producers into their
// consumers, elementwise or reductions. Upstream linalg does the fusing; the
// decision of which producer to fuse, and keeping a producer's value that a
// function also returns as a result of the fused op, are ours.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace deepc {
#define GEN_PASS_DEF_FUSEPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

/// Whether the elementwise generic producing `operand` is read by no op but
/// `operand`'s owner and the function's return: fusing it then computes
/// nothing twice. With a return among its users, the fused op yields the
/// value too (fuseReturnedProducers).
static bool onlyConsumer(OpOperand *operand, bool allowReturn) {
  auto result = dyn_cast<OpResult>(operand->get());
  if (!result || !isa<linalg::GenericOp>(result.getOwner()))
    return false;
  Operation *consumer = operand->getOwner();
  for (OpResult r : result.getOwner()->getResults())
    for (Operation *user : r.getUsers())
      if (user != consumer && !(allowReturn && isa<func::ReturnOp>(user)))
        return false;
  return true;
}

/// Upstream's elementwise-fusion pattern leaves a producer with other users
/// in place and computes its value again inside the consumer. For the one
/// kind of other user we accept, a function's return (the optimizer's new
/// momentum buffer, returned and read by the parameter update), the fused
/// op yields the value and the return reads it there, so one loop does
/// both. Returns whether anything was fused.
static bool fuseReturnedProducers(Operation *root) {
  SmallVector<OpOperand *> candidates;
  root->walk([&](linalg::GenericOp consumer) {
    for (OpOperand &operand : consumer->getOpOperands())
      if (linalg::areElementwiseOpsFusable(&operand) &&
          onlyConsumer(&operand, /*allowReturn=*/true)) {
        candidates.push_back(&operand);
        return; // one per consumer: the fusion replaces the consumer
      }
  });
  IRRewriter rewriter(root->getContext());
  bool fused = false;
  for (OpOperand *operand : candidates) {
    // An earlier fusion may have replaced this operand's producer: check
    // the fused op afresh.
    if (!linalg::areElementwiseOpsFusable(operand) ||
        !onlyConsumer(operand, /*allowReturn=*/true))
      continue;
    Operation *producer = operand->get().getDefiningOp();
    Operation *consumer = operand->getOwner();
    rewriter.setInsertionPoint(consumer);
    FailureOr<linalg::ElementwiseOpFusionResult> result =
        linalg::fuseElementwiseOps(rewriter, operand);
    if (failed(result))
      continue;
    for (auto [original, replacement] : result->replacements)
      rewriter.replaceAllUsesWith(original, replacement);
    rewriter.eraseOp(consumer);
    if (producer->use_empty())
      rewriter.eraseOp(producer);
    fused = true;
  }
  return fused;
}

/// Upstream fuses elementwise producers into `linalg.generic` consumers
/// only: a `linalg.reduce` (sums of the lowered nn ops: batchnorm's and
/// layernorm's variance, the L2 penalty's and clip_norm's sums of squares,
/// cross-entropy's sum) is rewritten as the generic it stands for, same
/// loops in the same order, so the square or difference it reads is
/// computed inside the reduction instead of being stored and read back.
static void generalizeReductions(Operation *root) {
  SmallVector<linalg::ReduceOp> reductions;
  root->walk([&](linalg::ReduceOp op) { reductions.push_back(op); });
  IRRewriter rewriter(root->getContext());
  for (linalg::ReduceOp op : reductions) {
    rewriter.setInsertionPoint(op);
    (void)linalg::generalizeNamedOp(rewriter, op);
  }
}

namespace {
struct FusePass : deepc::impl::FusePassBase<FusePass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    generalizeReductions(root);
    do {
      // Producers with this one consumer, and upstream's foldings that
      // come with elementwise fusion (fills and constants into generics).
      RewritePatternSet patterns(&getContext());
      linalg::populateElementwiseOpsFusionPatterns(
          patterns, [](OpOperand *operand) {
            return onlyConsumer(operand, /*allowReturn=*/false);
          });
      if (failed(applyPatternsGreedily(root, std::move(patterns))))
        return signalPassFailure();
    } while (fuseReturnedProducers(root));
  }
};
} // namespace
