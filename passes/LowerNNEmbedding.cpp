//===- LowerNNEmbedding.cpp - nn.embedding as a gather, its gradient ------===//
//
// nn.embedding reads one row of the table per id: a parallel linalg.generic
// over the result whose body takes the id from the ids (the map drops the
// last dimension) and reads weight[id, d] with tensor.extract, O(N D)
// instead of the O(N V D) of a one-hot matmul.
//
// nn.embedding_grad adds each row of the adjoint into the row of a zero
// [V, D] tensor that its id names: an scf.for over the flattened ids whose
// body extracts that row, adds the adjoint's row in a linalg.generic and
// inserts it back. The extract_slice / insert_slice pair on the loop's
// tensor bufferizes in place, so the loop updates one [V, D] buffer. The
// sum over the occurrences of an id runs in the order of the ids, as the
// one-hot matmul's reduction did.
//
// An id outside [0, V) reads row 0 and yields zeros in the forward, and adds
// nothing in the backward: compiled code never reads or writes out of
// bounds, whatever ids a C caller passes (docs/AOT.md); the driver rejects
// such ids with an error before running (tools/deepc/Data.cpp).
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

/// Whether the integer `id` lies in [0, rows): one unsigned compare, as a
/// negative id is a large unsigned one.
static Value inRange(OpBuilder &b, Location loc, Value id, int64_t rows) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, id,
                               scalarConstant(b, loc, id.getType(), rows));
}

/// `x` with its leading `rank - keep` dimensions collapsed into one (a
/// no-op when there is a single one).
static Value collapseLeading(OpBuilder &b, Location loc, Value x,
                             int64_t keep) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  if (rank - keep == 1)
    return x;
  SmallVector<ReassociationIndices> groups(1);
  for (int64_t d = 0; d < rank - keep; ++d)
    groups[0].push_back(d);
  for (int64_t d = rank - keep; d < rank; ++d)
    groups.push_back({d});
  return tensor::CollapseShapeOp::create(b, loc, x, groups);
}

namespace {

struct EmbeddingLowering : OpConversionPattern<nn::EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value ids = adaptor.getIds(), weight = adaptor.getWeight();
    RankedTensorType type = op.getType();
    int64_t last = type.getRank() - 1;
    int64_t rows = cast<RankedTensorType>(weight.getType()).getDimSize(0);
    Type elementType = type.getElementType();
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, ids);
    sizes.push_back(rewriter.getIndexAttr(type.getShape().back()));
    Value init = emptyTensor(rewriter, loc, type, sizes);
    AffineMap map = dropDimsMap(rewriter.getContext(), type.getRank(), {last});
    Value result = elementwise(
        rewriter, loc, init, ids, map,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value ok = inRange(b, l, args[0], rows);
          Value row = arith::SelectOp::create(
              b, l, ok,
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]),
              arith::ConstantIndexOp::create(b, l, 0));
          Value col = linalg::IndexOp::create(b, l, last);
          Value v = tensor::ExtractOp::create(b, l, weight, ValueRange{row, col});
          return arith::SelectOp::create(b, l, ok, v,
                                         scalarConstant(b, l, elementType, 0.0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct EmbeddingGradLowering : OpConversionPattern<nn::EmbeddingGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::EmbeddingGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rows = type.getDimSize(0), width = type.getDimSize(1);
    Type elementType = type.getElementType();
    Value ids = collapseLeading(rewriter, loc, adaptor.getIds(), 0);
    Value grad = collapseLeading(rewriter, loc, adaptor.getGrad(), 1);
    Value zero = scalarConstant(rewriter, loc, elementType, 0.0);
    // The table's shape is static (the op's verifier).
    Value acc = filledTensor(
        rewriter, loc, type,
        {rewriter.getIndexAttr(rows), rewriter.getIndexAttr(width)}, zero);
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = tensor::DimOp::create(rewriter, loc, ids, 0);

    auto rowType = RankedTensorType::get({width}, elementType);
    SmallVector<OpFoldResult> one = {rewriter.getIndexAttr(1),
                                     rewriter.getIndexAttr(1)};
    SmallVector<OpFoldResult> rowSizes = {rewriter.getIndexAttr(1),
                                          rewriter.getIndexAttr(width)};
    AffineMap identity = rewriter.getMultiDimIdentityMap(1);
    auto addRow = [&](OpBuilder &b, Location l, Value i, Value id,
                      Value into) -> Value {
      Value row = arith::IndexCastOp::create(b, l, b.getIndexType(), id);
      SmallVector<OpFoldResult> at = {row, b.getIndexAttr(0)};
      SmallVector<OpFoldResult> from = {i, b.getIndexAttr(0)};
      Value g = tensor::ExtractSliceOp::create(b, l, rowType, grad, from,
                                               rowSizes, one);
      Value a = tensor::ExtractSliceOp::create(b, l, rowType, into, at,
                                               rowSizes, one);
      auto sum = linalg::GenericOp::create(
          b, l, rowType, g, a, ArrayRef<AffineMap>{identity, identity},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(
                nb, nl,
                ValueRange{arith::AddFOp::create(nb, nl, args[1], args[0])});
          });
      return tensor::InsertSliceOp::create(b, l, sum.getResult(0), into, at,
                                           rowSizes, one);
    };
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, count, c1, ValueRange{acc},
        [&](OpBuilder &b, Location l, Value i, ValueRange iterArgs) {
          Value into = iterArgs[0];
          Value id = tensor::ExtractOp::create(b, l, ids, ValueRange{i});
          auto guard = scf::IfOp::create(
              b, l, inRange(b, l, id, rows),
              [&](OpBuilder &tb, Location tl) {
                scf::YieldOp::create(tb, tl, addRow(tb, tl, i, id, into));
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, into);
              });
          scf::YieldOp::create(b, l, guard.getResult(0));
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

} // namespace

void deepc::lowering::populateEmbeddingPatterns(RewritePatternSet &patterns) {
  patterns.add<EmbeddingLowering, EmbeddingGradLowering>(
      patterns.getContext());
}
