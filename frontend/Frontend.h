//===- Frontend.h - The frontend's entry points -----------------*- C++ -*-===//
//
// What the driver calls: parse and check a `.nn` buffer, print its AST, and
// emit the `nn` dialect. Every diagnostic goes through the SourceMgr, so it
// reads `file:line:col: error: message` with the source line and a caret.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_FRONTEND_H
#define DEEPC_FRONTEND_FRONTEND_H

#include "frontend/AST.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace deepc {
/// Parses and checks the main buffer of `sm`. Prints every diagnostic
/// through `sm` (to stderr) and returns null if there was an error.
std::unique_ptr<ast::Program> parseAndCheck(llvm::SourceMgr &sm);

/// Prints the AST (`deepc compile --emit=ast`).
void printAST(const ast::Program &program, llvm::raw_ostream &os);

/// What MLIRGen emits. Model calls are inlined, so a function never calls
/// another.
struct MLIRGenOptions {
  /// Models to emit; empty means every model, unless `trains` is not empty.
  std::vector<std::string> models;
  /// Train blocks to emit (docs/TRAINING.md section 1); with `models` empty,
  /// only these.
  std::vector<std::string> trains;
};

/// Emits the `nn` dialect for a checked program (docs/DIALECT.md). Reports
/// through `sm` and returns null on error, e.g. a construct that is not
/// supported yet.
mlir::OwningOpRef<mlir::ModuleOp> mlirGen(mlir::MLIRContext &context,
                                          const ast::Program &program,
                                          llvm::SourceMgr &sm,
                                          const MLIRGenOptions &options);

} // namespace deepc

#endif // DEEPC_FRONTEND_FRONTEND_H
