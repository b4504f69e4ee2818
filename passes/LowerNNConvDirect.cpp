//===- LowerNNConvDirect.cpp - Direct convolutions, tensor side -----------===//
//
// Which convolutions and weight gradients LowerNNConv lowers directly, and
// their tensor IR: linalg.conv_2d_nchw_fchw on the padded input (vectors
// along output rows), or one multiply-accumulate generic channels-last
// (vectors along output channels), which deepc-vectorize-conv turns into
// register-blocked vector loops on buffers. docs/ARCHITECTURE.md has the
// rule; passes/ConvBlock.h the cost model.
//
//===----------------------------------------------------------------------===//

#include "passes/LowerNNConvDirect.h"
#include "passes/ConvBlock.h"
#include "passes/LowerNNToLinalg.h"
#include "passes/TargetModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

namespace deepc::conv {

/// The least share of the FMA slots a direct convolution must use
/// (ConvBlock::efficiency) to be taken over im2col and a matmul: LeNet's
/// first convolution (6 channels, rows of 28) uses 87% of them at 8 lanes,
/// its second (16 channels, rows of 10) 62%, and the im2col matmul did
/// the second's products at half the FMA peak, patch matrix included, on a
/// Zen 1.
static constexpr double kDirectConvMinEfficiency = 0.75;

/// The most output channels a direct convolution (forward) and a direct
/// weight gradient take: past them the im2col matmul's rows fill its
/// micro-kernel and it was as fast or faster. Measured at batch 64 on a
/// Zen 1 (`deepc bench`, CPU ms, im2col against direct): 1 -> 32 channels,
/// 3x3 on 28x28, forward 4.5 against 3.0 and weight gradient 6.8 against
/// 7.3; 32 -> 64 channels, 3x3 on 14x14, forward 26.1 against 27.4 and
/// weight gradient 13 against 62 (the lane sums of many short rows);
/// LeNet's 1 -> 6, 5x5 on 28x28, forward 2.1 against 0.9 and weight
/// gradient 2.0 against 1.8.
static constexpr int64_t kDirectConvMaxChannels = 32;
static constexpr int64_t kDirectGradWeightMaxChannels = 16;

/// A tensor of `type` with `sizes` holding `bias` broadcast along dim
/// `channelDim` (zeros without a bias): where a direct convolution's sums
/// start.
static Value biasOrZeros(OpBuilder &b, Location loc, RankedTensorType type,
                         ArrayRef<OpFoldResult> sizes, Value bias,
                         unsigned channelDim) {
  if (!bias)
    return zeros(b, loc, type, sizes);
  return elementwise(
      b, loc, emptyTensor(b, loc, type, sizes), bias,
      dimMap(b.getContext(), 4, channelDim),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// One generic of `resultType` over 7 loops (4 parallel, then 3
/// reductions) adding in0 * in1 to `init`, the operands read through `maps`:
/// the form of every direct convolution and weight gradient
/// (deepc-vectorize-conv matches it on buffers).
static Value multiplyAccumulate(OpBuilder &b, Location loc,
                                RankedTensorType resultType, ValueRange inputs,
                                Value init, ArrayRef<AffineMap> maps) {
  SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
  iterators.append(3, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
             iterators,
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               Value product =
                   arith::MulFOp::create(nb, nloc, args[0], args[1]);
               linalg::YieldOp::create(nb, nloc,
                                       ValueRange{arith::AddFOp::create(
                                           nb, nloc, args[2], product)});
             })
      .getResult(0);
}

/// The target a direct convolution is emitted for, when the op's tensors
/// (`weight`: the filter or the weight gradient; `others`: NCHW, the batch
/// may be dynamic) are all f32 of static sizes but the batch and the target
/// has vector registers; nullopt otherwise.
static std::optional<TargetModel>
directConvTarget(Operation *op, RankedTensorType weight,
                 ArrayRef<RankedTensorType> others) {
  if (!weight.getElementType().isF32() || !weight.hasStaticShape())
    return std::nullopt;
  for (RankedTensorType t : others) {
    if (!t.getElementType().isF32())
      return std::nullopt;
    for (int64_t d = 1; d < 4; ++d)
      if (t.isDynamicDim(d))
        return std::nullopt;
  }
  auto module = op->getParentOfType<ModuleOp>();
  FailureOr<TargetModel> target =
      module ? getTargetModel(module) : FailureOr<TargetModel>(failure());
  if (failed(target) || target->vectorBits < 128)
    return std::nullopt;
  return *target;
}

/// Whether every stride and dilation is 1.
static bool unitSteps(ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  return llvm::all_of(stride, [](int64_t s) { return s == 1; }) &&
         llvm::all_of(dilation, [](int64_t d) { return d == 1; });
}

/// The better of the two direct kernels for `rows` and `channels` (shares
/// of the FMA slots), or im2col when neither reaches
/// kDirectConvMinEfficiency.
static ConvKind better(double rows, double channels) {
  if (std::max(rows, channels) < kDirectConvMinEfficiency)
    return ConvKind::Im2col;
  return rows >= channels ? ConvKind::Rows : ConvKind::ChannelsLast;
}

/// How conv2d of `type` with weight `wType` is lowered: directly when one
/// of deepc-vectorize-conv's kernels keeps the FMAs busy
/// (kDirectConvMinEfficiency), the better of the two, else im2col and a
/// matmul. Direct ones need f32, static sizes but the batch and a target
/// with vector registers; the row kernel also stride and dilation 1 and at
/// most kDirectConvMaxChannels channels. Few output channels are where
/// im2col loses: the matmul's M is too narrow for its micro-kernel and the
/// patch matrix (C KH KW rows of every output pixel) costs more than the
/// products.
ConvKind chooseConvKind(Operation *op, RankedTensorType type,
                        RankedTensorType xType, RankedTensorType wType,
                        ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
  std::optional<TargetModel> target =
      directConvTarget(op, wType, {type, xType});
  if (!target)
    return ConvKind::Im2col;
  int64_t f = wType.getDimSize(0), ow = type.getDimSize(3);
  double rows =
      unitSteps(stride, dilation) && f <= kDirectConvMaxChannels
          ? chooseConvBlock(f, ow, target->lanes(), target->vectorRegisters)
                .efficiency
          : 0.0;
  int64_t taps =
      wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3);
  double channels =
      chooseChannelConvBlock(f, ow, target->lanes(), target->vectorRegisters)
          .efficiency *
      channelsLastShare(taps);
  return better(rows, channels);
}

/// How conv2d_grad_weight of `type` ([F, C, KH, KW]) is lowered, as
/// chooseConvKind: ConvKind::Rows is one generic over (f, c, a, b, n, i, j)
/// whose sums run in the lanes of the adjoint's rows
/// (chooseConvGradWeightBlock: stride and dilation 1, at most
/// kDirectGradWeightMaxChannels channels), ConvKind::ChannelsLast one over
/// (c, a, b, f, n, i, j) with vectors along the channels, kernel taps
/// (c, a, b) in registers (chooseChannelConvBlock over the taps).
ConvKind chooseGradWeightKind(Operation *op, RankedTensorType type,
                              RankedTensorType gType, RankedTensorType xType,
                              ArrayRef<int64_t> stride,
                              ArrayRef<int64_t> dilation) {
  std::optional<TargetModel> target =
      directConvTarget(op, type, {gType, xType});
  if (!target)
    return ConvKind::Im2col;
  int64_t f = type.getDimSize(0);
  double rows = 0.0;
  if (unitSteps(stride, dilation) && f <= kDirectGradWeightMaxChannels) {
    ConvBlock block =
        chooseConvGradWeightBlock(f, type.getDimSize(3), gType.getDimSize(3),
                                  target->lanes(), target->vectorRegisters);
    rows = block.channels > 0 ? block.efficiency : 0.0;
  }
  int64_t taps = type.getDimSize(1) * type.getDimSize(2) * type.getDimSize(3);
  double channels =
      chooseChannelConvBlock(f, taps, target->lanes(), target->vectorRegisters)
          .efficiency *
      channelsLastShare(taps);
  return better(rows, channels);
}

/// conv2d_grad_weight channels-last (ConvKind::ChannelsLast): dwt[c, a, b,
/// f] = sum_{n, i, j} xpad[n, c, i s0 + a d0, j s1 + b d1] gt[n, i, j, f],
/// gt the adjoint as [N, OH, OW, F], then dwt as [F, C, KH, KW].
Value channelsLastGradWeight(OpBuilder &b, Location loc, RankedTensorType type,
                             Value g, Value xpad, ArrayRef<int64_t> stride,
                             ArrayRef<int64_t> dilation) {
  MLIRContext *context = b.getContext();
  Value gt = permute(b, loc, g, {0, 2, 3, 1});
  auto dwtType = RankedTensorType::get({type.getDimSize(1), type.getDimSize(2),
                                        type.getDimSize(3), type.getDimSize(0)},
                                       type.getElementType());
  AffineExpr c, a, bb, f, n, i, j;
  bindDims(context, c, a, bb, f, n, i, j);
  SmallVector<AffineMap> maps = {
      AffineMap::get(7, 0,
                     {n, c, i * stride[0] + a * dilation[0],
                      j * stride[1] + bb * dilation[1]},
                     context),
      AffineMap::get(7, 0, {n, i, j, f}, context),
      AffineMap::get(7, 0, {c, a, bb, f}, context)};
  Value dwt = multiplyAccumulate(
      b, loc, dwtType, ValueRange{xpad, gt},
      zeros(b, loc, dwtType, indices(b, dwtType.getShape())), maps);
  return permute(b, loc, dwt, {3, 0, 1, 2});
}

/// conv2d_grad_weight of `type` as one generic over (f, c, a, b, n, i, j):
/// dw[f, c, a, b] += g[n, f, i, j] * xpad[n, c, i + a, j + b].
Value directGradWeight(OpBuilder &b, Location loc, RankedTensorType type,
                       Value g, Value xpad) {
  MLIRContext *context = b.getContext();
  AffineExpr f, c, a, bb, n, i, j;
  bindDims(context, f, c, a, bb, n, i, j);
  SmallVector<AffineMap> maps = {
      AffineMap::get(7, 0, {n, f, i, j}, context),
      AffineMap::get(7, 0, {n, c, i + a, j + bb}, context),
      AffineMap::get(7, 0, {f, c, a, bb}, context)};
  return multiplyAccumulate(b, loc, type, ValueRange{g, xpad},
                            zeros(b, loc, type, indices(b, type.getShape())),
                            maps);
}

/// conv2d as a direct convolution of the padded input (ConvKind::Rows):
/// the output starts as the bias broadcast (or zeros) and
/// linalg.conv_2d_nchw_fchw adds the products to it.
Value directConv(OpBuilder &b, Location loc, RankedTensorType type, Value xpad,
                 Value w, Value bias, ArrayRef<OpFoldResult> sizes) {
  Value init = biasOrZeros(b, loc, type, sizes, bias, 1);
  auto ones = b.getI64VectorAttr({1, 1});
  return linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{type},
                                          ValueRange{xpad, w}, ValueRange{init},
                                          ones, ones)
      .getResult(0);
}

/// conv2d as the channels-last generic (ConvKind::ChannelsLast):
/// acc[n, i, j, f] = bias[f] + sum_{c, a, b} xpad[n, c, i s0 + a d0,
/// j s1 + b d1] wt[c, a, b, f], wt the filters as [C, KH, KW, F], then acc
/// transposed to NCHW (one elementwise generic, into which deepc-fuse may
/// put a consumer).
Value channelsLastConv(OpBuilder &b, Location loc, RankedTensorType type,
                       Value xpad, Value w, Value bias,
                       ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> stride,
                       ArrayRef<int64_t> dilation) {
  MLIRContext *context = b.getContext();
  Value wt = permute(b, loc, w, {1, 2, 3, 0});
  auto accType = RankedTensorType::get({type.getDimSize(0), type.getDimSize(2),
                                        type.getDimSize(3), type.getDimSize(1)},
                                       type.getElementType());
  SmallVector<OpFoldResult> accSizes = {sizes[0], sizes[2], sizes[3], sizes[1]};
  AffineExpr n, i, j, f, c, a, bb;
  bindDims(context, n, i, j, f, c, a, bb);
  SmallVector<AffineMap> maps = {
      AffineMap::get(7, 0,
                     {n, c, i * stride[0] + a * dilation[0],
                      j * stride[1] + bb * dilation[1]},
                     context),
      AffineMap::get(7, 0, {c, a, bb, f}, context),
      AffineMap::get(7, 0, {n, i, j, f}, context)};
  Value acc =
      multiplyAccumulate(b, loc, accType, ValueRange{xpad, wt},
                         biasOrZeros(b, loc, accType, accSizes, bias, 3), maps);
  return permute(b, loc, acc, {0, 3, 1, 2});
}

} // namespace deepc::conv
