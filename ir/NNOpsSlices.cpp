//===- NNOpsSlices.cpp - nn.slice, nn.pad and nn.concat -------------------===//
//
// Result types of the ops that move boxes of a tensor around. The offsets and
// sizes are static, and a dynamic dimension is only ever taken whole, so
// none of these ops can read or write out of bounds at run time.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace deepc::nn;

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> offsets = adaptor.getOffsets(), sizes = adaptor.getSizes();
  if (!type)
    return emitOptionalError(loc, "input must be a ranked tensor");
  if ((int64_t)offsets.size() != type.getRank() ||
      (int64_t)sizes.size() != type.getRank())
    return emitOptionalError(loc, "expects one offset and one size per "
                                  "dimension");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t dim = type.getDimSize(d), off = offsets[d], size = sizes[d];
    if (size == -1) {
      if (off != 0)
        return emitOptionalError(loc, "dimension ", d,
                                 " is taken whole (size -1) from offset ", off);
      shape.push_back(dim);
      continue;
    }
    if (ShapedType::isDynamic(dim))
      return emitOptionalError(loc, "dynamic dimension ", d,
                               " can only be taken whole (size -1)");
    if (off < 0 || size < 1 || off > dim - size)
      return emitOptionalError(loc, "offset ", off, " and size ", size,
                               " do not fit in dimension ", d, " of size ",
                               dim);
    shape.push_back(size);
  }
  types.push_back(type.clone(shape));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  ArrayRef<int64_t> low = adaptor.getLow(), high = adaptor.getHigh();
  if (!type)
    return emitOptionalError(loc, "input must be a ranked tensor");
  if ((int64_t)low.size() != type.getRank() ||
      (int64_t)high.size() != type.getRank())
    return emitOptionalError(loc, "expects one low and one high padding per "
                                  "dimension");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    int64_t dim = type.getDimSize(d);
    if (low[d] < 0 || high[d] < 0)
      return emitOptionalError(loc, "padding must be non-negative");
    if (ShapedType::isDynamic(dim)) {
      if (low[d] || high[d])
        return emitOptionalError(loc, "dynamic dimension ", d,
                                 " cannot be padded");
      shape.push_back(dim);
      continue;
    }
    shape.push_back(low[d] + dim + high[d]);
  }
  types.push_back(type.clone(shape));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "expects at least one input");
  auto first = dyn_cast<RankedTensorType>(inputs.front().getType());
  if (!first)
    return emitOptionalError(loc, "inputs must be ranked tensors");
  int64_t rank = first.getRank(), axis = adaptor.getAxis();
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, "axis ", axis, " is out of range [0, ", rank,
                             ")");
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : inputs) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || t.getRank() != rank)
      return emitOptionalError(loc, "inputs must be ranked tensors of one "
                                    "rank");
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = t.getDimSize(d);
      if (d == axis) {
        if (ShapedType::isDynamic(size))
          return emitOptionalError(loc, "sizes along the axis must be "
                                        "static");
        shape[d] += size;
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = size;
      } else if (!ShapedType::isDynamic(size) && size != shape[d]) {
        return emitOptionalError(loc, "sizes of dimension ", d,
                                 " differ: ", shape[d], " and ", size);
      }
    }
  }
  types.push_back(first.clone(shape));
  return success();
}
