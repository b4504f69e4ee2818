//===- LowerNNContractions.cpp - nn.matmul and nn.dense to linalg ---------===//
//
// Contractions go to the named linalg ops (matmul, batch_matmul) so that
// tiling and vectorization recognize them. Leading dims are collapsed into
// the M dimension or a single batch dimension and expanded back afterwards.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

/// Groups `[0, ..., lead)` into one dimension and keeps the `rank - lead`
/// trailing dimensions as they are.
static SmallVector<ReassociationIndices> collapseLeading(int64_t lead,
                                                         int64_t rank) {
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t d = 0; d < lead; ++d)
    groups[0].push_back(d);
  for (int64_t d = lead; d < rank; ++d)
    groups.push_back({d});
  return groups;
}

/// Collapses the first `lead` dimensions of `value` into one (a no-op when
/// `lead` is 1).
static Value collapseLeadingDims(OpBuilder &b, Location loc, Value value,
                                 int64_t lead) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  if (lead == 1)
    return value;
  return tensor::CollapseShapeOp::create(b, loc, value,
                                         collapseLeading(lead, rank));
}

/// Expands the leading dimension of `value` back to `type`, whose sizes are
/// `sizes` (a no-op when the ranks agree).
static Value expandLeadingDim(OpBuilder &b, Location loc, Value value,
                              RankedTensorType type,
                              ArrayRef<OpFoldResult> sizes) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  if (rank == type.getRank())
    return value;
  int64_t lead = type.getRank() - rank + 1;
  return tensor::ExpandShapeOp::create(
      b, loc, type, value, collapseLeading(lead, type.getRank()), sizes);
}

/// A zero-filled accumulator of `type` with sizes `sizes`.
static Value zeros(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<OpFoldResult> sizes) {
  return filledTensor(b, loc, type, sizes,
                      scalarConstant(b, loc, type.getElementType(), 0.0));
}

/// `value` broadcast to batch shape `batch` (NumPy rules) followed by its
/// own two matrix dimensions, whose sizes are `batchSizes` and then the
/// operand's own.
static Value broadcastBatch(OpBuilder &b, Location loc, Value value,
                            ArrayRef<int64_t> batch,
                            ArrayRef<OpFoldResult> batchSizes) {
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> shape = type.getShape();
  if (shape.drop_back(2) == batch)
    return value;
  SmallVector<int64_t> target(batch);
  target.append(shape.end() - 2, shape.end());
  auto targetType = RankedTensorType::get(target, type.getElementType());
  SmallVector<OpFoldResult> sizes(batchSizes);
  sizes.push_back(tensor::getMixedSize(b, loc, value, type.getRank() - 2));
  sizes.push_back(tensor::getMixedSize(b, loc, value, type.getRank() - 1));
  Value init = emptyTensor(b, loc, targetType, sizes);
  AffineMap map = broadcastMap(b.getContext(), shape, target);
  return elementwise(
      b, loc, init, value, map,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

namespace {

/// nn.matmul -> linalg.matmul or linalg.batch_matmul.
struct MatmulLowering : OpConversionPattern<nn::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank(), batchRank = rank - 2;

    // Result sizes: the broadcast batch dims, then M and N.
    ArrayRef<int64_t> batch = type.getShape().drop_back(2);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < batchRank; ++d) {
      if (!type.isDynamicDim(d)) {
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(d)));
        continue;
      }
      int64_t l = d - (rank - lhsType.getRank());
      int64_t r = d - (rank - rhsType.getRank());
      sizes.push_back(l >= 0 && lhsType.isDynamicDim(l)
                          ? tensor::getMixedSize(rewriter, loc, lhs, l)
                          : tensor::getMixedSize(rewriter, loc, rhs, r));
    }
    sizes.push_back(
        tensor::getMixedSize(rewriter, loc, lhs, lhsType.getRank() - 2));
    sizes.push_back(
        tensor::getMixedSize(rewriter, loc, rhs, rhsType.getRank() - 1));

    Value result;
    if (rhsType.getRank() == 2) {
      // [..., M, K] x [K, N]: the leading dims of lhs join M.
      Value a = collapseLeadingDims(rewriter, loc, lhs, lhsType.getRank() - 1);
      auto aType = cast<RankedTensorType>(a.getType());
      auto accType = RankedTensorType::get(
          {aType.getDimSize(0), rhsType.getDimSize(1)}, type.getElementType());
      Value acc =
          zeros(rewriter, loc, accType,
                {tensor::getMixedSize(rewriter, loc, a, 0), sizes.back()});
      result = linalg::MatmulOp::create(rewriter, loc, accType,
                                        ValueRange{a, rhs}, acc)
                   .getResult(0);
    } else {
      // Broadcast the batch dims, collapse them into one, batch_matmul.
      ArrayRef<OpFoldResult> batchSizes = ArrayRef(sizes).drop_back(2);
      Value a = collapseLeadingDims(
          rewriter, loc, broadcastBatch(rewriter, loc, lhs, batch, batchSizes),
          batchRank);
      Value b = collapseLeadingDims(
          rewriter, loc, broadcastBatch(rewriter, loc, rhs, batch, batchSizes),
          batchRank);
      auto aType = cast<RankedTensorType>(a.getType());
      auto accType = RankedTensorType::get(
          {aType.getDimSize(0), aType.getDimSize(1), rhsType.getShape().back()},
          type.getElementType());
      Value acc = zeros(rewriter, loc, accType,
                        {tensor::getMixedSize(rewriter, loc, a, 0),
                         sizes[rank - 2], sizes[rank - 1]});
      result = linalg::BatchMatmulOp::create(rewriter, loc, accType,
                                             ValueRange{a, b}, acc)
                   .getResult(0);
    }
    rewriter.replaceOp(op,
                       expandLeadingDim(rewriter, loc, result, type, sizes));
    return success();
  }
};

/// nn.dense -> linalg.matmul reading the weight transposed, then a bias
/// linalg.generic.
struct DenseLowering : OpConversionPattern<nn::DenseOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xType = cast<RankedTensorType>(x.getType());
    RankedTensorType type = op.getType();
    Type elementType = type.getElementType();

    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, x);
    sizes.back() = tensor::getMixedSize(rewriter, loc, w, 0);

    // x[..., in] -> x2[rows, in]; a vector becomes one row.
    Value x2;
    if (xType.getRank() == 1) {
      auto rowType = RankedTensorType::get({1, xType.getDimSize(0)},
                                           xType.getElementType());
      x2 = tensor::ExpandShapeOp::create(
          rewriter, loc, rowType, x, ArrayRef<ReassociationIndices>{{0, 1}},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                 tensor::getMixedSize(rewriter, loc, x, 0)});
    } else {
      x2 = collapseLeadingDims(rewriter, loc, x, xType.getRank() - 1);
    }

    auto accType = RankedTensorType::get(
        {cast<RankedTensorType>(x2.getType()).getDimSize(0),
         type.getShape().back()},
        elementType);
    SmallVector<OpFoldResult> accSizes = {
        tensor::getMixedSize(rewriter, loc, x2, 0), sizes.back()};
    Value acc = zeros(rewriter, loc, accType, accSizes);
    auto matmul = linalg::MatmulOp::create(rewriter, loc, accType,
                                           ValueRange{x2, w}, acc);
    AffineExpr m, n, k;
    bindDims(context, m, n, k);
    matmul.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(
        {AffineMap::get(3, 0, {m, k}, context),
         AffineMap::get(3, 0, {n, k}, context),
         AffineMap::get(3, 0, {m, n}, context)}));
    Value result = matmul.getResult(0);

    if (Value bias = adaptor.getBias()) {
      Value init = emptyTensor(rewriter, loc, accType, accSizes);
      result = elementwise(
          rewriter, loc, init, {result, bias},
          {rewriter.getMultiDimIdentityMap(2), dropDimsMap(context, 2, {0})},
          [](OpBuilder &b, Location l, ValueRange args) {
            return addScalar(b, l, args[0], args[1]);
          });
    }

    if (xType.getRank() == 1)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, type, result, ArrayRef<ReassociationIndices>{{0, 1}});
    else
      result = expandLeadingDim(rewriter, loc, result, type, sizes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void deepc::lowering::populateContractionPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, DenseLowering>(patterns.getContext());
}
