//===- NNOps.h - Ops of the nn dialect --------------------------*- C++ -*-===//
//
// The ops of docs/DIALECT.md, and the shape rules they share.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IR_NNOPS_H
#define DEEPC_IR_NNOPS_H

#include "ir/NNDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace deepc::nn {

/// Broadcasts two shapes as NumPy does (aligned on the right; 1 stretches;
/// `?` against 1 or `?` gives `?`, against a static k > 1 gives k). Returns
/// failure if two static sizes other than 1 differ.
llvm::FailureOr<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// The result type of a broadcasting binary op; reports through `loc` when
/// the operand shapes do not broadcast.
llvm::LogicalResult
inferBroadcastResultType(std::optional<mlir::Location> loc, mlir::Type lhs,
                         mlir::Type rhs,
                         llvm::SmallVectorImpl<mlir::Type> &types);

/// The type of `input` reduced over `axes` (which must be sorted, unique and
/// in range; reported through `loc` otherwise). The element type is that of
/// `input` unless `elementType` is given.
llvm::LogicalResult inferReducedType(std::optional<mlir::Location> loc,
                                     mlir::Type input,
                                     llvm::ArrayRef<int64_t> axes,
                                     bool keepdims, mlir::Type elementType,
                                     llvm::SmallVectorImpl<mlir::Type> &types);

/// The result type of a 2-D pooling of `input` (NCHW, C, H, W static) over
/// windows of `kernel` moved by `stride`; reports through `loc` when the
/// attributes or shapes are invalid.
llvm::LogicalResult inferPool2dType(std::optional<mlir::Location> loc,
                                    mlir::Type input,
                                    llvm::ArrayRef<int64_t> kernel,
                                    llvm::ArrayRef<int64_t> stride,
                                    llvm::SmallVectorImpl<mlir::Type> &types);

} // namespace deepc::nn

#include "ir/NNEnums.h.inc"
#include "ir/NNInterfaces.h.inc"

#define GET_OP_CLASSES
#include "ir/NNOps.h.inc"

#endif // DEEPC_IR_NNOPS_H
