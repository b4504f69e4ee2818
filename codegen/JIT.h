//===- JIT.h - Running compiled functions in this process -------*- C++ -*-===//
#ifndef DEEPC_CODEGEN_JIT_H
#define DEEPC_CODEGEN_JIT_H

#include "codegen/Signature.h"
#include "runtime/Tensor.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ExecutionEngine/SectionMemoryManager.h"

#include <memory>
#include <string>
#include <vector>

namespace deepc {

/// Marks every public function of an `nn`-level module so that lowering
/// gives it a C interface (`_mlir_ciface_NAME`, memrefs by descriptor),
/// which is how the JIT and the AOT wrappers call it.
void addCInterfaces(mlir::ModuleOp module);

/// A module in the LLVM dialect, compiled for this host with LLVM -O3.
class JITModule {
public:
  /// `mapper` (tests only) maps the memory of the compiled code's sections
  /// instead of the default, which asks the OS for each; it must outlive
  /// the JITModule. The code is correct wherever the sections land
  /// (codegen/Target.h).
  static llvm::Expected<std::unique_ptr<JITModule>>
  create(mlir::ModuleOp llvmDialectModule,
         llvm::SectionMemoryManager::MemoryMapper *mapper = nullptr);

  /// Calls `spec`'s function with one tensor per argument, in the order of
  /// `spec.args`. Tensors must already have the argument's dtype and rank;
  /// dynamic dimensions take the tensors' sizes. Returns the results as
  /// fresh tensors (the compiled code's buffers are freed).
  /// When the module was compiled with deepc-check-numerics, a call in
  /// which an op produced a NaN or Inf returns an error naming the first
  /// such op's source location instead of results.
  /// Calls must not overlap (deepc makes them from one thread): the
  /// entry-point cache below and the NaN/Inf report are not guarded.
  llvm::Expected<std::vector<Tensor>> call(const FunctionSpec &spec,
                                           llvm::ArrayRef<const Tensor *> args);

private:
  std::unique_ptr<mlir::ExecutionEngine> engine;
  /// The packed entry point of each public function, looked up once when
  /// the module is created (which also makes ORC compile it): looking one
  /// up on every call cost a blocking query (futex system calls),
  /// microseconds next to a batch-1 forward.
  llvm::StringMap<void (*)(void **)> entryPoints;
  /// `deepc.numerics_sites` of the module: "FILE:LINE:COL: 'nn.op'".
  std::vector<std::string> numericsSites;
};

} // namespace deepc

#endif // DEEPC_CODEGEN_JIT_H
