//===- Signature.h - What a compiled function takes and returns -*- C++ -*-===//
//
// Read off an `nn`-level function (docs/DIALECT.md): which arguments are
// model inputs and which parameters (with their initialisers), and the
// element types and shapes of everything, -1 for a dynamic dimension.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_CODEGEN_SIGNATURE_H
#define DEEPC_CODEGEN_SIGNATURE_H

#include "runtime/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace deepc {

/// The type of a tensor argument or result; -1 marks a dynamic dimension.
struct TensorSpec {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;

  /// "f32[?, 784]", as diagnostics show it.
  std::string str() const;
};

struct ArgSpec {
  enum Kind { Input, Param } kind = Input;
  std::string name;
  TensorSpec type;
  std::string init;             ///< parameters: "zeros", "uniform", ...
  std::vector<double> initArgs; ///< parameters: the init's arguments
};

struct FunctionSpec {
  std::string name;
  std::vector<ArgSpec> args;
  std::vector<TensorSpec> results;
};

/// Reads the spec of `func`; an error names what is not understood.
llvm::Expected<FunctionSpec> getFunctionSpec(mlir::func::FuncOp func);

} // namespace deepc

#endif // DEEPC_CODEGEN_SIGNATURE_H
