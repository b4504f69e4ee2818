//===- Passes.h - deepc passes ----------------------------------*- C++ -*-===//
//
// The passes of deepc, declared in passes/Passes.td.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_PASSES_PASSES_H
#define DEEPC_PASSES_PASSES_H

#include "ir/NNDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace deepc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

/// Registers every deepc pass with the global pass registry (for deepc-opt
/// and for textual pipelines).
void registerPasses();

} // namespace deepc

#endif // DEEPC_PASSES_PASSES_H
