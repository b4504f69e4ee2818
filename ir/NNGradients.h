//===- NNGradients.h - Helpers of the gradient rules ------------*- C++ -*-===//
//
// Private to ir/: the small vocabulary the gradient rules of
// DifferentiableOpInterface are written in. Every helper builds `nn` ops, so
// the backward program lowers like the forward one.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IR_NNGRADIENTS_H
#define DEEPC_IR_NNGRADIENTS_H

#include "ir/NNOps.h"

namespace deepc::nn {

/// All axes of a rank-`rank` tensor, `[0, rank)`.
llvm::SmallVector<int64_t> allAxes(int64_t rank);

/// Builds `nn` ops at one location, with rank-0 constants of one float
/// element type, so that a gradient rule reads like its formula.
class GradientBuilder {
public:
  GradientBuilder(mlir::OpBuilder &b, mlir::Operation *op,
                  mlir::Type elementType)
      : b(b), loc(op->getLoc()), elementType(elementType) {}

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() { return loc; }

  /// A rank-0 constant of the element type.
  mlir::Value cst(double value);

  mlir::Value add(mlir::Value x, mlir::Value y) {
    return AddOp::create(b, loc, x, y);
  }
  mlir::Value sub(mlir::Value x, mlir::Value y) {
    return SubOp::create(b, loc, x, y);
  }
  mlir::Value mul(mlir::Value x, mlir::Value y) {
    return MulOp::create(b, loc, x, y);
  }
  mlir::Value div(mlir::Value x, mlir::Value y) {
    return DivOp::create(b, loc, x, y);
  }
  mlir::Value neg(mlir::Value x) { return NegOp::create(b, loc, x); }
  mlir::Value exp(mlir::Value x) { return ExpOp::create(b, loc, x); }
  mlir::Value cmp(ComparePredicate p, mlir::Value x, mlir::Value y) {
    return CompareOp::create(b, loc, p, x, y);
  }
  mlir::Value where(mlir::Value c, mlir::Value x, mlir::Value y) {
    return WhereOp::create(b, loc, c, x, y);
  }
  mlir::Value sum(mlir::Value x, llvm::ArrayRef<int64_t> axes, bool keepdims) {
    return ReduceSumOp::create(b, loc, x, axes, keepdims);
  }

  /// `x` broadcast to the shape of `like`; `axes` as in nn.broadcast_to.
  mlir::Value broadcastTo(mlir::Value x, mlir::Value like,
                          std::optional<llvm::ArrayRef<int64_t>> axes = {});

  /// `x` reshaped to `type`, or `x` itself when it has that type.
  mlir::Value reshape(mlir::Value x, mlir::RankedTensorType type);

  /// Sums `grad`, the adjoint of a value broadcast to `grad`'s shape, back
  /// to `type`: over the dimensions the broadcast added (`addedAxes`, or the
  /// leading ones as in NumPy), then over the dimensions of size 1 in
  /// `type` that were stretched; finally reshapes where the two types differ
  /// only in which sizes are static.
  mlir::Value sumToType(mlir::Value grad, mlir::Type type,
                        std::optional<llvm::ArrayRef<int64_t>> addedAxes = {});

  /// 1 / (the number of elements of `like` over `axes`): a rank-0 constant
  /// when those sizes are static, else counted at run time into a tensor of
  /// `like`'s shape reduced over `axes` with `keepdims` (every element the
  /// same), which broadcasts against `like`.
  mlir::Value inverseCount(mlir::Value like, llvm::ArrayRef<int64_t> axes);

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Type elementType;
};

/// The adjoint of the single result of `op`, and a GradientBuilder of its
/// element type: how most rules start.
std::pair<mlir::Value, GradientBuilder>
singleAdjoint(mlir::OpBuilder &b, mlir::Operation *op,
              mlir::ValueRange resultAdjoints);

} // namespace deepc::nn

#endif // DEEPC_IR_NNGRADIENTS_H
