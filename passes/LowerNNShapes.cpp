//===- LowerNNShapes.cpp - nn shape ops to tensor and linalg --------------===//
//
// nn.reshape, nn.transpose, nn.broadcast_to and nn.one_hot.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

/// The shape of `type` as a 1-D index tensor computed at run time; its one
/// dynamic dimension (if any) is the element count of `input` divided by the
/// product of the static dimensions.
static Value runtimeShape(OpBuilder &b, Location loc, Value input,
                          RankedTensorType type) {
  SmallVector<Value> dims;
  int64_t known = 1;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d)) {
      dims.push_back(arith::ConstantIndexOp::create(b, loc, d));
      continue;
    }
    Value count = arith::ConstantIndexOp::create(b, loc, 1);
    for (OpFoldResult size : tensor::getMixedSizes(b, loc, input))
      count = arith::MulIOp::create(
          b, loc, count, getValueOrCreateConstantIndexOp(b, loc, size));
    dims.push_back(arith::DivUIOp::create(
        b, loc, count, arith::ConstantIndexOp::create(b, loc, known)));
  }
  return tensor::FromElementsOp::create(b, loc, dims);
}

namespace {

/// nn.reshape -> tensor.collapse_shape or tensor.expand_shape when the
/// shapes group into each other, else tensor.reshape.
struct ReshapeLowering : OpConversionPattern<nn::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto from = cast<RankedTensorType>(input.getType());
    auto to = cast<RankedTensorType>(op.getType());
    if (from == to) {
      rewriter.replaceOp(op, input);
      return success();
    }
    if (from.getRank() > to.getRank()) {
      if (auto groups = getReassociationIndicesForCollapse(from.getShape(),
                                                           to.getShape())) {
        rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, to, input,
                                                             *groups);
        return success();
      }
    } else if (from.getRank() < to.getRank()) {
      if (auto groups = getReassociationIndicesForCollapse(to.getShape(),
                                                           from.getShape())) {
        // At most one dynamic result dim, so the output shape is inferred.
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, to, input,
                                                           *groups);
        return success();
      }
    }
    Value shape = runtimeShape(rewriter, op.getLoc(), input, to);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, to, input, shape);
    return success();
  }
};

/// nn.transpose -> linalg.transpose.
struct TransposeLowering : OpConversionPattern<nn::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : op.getPerm())
      sizes.push_back(tensor::getMixedSize(rewriter, loc, input, p));
    Value init = emptyTensor(rewriter, loc, op.getType(), sizes);
    auto transpose =
        linalg::TransposeOp::create(rewriter, loc, input, init, op.getPerm());
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

/// nn.broadcast_to -> a linalg.generic copying the input through a map
/// that reads index 0 along stretched dims; sizes come from `like`.
struct BroadcastToLowering : OpConversionPattern<nn::BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    RankedTensorType type = op.getType();
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    SmallVector<AffineExpr> exprs;
    for (auto [i, d] : llvm::enumerate(op.getInputToResultDims())) {
      bool stretched = inputType.getDimSize(i) == 1 && type.getDimSize(d) != 1;
      exprs.push_back(stretched ? getAffineConstantExpr(0, context)
                                : getAffineDimExpr(d, context));
    }
    AffineMap map = AffineMap::get(type.getRank(), 0, exprs, context);
    Value init =
        emptyTensor(rewriter, loc, type,
                    tensor::getMixedSizes(rewriter, loc, adaptor.getLike()));
    rewriter.replaceOp(op,
                       elementwise(rewriter, loc, init, adaptor.getInput(), map,
                                   [](OpBuilder &, Location, ValueRange args) {
                                     return args[0];
                                   }));
    return success();
  }
};

/// nn.one_hot -> a linalg.generic comparing each index with the position
/// along the last (class) dimension.
struct OneHotLowering : OpConversionPattern<nn::OneHotOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::OneHotOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value indices = adaptor.getIndices();
    RankedTensorType type = op.getType();
    int64_t classDim = type.getRank() - 1;
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, indices);
    sizes.push_back(rewriter.getIndexAttr(type.getShape().back()));
    Value init = emptyTensor(rewriter, loc, type, sizes);
    AffineMap map =
        dropDimsMap(rewriter.getContext(), type.getRank(), {classDim});
    Type elementType = type.getElementType();
    Value result = elementwise(
        rewriter, loc, init, indices, map,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value position = arith::IndexCastOp::create(
              b, l, args[0].getType(), linalg::IndexOp::create(b, l, classDim));
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            position, args[0]);
          return arith::SelectOp::create(
              b, l, hit, scalarConstant(b, l, elementType, 1.0),
              scalarConstant(b, l, elementType, 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void deepc::lowering::populateShapePatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeLowering, TransposeLowering, BroadcastToLowering,
               OneHotLowering>(patterns.getContext());
}
