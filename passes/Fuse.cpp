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

#include "mlir/Dialect/Arith/IR/Arith.h"
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

/// Whether the linalg consumer owning `operand` reads it broadcast along
/// some of its loops (its indexing map there is a projected permutation
/// naming fewer loops than it has: a per-channel scale read by every
/// element), or through windows (a map that is not a projected permutation:
/// a convolution's padded input, read at i + a).
/// A producer fused there would be computed once per element of the
/// consumer instead of once per element of its own: batchnorm's
/// rsqrt(var + eps) once per pixel rather than per channel.
static bool broadcastsInto(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!consumer)
    return false;
  // Unit dims read at 0 (a row statistic kept as N x R x 1) count as
  // broadcasts too.
  AffineMap map = consumer.getMatchingIndexingMap(operand);
  // Read through windows (a convolution's x[i + a]): each element is read
  // once per window it is in, so a fused producer would run that often.
  if (!map.isProjectedPermutation(/*allowZeroInResults=*/true))
    return true;
  unsigned dims = llvm::count_if(map.getResults(), [](AffineExpr e) {
    return isa<AffineDimExpr>(e);
  });
  return dims < map.getNumDims();
}

/// Whether the elementwise generic producing `operand` is read by no op but
/// `operand`'s owner and the function's return: fusing it then computes
/// nothing twice. With a return among its users, the fused op yields the
/// value too (fuseReturnedProducers).
static bool onlyConsumer(OpOperand *operand, bool allowReturn) {
  auto result = dyn_cast<OpResult>(operand->get());
  if (!result || !isa<linalg::GenericOp>(result.getOwner()) ||
      broadcastsInto(operand))
    return false;
  Operation *consumer = operand->getOwner();
  for (OpResult r : result.getOwner()->getResults())
    for (Operation *user : r.getUsers())
      if (user != consumer && !(allowReturn && isa<func::ReturnOp>(user)))
        return false;
  return true;
}

/// Whether `op` is an elementwise generic cheap enough to compute again in
/// each of its consumers rather than store once and read back: a body of at
/// most 4 arith ops, none a division or a remainder (math ops such as exp
/// are not cheap), reading at most one operand of its result's size (the
/// others are broadcasts: a mean, a bias, a scalar), so a consumer that
/// computes it reads one full tensor in place of the one it read before;
/// and reading floats only: the causal mask's `where` (an i1 operand)
/// computed in softmax's max, sum and normalization made the charlm
/// forward 5% slower than reading it stored once.
static bool cheapToRecompute(linalg::GenericOp op) {
  if (op.getNumResults() != 1 || !linalg::isElementwise(op))
    return false;
  unsigned ops = 0;
  for (Operation &inner : op.getBody()->without_terminator()) {
    if (inner.getDialect()->getNamespace() != "arith" ||
        isa<arith::DivFOp, arith::RemFOp, arith::DivSIOp, arith::DivUIOp,
            arith::RemSIOp, arith::RemUIOp>(inner))
      return false;
    ++ops;
  }
  if (ops > 4)
    return false;
  for (OpOperand *input : op.getDpsInputOperands())
    if (!isa<FloatType>(getElementTypeOrSelf(input->get().getType())))
      return false;
  unsigned full = 0;
  for (OpOperand *input : op.getDpsInputOperands())
    if (op.getMatchingIndexingMap(input).isPermutation())
      ++full;
  return full <= 1;
}

/// Whether the producer of `operand` is cheap (cheapToRecompute) and every
/// one of its users is a generic that can fuse it and reads each of its
/// elements once (its indexing map there spans all the consumer's loops):
/// each consumer then computes it, and it is never stored. A function
/// result or a contraction among the users keeps it stored.
static bool recomputeInEachConsumer(OpOperand *operand) {
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  if (!producer || !cheapToRecompute(producer))
    return false;
  for (OpOperand &use : producer->getUses()) {
    auto consumer = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!consumer || !linalg::areElementwiseOpsFusable(&use) ||
        !consumer.getMatchingIndexingMap(&use).isPermutation())
      return false;
  }
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

namespace {
struct FusePass : deepc::impl::FusePassBase<FusePass> {
  void runOnOperation() override {
    Operation *root = getOperation();
    do {
      // Producers with this one consumer, and upstream's foldings that
      // come with elementwise fusion (fills and constants into generics).
      RewritePatternSet patterns(&getContext());
      linalg::populateElementwiseOpsFusionPatterns(
          patterns, [](OpOperand *operand) {
            return onlyConsumer(operand, /*allowReturn=*/false) ||
                   recomputeInEachConsumer(operand);
          });
      if (failed(applyPatternsGreedily(root, std::move(patterns))))
        return signalPassFailure();
    } while (fuseReturnedProducers(root));
  }
};
} // namespace
