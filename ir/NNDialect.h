//===- NNDialect.h - The nn dialect -----------------------------*- C++ -*-===//
//
// The `nn` dialect of deepc (docs/DIALECT.md).
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IR_NNDIALECT_H
#define DEEPC_IR_NNDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ir/NNDialect.h.inc"

#endif // DEEPC_IR_NNDIALECT_H
