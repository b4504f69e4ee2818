//===- LowerNNConvDirect.h - Direct convolutions, tensor side ---*- C++ -*-===//
//
// LowerNNConv's choice between im2col and deepc-vectorize-conv's direct
// kernels (ConvBlock.h's model), and the tensor IR of the direct ones
// (LowerNNConvDirect.cpp); the small tensor helpers both files use.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_PASSES_LOWERNNCONVDIRECT_H
#define DEEPC_PASSES_LOWERNNCONVDIRECT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace deepc::conv {

/// How a convolution or its weight gradient is lowered.
enum class ConvKind {
  Im2col,      // the patch matrix and a matmul
  Rows,        // vectors along output rows (adjoint rows for the gradient)
  ChannelsLast // one generic into [N, OH, OW, F]: vectors along channels
};

/// How conv2d of `type` with weight `wType` on `xType` is lowered.
ConvKind chooseConvKind(mlir::Operation *op, mlir::RankedTensorType type,
                        mlir::RankedTensorType xType,
                        mlir::RankedTensorType wType,
                        llvm::ArrayRef<int64_t> stride,
                        llvm::ArrayRef<int64_t> dilation);

/// How conv2d_grad_weight of `type` ([F, C, KH, KW]) is lowered.
ConvKind chooseGradWeightKind(mlir::Operation *op, mlir::RankedTensorType type,
                              mlir::RankedTensorType gType,
                              mlir::RankedTensorType xType,
                              llvm::ArrayRef<int64_t> stride,
                              llvm::ArrayRef<int64_t> dilation);

/// ConvKind::Rows of conv2d: linalg.conv_2d_nchw_fchw on the padded input.
mlir::Value directConv(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::RankedTensorType type, mlir::Value xpad,
                       mlir::Value w, mlir::Value bias,
                       llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// ConvKind::ChannelsLast of conv2d.
mlir::Value channelsLastConv(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type, mlir::Value xpad,
                             mlir::Value w, mlir::Value bias,
                             llvm::ArrayRef<mlir::OpFoldResult> sizes,
                             llvm::ArrayRef<int64_t> stride,
                             llvm::ArrayRef<int64_t> dilation);

/// ConvKind::Rows of conv2d_grad_weight.
mlir::Value directGradWeight(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type, mlir::Value g,
                             mlir::Value xpad);

/// ConvKind::ChannelsLast of conv2d_grad_weight.
mlir::Value channelsLastGradWeight(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::RankedTensorType type, mlir::Value g,
                                   mlir::Value xpad,
                                   llvm::ArrayRef<int64_t> stride,
                                   llvm::ArrayRef<int64_t> dilation);

// Helpers of LowerNNConv.cpp that the direct lowering shares.

/// Index attributes of `values`.
llvm::SmallVector<mlir::OpFoldResult> indices(mlir::OpBuilder &b,
                                              llvm::ArrayRef<int64_t> values);

/// A zero-filled tensor of `type` with `sizes`.
mlir::Value zeros(mlir::OpBuilder &b, mlir::Location loc,
                  mlir::RankedTensorType type,
                  llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// A `rank`-D loop nest's map reading a vector indexed by dimension `d`.
mlir::AffineMap dimMap(mlir::MLIRContext *context, unsigned rank, unsigned d);

/// `x` with its dims permuted: dim d of the result is dim `perm[d]` of `x`.
mlir::Value permute(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    llvm::ArrayRef<int64_t> perm);

} // namespace deepc::conv

#endif // DEEPC_PASSES_LOWERNNCONVDIRECT_H
