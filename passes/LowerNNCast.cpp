//===- LowerNNCast.cpp - nn.cast to arith.extf / arith.truncf -------------===//
//
// nn.cast is one elementwise linalg.generic: arith.extf where the result
// type is wider (exact), arith.truncf where it is narrower (round to nearest
// even, the default rounding of arith.truncf and of LLVM's fptrunc).
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

namespace {

struct CastLowering : OpConversionPattern<nn::CastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto from = cast<FloatType>(op.getInput().getType().getElementType());
    auto to = cast<FloatType>(op.getType().getElementType());
    if (from == to) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    bool widen = to.getWidth() > from.getWidth();
    auto body = [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
      if (widen)
        return arith::ExtFOp::create(b, loc, to, args[0]);
      return arith::TruncFOp::create(b, loc, to, args[0]);
    };
    rewriter.replaceOp(op,
                       broadcastElementwise(rewriter, op.getLoc(), op.getType(),
                                            adaptor.getInput(), body));
    return success();
  }
};

} // namespace

void deepc::lowering::populateCastPatterns(RewritePatternSet &patterns) {
  patterns.add<CastLowering>(patterns.getContext());
}
