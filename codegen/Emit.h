//===- Emit.h - From the LLVM dialect to LLVM IR, assembly, objects -*- C++
//-*-===//
#ifndef DEEPC_CODEGEN_EMIT_H
#define DEEPC_CODEGEN_EMIT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <functional>
#include <memory>

namespace deepc {

/// Registers the translations from the builtin and LLVM dialects to LLVM IR.
void registerLLVMTranslations(mlir::MLIRContext &context);

/// Drops the `nn.*` argument attributes (inputs, parameters, inits) that
/// LLVM IR has no place for; read them before lowering (Signature.h).
void dropNNArgAttributes(mlir::ModuleOp module);

/// Translates a module in the LLVM dialect to LLVM IR for `tm`, then runs
/// LLVM's -O3 pipeline on it.
/// The LLVM IR optimization of compiled models (JIT and objects alike).
std::function<llvm::Error(llvm::Module *)>
makeOptimizer(llvm::TargetMachine *tm);

llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                     llvm::TargetMachine &tm);

/// Writes assembly or an object file for `llvmModule`.
llvm::Error emitMachineCode(llvm::Module &llvmModule, llvm::TargetMachine &tm,
                            llvm::raw_pwrite_stream &os, bool object);

} // namespace deepc

#endif // DEEPC_CODEGEN_EMIT_H
