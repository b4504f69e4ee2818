//===- NNConvOps.cpp - Shape rules of convolution and pooling -------------===//
//
// nn.conv2d, nn.maxpool2d, nn.avgpool2d and their gradient ops share one
// window rule: a window of k dilated by d (spanning d (k - 1) + 1 elements)
// moved by s over n + 2p elements gives (n + 2p - d (k - 1) - 1) / s + 1
// outputs (floor). Inputs are NCHW with C, H, W static;
// the batch may be dynamic.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace deepc::nn;

/// Checks that `values` has two entries, each at least `min`.
static LogicalResult checkPair(std::optional<Location> loc, StringRef name,
                               ArrayRef<int64_t> values, int64_t min) {
  if (values.size() != 2 || values[0] < min || values[1] < min)
    return emitOptionalError(loc, "'", name, "' must have two ",
                             min ? "positive" : "non-negative", " entries");
  return success();
}

/// The number of windows of `k` dilated by `d` moved by `s` over `n`
/// elements padded by `p` on each side, or failure (reported) when the
/// window does not fit.
static FailureOr<int64_t> windows(std::optional<Location> loc, int64_t n,
                                  int64_t k, int64_t s, int64_t p, int64_t d) {
  int64_t span = d * (k - 1) + 1;
  if (n + 2 * p < span)
    return emitOptionalError(loc, "window ", span, " is larger than the input ",
                             n, " padded by ", p, " on each side");
  return (n + 2 * p - span) / s + 1;
}

/// Checks that `type` is a rank-4 tensor whose dims 1 to 3 are static.
static LogicalResult checkNCHW(std::optional<Location> loc, StringRef what,
                               Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || t.getRank() != 4 ||
      llvm::any_of(t.getShape().drop_front(), ShapedType::isDynamic))
    return emitOptionalError(loc, what,
                             " must be a rank-4 tensor with static dims 1 to "
                             "3, got ",
                             type);
  return success();
}

/// The output height and width of a window op on the NCHW `input` with
/// `kernel`, `stride`, `padding`, `dilation`.
static FailureOr<std::pair<int64_t, int64_t>>
outputSize(std::optional<Location> loc, RankedTensorType input,
           ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
           ArrayRef<int64_t> padding, ArrayRef<int64_t> dilation = {1, 1}) {
  FailureOr<int64_t> h = windows(loc, input.getDimSize(2), kernel[0], stride[0],
                                 padding[0], dilation[0]);
  if (failed(h))
    return failure();
  FailureOr<int64_t> w = windows(loc, input.getDimSize(3), kernel[1], stride[1],
                                 padding[1], dilation[1]);
  if (failed(w))
    return failure();
  return std::make_pair(*h, *w);
}

/// Checks that `groups` divides the filters of the static weight `w`
/// `[F, C / groups, KH, KW]` and that `channels` is its dim 1 times groups.
static LogicalResult checkGroups(std::optional<Location> loc, int64_t groups,
                                 int64_t channels, RankedTensorType w) {
  if (groups < 1 || w.getDimSize(0) % groups != 0)
    return emitOptionalError(loc, "groups ", groups,
                             " must be positive and divide the filters ",
                             w.getDimSize(0));
  if (channels != w.getDimSize(1) * groups)
    return emitOptionalError(loc, "input channels ", channels,
                             " differ from weight channels ", w.getDimSize(1),
                             " times groups ", groups);
  return success();
}

/// Whether two sizes may be equal at run time (either dynamic, or equal).
static bool mayBeEqual(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

LogicalResult deepc::nn::inferPool2dType(std::optional<Location> loc,
                                         Type input, ArrayRef<int64_t> kernel,
                                         ArrayRef<int64_t> stride,
                                         SmallVectorImpl<Type> &types) {
  if (failed(checkNCHW(loc, "input", input)) ||
      failed(checkPair(loc, "kernel", kernel, 1)) ||
      failed(checkPair(loc, "stride", stride, 1)))
    return failure();
  auto x = cast<RankedTensorType>(input);
  auto hw = outputSize(loc, x, kernel, stride, {0, 0});
  if (failed(hw))
    return failure();
  types.push_back(RankedTensorType::get(
      {x.getDimSize(0), x.getDimSize(1), hw->first, hw->second},
      x.getElementType()));
  return success();
}

LogicalResult Conv2dOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (failed(checkNCHW(loc, "input", adaptor.getInput().getType())) ||
      failed(checkNCHW(loc, "weight", adaptor.getWeight().getType())) ||
      failed(checkPair(loc, "stride", adaptor.getStride(), 1)) ||
      failed(checkPair(loc, "padding", adaptor.getPadding(), 0)) ||
      failed(checkPair(loc, "dilation", adaptor.getDilation(), 1)))
    return failure();
  auto x = cast<RankedTensorType>(adaptor.getInput().getType());
  auto w = cast<RankedTensorType>(adaptor.getWeight().getType());
  if (w.isDynamicDim(0))
    return emitOptionalError(loc, "weight must be static");
  if (failed(checkGroups(loc, adaptor.getGroups(), x.getDimSize(1), w)))
    return failure();
  if (Value bias = adaptor.getBias()) {
    auto b = dyn_cast<RankedTensorType>(bias.getType());
    if (!b || b.getRank() != 1 || !mayBeEqual(b.getDimSize(0), w.getDimSize(0)))
      return emitOptionalError(loc, "bias must have shape [", w.getDimSize(0),
                               "]");
  }
  auto hw = outputSize(loc, x, w.getShape().drop_front(2), adaptor.getStride(),
                       adaptor.getPadding(), adaptor.getDilation());
  if (failed(hw))
    return failure();
  types.push_back(RankedTensorType::get(
      {x.getDimSize(0), w.getDimSize(0), hw->first, hw->second},
      x.getElementType()));
  return success();
}

/// Verifies a gradient op: `grad` is the adjoint of a window op's result
/// `[N, K, OH, OW]` whose input `input` (NCHW) under `kernel`, `stride`,
/// `padding`, `dilation` gives exactly OH, OW, and whose batch and channels
/// agree.
static LogicalResult verifyWindowGrad(Operation *op, Type gradType,
                                      Type inputType, ArrayRef<int64_t> kernel,
                                      ArrayRef<int64_t> stride,
                                      ArrayRef<int64_t> padding,
                                      int64_t channels,
                                      ArrayRef<int64_t> dilation = {1, 1}) {
  std::optional<Location> loc = op->getLoc();
  if (failed(checkNCHW(loc, "grad", gradType)) ||
      failed(checkNCHW(loc, "input", inputType)) ||
      failed(checkPair(loc, "kernel", kernel, 1)) ||
      failed(checkPair(loc, "stride", stride, 1)) ||
      failed(checkPair(loc, "padding", padding, 0)) ||
      failed(checkPair(loc, "dilation", dilation, 1)))
    return failure();
  auto g = cast<RankedTensorType>(gradType);
  auto x = cast<RankedTensorType>(inputType);
  auto hw = outputSize(loc, x, kernel, stride, padding, dilation);
  if (failed(hw))
    return failure();
  if (!mayBeEqual(g.getDimSize(0), x.getDimSize(0)) ||
      g.getDimSize(1) != channels || g.getDimSize(2) != hw->first ||
      g.getDimSize(3) != hw->second)
    return op->emitOpError("grad type ")
           << g << " does not match the forward result of input " << x;
  return success();
}

LogicalResult Conv2dGradInputOp::verify() {
  if (failed(checkNCHW(getLoc(), "weight", getWeight().getType())))
    return failure();
  RankedTensorType w = getWeight().getType(), x = getType();
  if (!w.hasStaticShape() || x.getRank() != 4)
    return emitOpError("needs a static weight and a rank-4 input");
  if (failed(checkGroups(getLoc(), getGroups(), x.getDimSize(1), w)))
    return failure();
  return verifyWindowGrad(*this, getGrad().getType(), x,
                          w.getShape().drop_front(2), getStride(), getPadding(),
                          w.getDimSize(0), getDilation());
}

LogicalResult Conv2dGradWeightOp::verify() {
  if (failed(checkNCHW(getLoc(), "result", getType())))
    return failure();
  RankedTensorType w = getType(), x = getInput().getType();
  if (!w.hasStaticShape() || x.getRank() != 4)
    return emitOpError("needs a static weight and a rank-4 input");
  if (failed(checkGroups(getLoc(), getGroups(), x.getDimSize(1), w)))
    return failure();
  return verifyWindowGrad(*this, getGrad().getType(), x,
                          w.getShape().drop_front(2), getStride(), getPadding(),
                          w.getDimSize(0), getDilation());
}

LogicalResult MaxPool2dGradOp::verify() {
  RankedTensorType x = getInput().getType();
  return verifyWindowGrad(*this, getGrad().getType(), x, getKernel(),
                          getStride(), {0, 0},
                          x.getRank() == 4 ? x.getDimSize(1) : 0);
}

LogicalResult AvgPool2dGradOp::verify() {
  RankedTensorType x = getType();
  return verifyWindowGrad(*this, getGrad().getType(), x, getKernel(),
                          getStride(), {0, 0},
                          x.getRank() == 4 ? x.getDimSize(1) : 0);
}
