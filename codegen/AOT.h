//===- AOT.h - The C ABI of deepc compile -o/--header -----------*- C++ -*-===//
//
// `deepc compile F.nn -o M.o --header M.h` wraps each compiled model and
// train step in plain C functions over flat float buffers (SPEC section 4,
// docs/AOT.md): `m_param_count`, `m_init_params`, `m_forward`,
// `t_state_count`, `t_step`. The wrappers are built in the LLVM dialect
// around the `_mlir_ciface_*` functions, which become internal.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_CODEGEN_AOT_H
#define DEEPC_CODEGEN_AOT_H

#include "codegen/Signature.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace deepc {

/// One tensor in a flat buffer (params or state) of the C ABI.
struct FlatTensor {
  std::string name;
  int64_t offset = 0; ///< in floats from the start of the buffer
  std::vector<int64_t> shape;
  int64_t numel() const;
};

/// What one exported model or train step looks like from C.
struct AOTEntry {
  FunctionSpec spec; ///< the model, or the training step (nn.autodiff)
  bool isTrain = false;
  std::vector<FlatTensor> params; ///< `nn.param` arguments, in order
  std::vector<FlatTensor> state;  ///< `nn.state` arguments, in order
  int64_t paramCount = 0, stateCount = 0;
  std::string optimizer; ///< train steps: the `nn.train` optimizer
};

/// Reads the entries of a module whose train blocks are already steps
/// (after the `grad` stage): one per public function. An error names
/// what the C ABI cannot express (a non-f32 parameter, an input dtype
/// without a C type).
llvm::Expected<std::vector<AOTEntry>> describeAOT(mlir::ModuleOp gradModule);

/// Adds the C ABI wrappers of `entries` to `llvmModule` (lowered to the LLVM
/// dialect with C interfaces) and makes every other defined function
/// internal, so that only the prefixed API is exported.
llvm::Error addAOTWrappers(mlir::ModuleOp llvmModule,
                           llvm::ArrayRef<AOTEntry> entries);

/// Adds `NAME_init_params` for every model entry: PyTorch-style inits from
/// Philox4x32-10, the same values as runtime/Init.cpp (called by
/// addAOTWrappers).
void addAOTInits(mlir::ModuleOp llvmModule, llvm::ArrayRef<AOTEntry> entries);

/// Writes the C header describing `entries`; `guard` is its include guard.
void writeAOTHeader(llvm::raw_ostream &os, llvm::ArrayRef<AOTEntry> entries,
                    llvm::StringRef guard, llvm::StringRef source);

/// The names the object of `module` exports (defined, external linkage).
std::vector<std::string> exportedSymbols(const llvm::Module &module);

/// `deepc compile --lib static`: an archive (GNU format, with a symbol
/// table) holding `object` as `memberName`.
llvm::Expected<std::string> makeStaticLibrary(llvm::StringRef object,
                                              llvm::StringRef memberName);

/// `deepc compile --lib shared`: `object` linked into a shared library by
/// the C compiler driver (`$CC`, else `defaultCC`: `cc`, or the cross
/// compiler of another target, e.g. `aarch64-linux-gnu-gcc`) with libm,
/// exporting `exports` only. Returns the library's bytes; temporary files
/// are removed.
llvm::Expected<std::string>
makeSharedLibrary(llvm::StringRef object, llvm::ArrayRef<std::string> exports,
                  llvm::StringRef defaultCC = "cc");

} // namespace deepc

#endif // DEEPC_CODEGEN_AOT_H
