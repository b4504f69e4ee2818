//===- LoweringUtils.cpp - Helpers of the nn lowering ---------------------===//

#include "passes/LowerNNToLinalg.h"

#include "ir/NNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace deepc::lowering {

Value nnScalar(OpBuilder &b, Location loc, Type type, double value) {
  auto tensorType = RankedTensorType::get({}, type);
  return nn::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(tensorType,
                             b.getFloatAttr(cast<FloatType>(type), value)));
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                  ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (auto [dim, size] : llvm::zip_equal(type.getShape(), sizes))
    if (ShapedType::isDynamic(dim))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
  return tensor::EmptyOp::create(b, loc, type, dynamic);
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<OpFoldResult> sizes, Value value) {
  Value empty = emptyTensor(b, loc, type, sizes);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

SmallVector<OpFoldResult> broadcastSizes(OpBuilder &b, Location loc,
                                         ArrayRef<int64_t> shape,
                                         ValueRange operands) {
  SmallVector<OpFoldResult> sizes;
  int64_t rank = shape.size();
  for (int64_t r = 0; r < rank; ++r) {
    if (!ShapedType::isDynamic(shape[r])) {
      sizes.push_back(b.getIndexAttr(shape[r]));
      continue;
    }
    OpFoldResult size;
    for (Value operand : operands) {
      auto type = cast<RankedTensorType>(operand.getType());
      int64_t d = r - (rank - type.getRank());
      if (d >= 0 && type.isDynamicDim(d)) {
        size = tensor::getMixedSize(b, loc, operand, d);
        break;
      }
    }
    assert(size && "a dynamic broadcast size needs a dynamic operand dim");
    sizes.push_back(size);
  }
  return sizes;
}

AffineMap broadcastMap(MLIRContext *context, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [d, size] : llvm::enumerate(operandShape)) {
    bool stretched = size == 1 && resultShape[d + offset] != 1;
    exprs.push_back(stretched ? getAffineConstantExpr(0, context)
                              : getAffineDimExpr(d + offset, context));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, context);
}

Value elementwise(OpBuilder &b, Location loc, Value init, ValueRange inputs,
                  ArrayRef<AffineMap> maps, ScalarFn body) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<AffineMap> allMaps(maps);
  allMaps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, type, inputs, init, allMaps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

Value broadcastElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                           ValueRange inputs, ScalarFn body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        b.getContext(), cast<RankedTensorType>(input.getType()).getShape(),
        type.getShape()));
  Value init = emptyTensor(b, loc, type,
                           broadcastSizes(b, loc, type.getShape(), inputs));
  return elementwise(b, loc, init, inputs, maps, body);
}

AffineMap dropDimsMap(MLIRContext *context, unsigned rank,
                      ArrayRef<int64_t> dropped) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(dropped, static_cast<int64_t>(d)))
      exprs.push_back(getAffineDimExpr(d, context));
  return AffineMap::get(rank, 0, exprs, context);
}

Value insertUnitDims(OpBuilder &b, Location loc, Value reduced,
                     RankedTensorType keepType, ArrayRef<int64_t> axes) {
  // Each source dim takes the unit dims that precede it; trailing unit dims
  // join the last group.
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  SmallVector<OpFoldResult> sizes;
  int64_t source = 0;
  for (int64_t d = 0; d < keepType.getRank(); ++d) {
    pending.push_back(d);
    if (llvm::is_contained(axes, d)) {
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    sizes.push_back(tensor::getMixedSize(b, loc, reduced, source++));
    groups.push_back(pending);
    pending.clear();
  }
  if (!groups.empty())
    groups.back().append(pending.begin(), pending.end());
  return tensor::ExpandShapeOp::create(b, loc, keepType, reduced, groups,
                                       sizes);
}

Value addScalar(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value maxScalar(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value minScalar(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MinimumFOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

} // namespace deepc::lowering
