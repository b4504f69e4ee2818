//===- NNGradientsSlices.cpp - Gradients of slice, pad and concat ---------===//
//
// A slice's gradient puts the adjoint back in place among zeros (nn.pad);
// a pad's takes the box out again (nn.slice); a concatenation hands each
// operand its own box of the adjoint.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

using namespace mlir;
using namespace deepc::nn;

LogicalResult SliceOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                            SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  RankedTensorType type = getInput().getType();
  SmallVector<int64_t> low, high;
  for (auto [d, off, size] : llvm::enumerate(getOffsets(), getSizes())) {
    bool whole = size == -1;
    low.push_back(whole ? 0 : off);
    high.push_back(whole ? 0 : type.getDimSize(d) - off - size);
  }
  Value padded = PadOp::create(b, getLoc(), g, low, high);
  out.push_back(gb.reshape(padded, type));
  return success();
}

LogicalResult PadOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  RankedTensorType type = getInput().getType();
  SmallVector<int64_t> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(type.isDynamicDim(d) ? -1 : type.getDimSize(d));
  Value box = SliceOp::create(b, getLoc(), g, getLow(), sizes);
  out.push_back(gb.reshape(box, type));
  return success();
}

LogicalResult ConcatOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                             SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  RankedTensorType result = getType();
  int64_t axis = getAxis(), at = 0;
  for (Value input : getInputs()) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> offsets(type.getRank(), 0), sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(d == axis                ? type.getDimSize(d)
                      : result.isDynamicDim(d) ? -1
                                               : result.getDimSize(d));
    offsets[axis] = at;
    at += type.getDimSize(axis);
    Value box = SliceOp::create(b, getLoc(), g, offsets, sizes);
    out.push_back(gb.reshape(box, type));
  }
  return success();
}
