//===- LowerNNLosses.cpp - nn losses as nn ops ----------------------------===//
//
// The losses lower by decomposition into `nn` ops that the other patterns
// of the pass then lower in turn (the conversion legalizes what a pattern
// creates). Fusion sees each loss whole, as one op, before this point.
//
//  cross_entropy(x, y) = -mean_i(sum_c(log_softmax(x)[i, c] * one_hot(y)))
//  mse(a, b)           = mean((a - b)^2)
//  bce_with_logits(x, y)
//                      = mean(relu(x) - x * y + log(1 + exp(-|x|)))
//
// log_softmax subtracts the row maximum, and exp(-|x|) <= 1, so all three
// are numerically stable.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

/// The mean of every element of `x`, as a rank-0 tensor.
static Value meanAll(OpBuilder &b, Location loc, Value x) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  if (rank == 0)
    return x;
  return nn::ReduceMeanOp::create(
      b, loc, x, llvm::to_vector(llvm::seq<int64_t>(0, rank)), false);
}

namespace {

struct CrossEntropyLowering : OpConversionPattern<nn::CrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::CrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits();
    auto type = cast<RankedTensorType>(logits.getType());
    Value logp = nn::LogSoftmaxOp::create(rewriter, loc, logits, 1);
    Value onehot =
        nn::OneHotOp::create(rewriter, loc, type, adaptor.getLabels());
    Value picked = nn::ReduceSumOp::create(
        rewriter, loc, nn::MulOp::create(rewriter, loc, logp, onehot),
        ArrayRef<int64_t>{1}, false);
    Value mean = nn::ReduceMeanOp::create(rewriter, loc, picked,
                                          ArrayRef<int64_t>{0}, false);
    rewriter.replaceOpWithNewOp<nn::NegOp>(op, mean);
    return success();
  }
};

struct MseLowering : OpConversionPattern<nn::MseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::MseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value d =
        nn::SubOp::create(rewriter, loc, adaptor.getLhs(), adaptor.getRhs());
    rewriter.replaceOp(
        op, meanAll(rewriter, loc, nn::MulOp::create(rewriter, loc, d, d)));
    return success();
  }
};

struct BceWithLogitsLowering : OpConversionPattern<nn::BceWithLogitsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::BceWithLogitsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getLhs(), y = adaptor.getRhs();
    Type elementType = op.getType().getElementType();
    Value linear =
        nn::SubOp::create(rewriter, loc, nn::ReluOp::create(rewriter, loc, x),
                          nn::MulOp::create(rewriter, loc, x, y));
    Value e = nn::ExpOp::create(
        rewriter, loc,
        nn::NegOp::create(rewriter, loc, nn::AbsOp::create(rewriter, loc, x)));
    Value softplus = nn::LogOp::create(
        rewriter, loc,
        nn::AddOp::create(rewriter, loc,
                          nnScalar(rewriter, loc, elementType, 1.0), e));
    Value terms = nn::AddOp::create(rewriter, loc, linear, softplus);
    rewriter.replaceOp(op, meanAll(rewriter, loc, terms));
    return success();
  }
};

} // namespace

void deepc::lowering::populateLossPatterns(RewritePatternSet &patterns) {
  patterns.add<CrossEntropyLowering, MseLowering, BceWithLogitsLowering>(
      patterns.getContext());
}
