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

#include <optional>
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

/// What an argument or result of a compiled function is (docs/DIALECT.md,
/// docs/TRAINING.md): a model input, a parameter, optimizer state, the
/// learning rate; results may also be the loss, the logits a loss was
/// computed from (`name` is then the labels input), or a gradient.
enum class Role {
  Plain,
  Input,
  Param,
  State,
  LearningRate,
  Loss,
  Logits,
  Grad
};

struct ArgSpec {
  using Kind = Role;
  static constexpr Role Input = Role::Input;
  static constexpr Role Param = Role::Param;
  Role kind = Role::Input;
  std::string name;
  TensorSpec type;
  std::string init;             ///< parameters: "zeros", "uniform", ...
  std::vector<double> initArgs; ///< parameters: the init's arguments
  /// Inputs that an embedding reads as ids (through reshapes and
  /// transposes only): the rows of its table, the smallest one's if several
  /// read the input, and its name (the table parameter without `.weight`);
  /// 0 and empty otherwise. The driver checks the ids against it.
  int64_t idRows = 0;
  std::string idTable;
};

struct ResultSpec {
  Role role = Role::Plain;
  std::string name; ///< the parameter, state, labels input or gradient
  TensorSpec type;
  /// Logits: the label value that is neither checked nor scored
  /// (`ignore_index` of the loss).
  std::optional<int64_t> ignoreIndex;
  /// Logits of bce_with_logits against f32 targets of the same shape:
  /// scored element by element at threshold 0.5 (`nn.multilabel`).
  bool multiLabel = false;
};

struct FunctionSpec {
  std::string name;
  std::vector<ArgSpec> args;
  std::vector<ResultSpec> results;

  /// Index of the first argument with this role and name, or -1.
  int findArg(Role role, llvm::StringRef name = "") const;
  /// Index of the first result with this role and name, or -1.
  int findResult(Role role, llvm::StringRef name = "") const;
};

/// Reads the spec of `func`; an error names what is not understood.
llvm::Expected<FunctionSpec> getFunctionSpec(mlir::func::FuncOp func);

} // namespace deepc

#endif // DEEPC_CODEGEN_SIGNATURE_H
