//===- NNOps.cpp - Ops of the nn dialect ----------------------------------===//
//
// Shape rules shared by inference and verification, verifiers for what the
// types cannot say, and folders.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace deepc::nn;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>>
deepc::nn::broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Dimension i counted from the right; a missing one acts as 1.
    int64_t a = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t b = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    int64_t &out = result[rank - 1 - i];
    if (a == 1 || a == b)
      out = b;
    else if (b == 1)
      out = a;
    else if (ShapedType::isDynamic(a))
      out = b;
    else if (ShapedType::isDynamic(b))
      out = a;
    else
      return failure();
  }
  return result;
}

/// Prints a shape as `2x?x4` for diagnostics.
static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << '?';
        else
          os << d;
      },
      "x");
  return s;
}

LogicalResult
deepc::nn::inferBroadcastResultType(std::optional<Location> loc, Type lhs,
                                    Type rhs, SmallVectorImpl<Type> &types) {
  auto l = dyn_cast<RankedTensorType>(lhs);
  auto r = dyn_cast<RankedTensorType>(rhs);
  if (!l || !r)
    return emitOptionalError(loc, "operands must be ranked tensors");
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(l.getShape(), r.getShape());
  if (failed(shape))
    return emitOptionalError(loc, "operand shapes ", shapeStr(l.getShape()),
                             " and ", shapeStr(r.getShape()),
                             " are not broadcast-compatible");
  types.push_back(RankedTensorType::get(*shape, l.getElementType()));
  return success();
}

/// Checks that `axes` are sorted, unique and in `[0, rank)`.
static LogicalResult verifyAxes(std::optional<Location> loc,
                                ArrayRef<int64_t> axes, int64_t rank) {
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank)
      return emitOptionalError(loc, "axis ", axis, " is out of range [0, ",
                               rank, ")");
    if (i > 0 && axes[i - 1] >= axis)
      return emitOptionalError(loc, "axes must be sorted and unique");
  }
  return success();
}

LogicalResult deepc::nn::inferReducedType(std::optional<Location> loc,
                                          Type input, ArrayRef<int64_t> axes,
                                          bool keepdims, Type elementType,
                                          SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(input);
  if (!type)
    return emitOptionalError(loc, "input must be a ranked tensor");
  if (failed(verifyAxes(loc, axes, type.getRank())))
    return failure();
  SmallVector<int64_t> shape;
  for (auto [i, dim] : llvm::enumerate(type.getShape())) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      shape.push_back(dim);
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(
      shape, elementType ? elementType : type.getElementType()));
  return success();
}

/// Whether two sizes may be equal at run time (either dynamic, or equal).
static bool mayBeEqual(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getValue().getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// MatmulOp and DenseOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto lhs = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
  if (!lhs || !rhs || lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOptionalError(loc, "operands must have rank >= 2");
  ArrayRef<int64_t> a = lhs.getShape(), b = rhs.getShape();
  if (!mayBeEqual(a.back(), b[b.size() - 2]))
    return emitOptionalError(loc, "inner dimensions differ: ", a.back(), " vs ",
                             b[b.size() - 2]);
  FailureOr<SmallVector<int64_t>> shape =
      broadcastShapes(a.drop_back(2), b.drop_back(2));
  if (failed(shape))
    return emitOptionalError(loc, "batch dimensions ", shapeStr(a.drop_back(2)),
                             " and ", shapeStr(b.drop_back(2)),
                             " are not broadcast-compatible");
  shape->push_back(a[a.size() - 2]);
  shape->push_back(b.back());
  types.push_back(RankedTensorType::get(*shape, lhs.getElementType()));
  return success();
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto x = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  auto w = dyn_cast<RankedTensorType>(adaptor.getWeight().getType());
  if (!x || !w || x.getRank() < 1 || w.getRank() != 2)
    return emitOptionalError(
        loc, "expects an input of rank >= 1 and a weight of rank 2");
  if (!mayBeEqual(x.getShape().back(), w.getDimSize(1)))
    return emitOptionalError(loc, "input features ", x.getShape().back(),
                             " differ from weight columns ", w.getDimSize(1));
  if (Value bias = adaptor.getBias()) {
    auto b = dyn_cast<RankedTensorType>(bias.getType());
    if (!b || b.getRank() != 1 || !mayBeEqual(b.getDimSize(0), w.getDimSize(0)))
      return emitOptionalError(loc, "bias must have shape [", w.getDimSize(0),
                               "]");
  }
  SmallVector<int64_t> shape(x.getShape().drop_back());
  shape.push_back(w.getDimSize(0));
  types.push_back(RankedTensorType::get(shape, x.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// ArgmaxOp, SoftmaxOp, LogSoftmaxOp
//===----------------------------------------------------------------------===//

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return inferReducedType(loc, adaptor.getInput().getType(),
                          {static_cast<int64_t>(adaptor.getAxis())},
                          adaptor.getKeepdims(), IntegerType::get(context, 64),
                          types);
}

LogicalResult SoftmaxOp::verify() {
  return verifyAxes(getLoc(), {static_cast<int64_t>(getAxis())},
                    getInput().getType().getRank());
}

LogicalResult LogSoftmaxOp::verify() {
  return verifyAxes(getLoc(), {static_cast<int64_t>(getAxis())},
                    getInput().getType().getRank());
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = cast<RankedTensorType>(getInput().getType());
  auto out = cast<RankedTensorType>(getResult().getType());
  if (out.getNumDynamicDims() > 1)
    return emitOpError("result has more than one dynamic dimension");
  if (!in.hasStaticShape())
    return success();
  int64_t known = 1;
  for (int64_t d : out.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  int64_t count = in.getNumElements();
  if (out.hasStaticShape() ? known != count : known == 0 || count % known)
    return emitOpError("cannot reshape ")
           << count << " elements to " << shapeStr(out.getShape());
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto dense = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInput());
  if (dense && getType().hasStaticShape())
    return dense.reshape(cast<ShapedType>(getType()));
  return {};
}

namespace {
#include "ir/NNCanonicalize.inc"
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *context) {
  patterns.add<ReshapeOfReshape>(context);
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  if (!type)
    return emitOptionalError(loc, "input must be a ranked tensor");
  ArrayRef<int64_t> perm = adaptor.getPerm();
  int64_t rank = type.getRank();
  SmallVector<bool> seen(rank, false);
  bool isPermutation = static_cast<int64_t>(perm.size()) == rank;
  for (int64_t p : perm) {
    if (!isPermutation || p < 0 || p >= rank || seen[p]) {
      isPermutation = false;
      break;
    }
    seen[p] = true;
  }
  if (!isPermutation)
    return emitOptionalError(loc, "perm is not a permutation of [0, ", rank,
                             ")");
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPerm()))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

//===----------------------------------------------------------------------===//
// CompareOp, WhereOp, BroadcastToOp, OneHotOp
//===----------------------------------------------------------------------===//

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  if (failed(inferBroadcastResultType(loc, adaptor.getLhs().getType(),
                                      adaptor.getRhs().getType(), types)))
    return failure();
  types.front() =
      cast<RankedTensorType>(types.front()).clone(IntegerType::get(context, 1));
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  SmallVector<Type> values;
  if (failed(inferBroadcastResultType(loc, adaptor.getTrueValue().getType(),
                                      adaptor.getFalseValue().getType(),
                                      values)) ||
      failed(inferBroadcastResultType(loc, adaptor.getCondition().getType(),
                                      values.front(), types)))
    return failure();
  types.front() = cast<RankedTensorType>(types.front())
                      .clone(getElementTypeOrSelf(values.front()));
  return success();
}

/// For each dimension of a rank-`inputRank` input broadcast to rank
/// `resultRank`, the result dimension it maps to: the dims not in `axes` in
/// order, or (without `axes`) the trailing ones.
static SmallVector<int64_t>
mapInputDims(int64_t inputRank, int64_t resultRank,
             std::optional<ArrayRef<int64_t>> axes) {
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < resultRank; ++d) {
    bool added =
        axes ? llvm::is_contained(*axes, d) : d < resultRank - inputRank;
    if (!added)
      dims.push_back(d);
  }
  return dims;
}

LogicalResult BroadcastToOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  auto input = dyn_cast<RankedTensorType>(adaptor.getInput().getType());
  auto like = dyn_cast<RankedTensorType>(adaptor.getLike().getType());
  if (!input || !like)
    return emitOptionalError(loc, "operands must be ranked tensors");
  std::optional<ArrayRef<int64_t>> axes = adaptor.getAxes();
  if (axes && failed(verifyAxes(loc, *axes, like.getRank())))
    return failure();
  int64_t expected = axes ? like.getRank() - axes->size() : input.getRank();
  if (input.getRank() != expected || input.getRank() > like.getRank())
    return emitOptionalError(loc, "cannot broadcast rank ", input.getRank(),
                             " to rank ", like.getRank(),
                             axes ? " with the given axes" : "");
  SmallVector<int64_t> dims =
      mapInputDims(input.getRank(), like.getRank(), axes);
  for (auto [i, d] : llvm::enumerate(dims)) {
    int64_t size = input.getDimSize(i);
    if (size != 1 && !mayBeEqual(size, like.getDimSize(d)))
      return emitOptionalError(loc, "cannot broadcast ",
                               shapeStr(input.getShape()), " to ",
                               shapeStr(like.getShape()));
  }
  types.push_back(like.clone(input.getElementType()));
  return success();
}

SmallVector<int64_t> BroadcastToOp::getInputToResultDims() {
  return mapInputDims(getInput().getType().getRank(), getType().getRank(),
                      getAxes());
}

LogicalResult OneHotOp::verify() {
  RankedTensorType in = getIndices().getType(), out = getType();
  if (out.getRank() != in.getRank() + 1)
    return emitOpError("result rank must be the indices' rank + 1");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (!mayBeEqual(in.getDimSize(d), out.getDimSize(d)))
      return emitOpError("result shape ")
             << shapeStr(out.getShape()) << " does not extend indices shape "
             << shapeStr(in.getShape());
  if (out.isDynamicDim(in.getRank()) || out.getShape().back() < 1)
    return emitOpError("the number of classes (last result dim) must be a "
                       "static size >= 1");
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp, EmbeddingGradOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto ids = dyn_cast<RankedTensorType>(adaptor.getIds().getType());
  auto weight = dyn_cast<RankedTensorType>(adaptor.getWeight().getType());
  if (!ids || !weight || ids.getRank() < 1 || weight.getRank() != 2)
    return emitOptionalError(loc, "expects ids of rank >= 1 and a weight "
                                  "[V, D]");
  if (weight.isDynamicDim(0) || weight.isDynamicDim(1))
    return emitOptionalError(loc, "the weight's shape must be static");
  SmallVector<int64_t> shape(ids.getShape());
  shape.push_back(weight.getDimSize(1));
  types.push_back(RankedTensorType::get(shape, weight.getElementType()));
  return success();
}

LogicalResult EmbeddingGradOp::verify() {
  RankedTensorType grad = getGrad().getType(), ids = getIds().getType();
  RankedTensorType out = getType();
  if (ids.getRank() < 1 || grad.getRank() != ids.getRank() + 1)
    return emitOpError("expects ids of rank >= 1 and a grad of one more "
                       "dimension");
  for (int64_t d = 0; d < ids.getRank(); ++d)
    if (!mayBeEqual(ids.getDimSize(d), grad.getDimSize(d)))
      return emitOpError("grad shape ")
             << shapeStr(grad.getShape()) << " does not extend ids shape "
             << shapeStr(ids.getShape());
  if (out.getRank() != 2 || !out.hasStaticShape() ||
      out.getDimSize(1) != grad.getShape().back())
    return emitOpError("result must be a static [V, D] with D the grad's "
                       "last dimension");
  return success();
}

//===----------------------------------------------------------------------===//
// CrossEntropyOp
//===----------------------------------------------------------------------===//

LogicalResult CrossEntropyOp::inferReturnTypes(MLIRContext *,
                                               std::optional<Location> loc,
                                               Adaptor adaptor,
                                               SmallVectorImpl<Type> &types) {
  auto logits = dyn_cast<RankedTensorType>(adaptor.getLogits().getType());
  auto labels = dyn_cast<RankedTensorType>(adaptor.getLabels().getType());
  if (!logits || !labels || logits.getRank() != 2 || labels.getRank() != 1)
    return emitOptionalError(loc, "expects logits [N, C] and labels [N]");
  if (!mayBeEqual(logits.getDimSize(0), labels.getDimSize(0)))
    return emitOptionalError(loc, "logits have ", logits.getDimSize(0),
                             " rows but labels have ", labels.getDimSize(0));
  types.push_back(RankedTensorType::get({}, logits.getElementType()));
  return success();
}

#include "ir/NNEnums.cpp.inc"
#include "ir/NNInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "ir/NNOps.cpp.inc"
