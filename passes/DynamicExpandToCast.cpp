//===- DynamicExpandToCast.cpp - Multi-dynamic expand_shape as a cast -----===//
//
// deepc-dynamic-expand-to-cast (passes/Passes.td): a memref.expand_shape
// that splits one dimension into several dynamic ones becomes a
// memref.reinterpret_cast, which LLVM 22's expand-strided-metadata handles
// (it crashes on the expand itself).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace deepc {
#define GEN_PASS_DEF_DYNAMICEXPANDTOCASTPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;

/// Whether a group of `op` has more than one dynamic size.
static bool hasMultiDynamicGroup(memref::ExpandShapeOp op) {
  MemRefType type = op.getResultType();
  return llvm::any_of(op.getReassociationIndices(),
                      [&](const ReassociationIndices &group) {
                        return llvm::count_if(group, [&](int64_t d) {
                                 return type.isDynamicDim(d);
                               }) > 1;
                      });
}

/// `a * b`, folded when both are constants.
static OpFoldResult multiply(OpBuilder &b, Location loc, OpFoldResult x,
                             OpFoldResult y) {
  std::optional<int64_t> cx = getConstantIntValue(x),
                         cy = getConstantIntValue(y);
  if (cx && cy)
    return b.getIndexAttr(*cx * *cy);
  return arith::MulIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, x),
                               getValueOrCreateConstantIndexOp(b, loc, y))
      .getResult();
}

static void rewrite(memref::ExpandShapeOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  MemRefType sourceType = op.getSrcType();
  auto [sourceStrides, sourceOffset] = sourceType.getStridesAndOffset();
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, op.getSrc());
  auto known = [&](int64_t value, Value dynamic) -> OpFoldResult {
    if (ShapedType::isDynamic(value))
      return dynamic;
    return b.getIndexAttr(value);
  };
  SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
  SmallVector<OpFoldResult> strides(sizes.size());
  for (auto [g, group] : llvm::enumerate(op.getReassociationIndices())) {
    OpFoldResult stride = known(sourceStrides[g], meta.getStrides()[g]);
    for (int64_t i = group.size() - 1; i >= 0; --i) {
      strides[group[i]] = stride;
      if (i > 0)
        stride = multiply(b, loc, stride, sizes[group[i]]);
    }
  }
  // The result type's static strides are the ones computed here when
  // known; keep its constants where the type has them.
  MemRefType resultType = op.getResultType();
  auto [resultStrides, resultOffset] = resultType.getStridesAndOffset();
  for (auto [i, s] : llvm::enumerate(resultStrides))
    if (!ShapedType::isDynamic(s))
      strides[i] = b.getIndexAttr(s);
  for (auto [i, d] : llvm::enumerate(resultType.getShape()))
    if (!ShapedType::isDynamic(d))
      sizes[i] = b.getIndexAttr(d);
  auto cast = memref::ReinterpretCastOp::create(
      b, loc, resultType, meta.getBaseBuffer(),
      known(resultOffset, meta.getOffset()), sizes, strides);
  op.replaceAllUsesWith(cast.getResult());
  op.erase();
}

namespace {
struct DynamicExpandToCastPass
    : deepc::impl::DynamicExpandToCastPassBase<DynamicExpandToCastPass> {
  void runOnOperation() override {
    SmallVector<memref::ExpandShapeOp> expands;
    getOperation().walk([&](memref::ExpandShapeOp op) {
      if (hasMultiDynamicGroup(op))
        expands.push_back(op);
    });
    for (memref::ExpandShapeOp op : expands)
      rewrite(op);
  }
};
} // namespace
