//===- LowerNNToLinalg.cpp - nn to linalg on tensors ----------------------===//
//
// The deepc-lower-nn-to-linalg pass and the elementwise op family; the
// other families are in LowerNN{Contractions,Reductions,Shapes}.cpp.
//
//===----------------------------------------------------------------------===//

#include "passes/LowerNNToLinalg.h"
#include "ir/NNOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

namespace deepc {
#define GEN_PASS_DEF_LOWERNNTOLINALGPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

//===----------------------------------------------------------------------===//
// Scalar bodies of the elementwise ops
//===----------------------------------------------------------------------===//

/// Defines the body of a binary op as a float op or a signed integer op.
#define DEEPC_BINARY(NAME, FLOAT_OP, INT_OP)                                   \
  static Value NAME(OpBuilder &b, Location loc, ValueRange args) {             \
    if (isa<FloatType>(args[0].getType()))                                     \
      return FLOAT_OP::create(b, loc, args[0], args[1]);                       \
    return INT_OP::create(b, loc, args[0], args[1]);                           \
  }
DEEPC_BINARY(addBody, arith::AddFOp, arith::AddIOp)
DEEPC_BINARY(subBody, arith::SubFOp, arith::SubIOp)
DEEPC_BINARY(mulBody, arith::MulFOp, arith::MulIOp)
DEEPC_BINARY(divBody, arith::DivFOp, arith::DivSIOp)
DEEPC_BINARY(maxBody, arith::MaximumFOp, arith::MaxSIOp)
DEEPC_BINARY(minBody, arith::MinimumFOp, arith::MinSIOp)
#undef DEEPC_BINARY

/// Defines the body of a unary op that is one upstream op.
#define DEEPC_UNARY(NAME, OP)                                                  \
  static Value NAME(OpBuilder &b, Location loc, ValueRange args) {             \
    return OP::create(b, loc, args[0]);                                        \
  }
DEEPC_UNARY(negBody, arith::NegFOp)
DEEPC_UNARY(tanhBody, math::TanhOp)
DEEPC_UNARY(expBody, math::ExpOp)
DEEPC_UNARY(logBody, math::LogOp)
DEEPC_UNARY(sqrtBody, math::SqrtOp)
DEEPC_UNARY(rsqrtBody, math::RsqrtOp)
DEEPC_UNARY(absBody, math::AbsFOp)
DEEPC_UNARY(erfBody, math::ErfOp)
#undef DEEPC_UNARY

static Value whereBody(OpBuilder &b, Location loc, ValueRange args) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}

static Value powBody(OpBuilder &b, Location loc, ValueRange args) {
  return math::PowFOp::create(b, loc, args[0], args[1]);
}

/// relu(x) = max(x, 0); NaN stays NaN, as in PyTorch.
static Value reluBody(OpBuilder &b, Location loc, ValueRange args) {
  Value zero = scalarConstant(b, loc, args[0].getType(), 0.0);
  return arith::MaximumFOp::create(b, loc, args[0], zero);
}

/// sigmoid(x) = 1 / (1 + exp(-x)).
static Value sigmoidBody(OpBuilder &b, Location loc, ValueRange args) {
  Type type = args[0].getType();
  Value one = scalarConstant(b, loc, type, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, e));
}

/// Exact gelu(x) = x / 2 * (1 + erf(x / sqrt(2))).
static Value geluBody(OpBuilder &b, Location loc, ValueRange args) {
  Type type = args[0].getType();
  Value x = args[0];
  Value scaled = arith::MulFOp::create(
      b, loc, x, scalarConstant(b, loc, type, 1.0 / std::sqrt(2.0)));
  Value onePlusErf =
      arith::AddFOp::create(b, loc, scalarConstant(b, loc, type, 1.0),
                            math::ErfOp::create(b, loc, scaled));
  Value half =
      arith::MulFOp::create(b, loc, x, scalarConstant(b, loc, type, 0.5));
  return arith::MulFOp::create(b, loc, half, onePlusErf);
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// Any elementwise op: one broadcasting `linalg.generic` with `body`.
struct ElementwiseLowering : ConversionPattern {
  using Body = Value (*)(OpBuilder &, Location, ValueRange);

  ElementwiseLowering(StringRef opName, Body body, MLIRContext *context)
      : ConversionPattern(opName, /*benefit=*/1, context), body(body) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    rewriter.replaceOp(
        op, broadcastElementwise(rewriter, op->getLoc(), type, operands, body));
    return success();
  }

  Body body;
};

/// nn.constant -> arith.constant.
struct ConstantLowering : OpConversionPattern<nn::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "value is not a typed attribute");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// nn.compare -> a broadcasting linalg.generic of arith.cmpf (ordered) or
/// arith.cmpi (signed).
struct CompareLowering : OpConversionPattern<nn::CompareOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::CompareOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    using P = nn::ComparePredicate;
    nn::ComparePredicate predicate = op.getPredicate();
    auto body = [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
      if (isa<FloatType>(args[0].getType())) {
        arith::CmpFPredicate f = arith::CmpFPredicate::OEQ;
        switch (predicate) {
        case P::EQ:
          f = arith::CmpFPredicate::OEQ;
          break;
        case P::NE:
          f = arith::CmpFPredicate::UNE;
          break;
        case P::LT:
          f = arith::CmpFPredicate::OLT;
          break;
        case P::LE:
          f = arith::CmpFPredicate::OLE;
          break;
        case P::GT:
          f = arith::CmpFPredicate::OGT;
          break;
        case P::GE:
          f = arith::CmpFPredicate::OGE;
          break;
        }
        return arith::CmpFOp::create(b, loc, f, args[0], args[1]);
      }
      arith::CmpIPredicate i = arith::CmpIPredicate::eq;
      switch (predicate) {
      case P::EQ:
        i = arith::CmpIPredicate::eq;
        break;
      case P::NE:
        i = arith::CmpIPredicate::ne;
        break;
      case P::LT:
        i = arith::CmpIPredicate::slt;
        break;
      case P::LE:
        i = arith::CmpIPredicate::sle;
        break;
      case P::GT:
        i = arith::CmpIPredicate::sgt;
        break;
      case P::GE:
        i = arith::CmpIPredicate::sge;
        break;
      }
      return arith::CmpIOp::create(b, loc, i, args[0], args[1]);
    };
    rewriter.replaceOp(op,
                       broadcastElementwise(rewriter, op.getLoc(), op.getType(),
                                            adaptor.getOperands(), body));
    return success();
  }
};

} // namespace

void deepc::lowering::populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<ConstantLowering, CompareLowering>(context);
  auto add = [&](StringRef name, ElementwiseLowering::Body body) {
    patterns.add<ElementwiseLowering>(name, body, context);
  };
  add(nn::AddOp::getOperationName(), addBody);
  add(nn::SubOp::getOperationName(), subBody);
  add(nn::MulOp::getOperationName(), mulBody);
  add(nn::DivOp::getOperationName(), divBody);
  add(nn::MaxOp::getOperationName(), maxBody);
  add(nn::MinOp::getOperationName(), minBody);
  add(nn::PowOp::getOperationName(), powBody);
  add(nn::NegOp::getOperationName(), negBody);
  add(nn::ReluOp::getOperationName(), reluBody);
  add(nn::TanhOp::getOperationName(), tanhBody);
  add(nn::SigmoidOp::getOperationName(), sigmoidBody);
  add(nn::GeluOp::getOperationName(), geluBody);
  add(nn::ExpOp::getOperationName(), expBody);
  add(nn::LogOp::getOperationName(), logBody);
  add(nn::SqrtOp::getOperationName(), sqrtBody);
  add(nn::RsqrtOp::getOperationName(), rsqrtBody);
  add(nn::AbsOp::getOperationName(), absBody);
  add(nn::ErfOp::getOperationName(), erfBody);
  add(nn::WhereOp::getOperationName(), whereBody);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct LowerNNToLinalgPass
    : deepc::impl::LowerNNToLinalgPassBase<LowerNNToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    populateElementwisePatterns(patterns);
    populateContractionPatterns(patterns);
    populateReductionPatterns(patterns);
    populateShapePatterns(patterns);
    populateLossPatterns(patterns);
    populateConvPatterns(patterns);
    populateNormPatterns(patterns);
    populateSlicePatterns(patterns);
    populateCastPatterns(patterns);
    populateEmbeddingPatterns(patterns);
    populateRecurrentPatterns(patterns);

    ConversionTarget target(*context);
    target.addIllegalDialect<nn::NNDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
