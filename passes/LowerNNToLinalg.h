//===- LowerNNToLinalg.h - Shared pieces of the nn lowering -----*- C++ -*-===//
//
// Private to passes/: the helpers and pattern sets of the
// deepc-lower-nn-to-linalg pass, split per op family.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_PASSES_LOWERNNTOLINALG_H
#define DEEPC_PASSES_LOWERNNTOLINALG_H

#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

namespace deepc::lowering {

/// Builds the scalar body of an elementwise op from its block arguments.
using ScalarFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// A rank-0 nn.constant of float type `type` holding `value` (for patterns
/// that build their result from other nn ops, lowered in turn).
mlir::Value nnScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                     double value);

/// An `arith.constant` of float or integer type `type` with value `value`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// `tensor.empty` of `type`, whose dynamic sizes are taken from `sizes`
/// (one entry per dimension; static entries are ignored).
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type,
                        llvm::ArrayRef<mlir::OpFoldResult> sizes);

/// `tensor.empty` of `type` filled with `value` (`linalg.fill`).
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Value value);

/// The run-time sizes of a tensor whose shape is the NumPy broadcast of
/// `operands` (right-aligned): each dynamic size is read from an operand
/// whose aligned dimension is dynamic.
llvm::SmallVector<mlir::OpFoldResult>
broadcastSizes(mlir::OpBuilder &b, mlir::Location loc,
               llvm::ArrayRef<int64_t> shape, mlir::ValueRange operands);

/// The indexing map reading `operand` of shape `operandShape` inside a
/// loop nest over `resultShape` with NumPy broadcasting: dimensions aligned
/// on the right, a size-1 dimension against a larger one reads index 0.
mlir::AffineMap broadcastMap(mlir::MLIRContext *context,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// A parallel `linalg.generic` over `init` reading `inputs` through `maps`
/// (the output map is the identity) with body `body`.
mlir::Value elementwise(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value init, mlir::ValueRange inputs,
                        llvm::ArrayRef<mlir::AffineMap> maps, ScalarFn body);

/// An elementwise op of type `type` on `inputs` broadcast as in NumPy.
mlir::Value broadcastElementwise(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType type,
                                 mlir::ValueRange inputs, ScalarFn body);

/// The map from a rank-`rank` iteration space to the same dimensions without
/// `dropped` (reads a reduced tensor inside the unreduced loop nest).
mlir::AffineMap dropDimsMap(mlir::MLIRContext *context, unsigned rank,
                            llvm::ArrayRef<int64_t> dropped);

/// Reshapes `reduced` (the result of reducing over `axes`) to `keepType`,
/// where the reduced dimensions are kept with size 1.
mlir::Value insertUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value reduced, mlir::RankedTensorType keepType,
                           llvm::ArrayRef<int64_t> axes);

/// Scalar arithmetic that dispatches on float or signless integer types.
mlir::Value addScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y);
mlir::Value maxScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y);
mlir::Value minScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      mlir::Value y);

/// The patterns of each op family.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateContractionPatterns(mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::RewritePatternSet &patterns);
void populateShapePatterns(mlir::RewritePatternSet &patterns);
void populateLossPatterns(mlir::RewritePatternSet &patterns);
void populateConvPatterns(mlir::RewritePatternSet &patterns);
void populateNormPatterns(mlir::RewritePatternSet &patterns);
void populateSlicePatterns(mlir::RewritePatternSet &patterns);
void populateCastPatterns(mlir::RewritePatternSet &patterns);
void populateEmbeddingPatterns(mlir::RewritePatternSet &patterns);
void populateRecurrentPatterns(mlir::RewritePatternSet &patterns);

} // namespace deepc::lowering

#endif // DEEPC_PASSES_LOWERNNTOLINALG_H
