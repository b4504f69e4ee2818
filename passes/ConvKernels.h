//===- ConvKernels.h - The kernels of deepc-vectorize-conv ------*- C++ -*-===//
//
// The channels-last convolution kernel (ConvChannelsLast.cpp), used by
// deepc-vectorize-conv (VectorizeConv.cpp) beside its row kernels.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_PASSES_CONVKERNELS_H
#define DEEPC_PASSES_CONVKERNELS_H

#include "passes/ConvBlock.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace deepc {

/// What the kernels' emitters share: the builder at the op they replace,
/// the vector width, and the index arithmetic they emit.
struct KernelBuilder {
  KernelBuilder(mlir::Operation *op, int64_t lanes)
      : b(op), loc(op->getLoc()), lanes(lanes) {}

  mlir::OpBuilder b;
  mlir::Location loc;
  int64_t lanes;

  /// An index constant.
  mlir::Value index(int64_t v);
  /// The f32 vector of `lanes`.
  mlir::VectorType vecType();
  /// base + offset (base itself for 0).
  mlir::Value plus(mlir::Value base, int64_t offset);
  /// `map` (one result over 7 loops) at `o` for loop `outDim` and `k` for
  /// loop `kDim`: a convolution's input row or column.
  mlir::Value apply(mlir::AffineMap map, unsigned outDim, mlir::Value o,
                    unsigned kDim, mlir::Value k);
};

/// The constant mask of the first `valid` of `lanes` lanes.
mlir::Value laneMask(mlir::OpBuilder &b, mlir::Location loc, int64_t lanes,
                     int64_t valid);

/// Whether the body of `op` is yield(out + in0 * in1), either way round.
bool isMultiplyAccumulate(mlir::linalg::GenericOp op);

/// Why `op` is not the channels-last convolution LowerNNConv writes
/// (out[n, i, j, f] += x[n, c, row(i, a), col(j, b)] * wt[c, a, b, f] on
/// buffers, f32, static but the batch, contiguous channels), or nullptr.
const char *rejectChannelsLastConv(mlir::linalg::GenericOp op);

/// Replaces `op` (accepted by rejectChannelsLastConv) by its vector loops
/// in `block` (chooseChannelConvBlock) of `lanes`-wide vectors.
void emitChannelsLastConv(mlir::linalg::GenericOp op, int64_t lanes,
                          ConvBlock block);

/// Why `op` is not the channels-last weight gradient LowerNNConv writes
/// (dwt[c, a, b, f] += x[n, c, row(i, a), col(j, b)] * gt[n, i, j, f]), or
/// nullptr.
const char *rejectChannelsLastGradWeight(mlir::linalg::GenericOp op);

/// Replaces `op` (accepted by rejectChannelsLastGradWeight) by tiles of
/// `block.vectors` kernel taps by `block.channels` vectors of channels.
void emitChannelsLastGradWeight(mlir::linalg::GenericOp op, int64_t lanes,
                                ConvBlock block);

} // namespace deepc

#endif // DEEPC_PASSES_CONVKERNELS_H
