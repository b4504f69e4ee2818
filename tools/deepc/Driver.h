//===- Driver.h - Shared pieces of the deepc subcommands --------*- C++ -*-===//
#ifndef DEEPC_TOOLS_DEEPC_DRIVER_H
#define DEEPC_TOOLS_DEEPC_DRIVER_H

#include "codegen/Pipeline.h"
#include "frontend/Frontend.h"
#include "passes/TargetModel.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>

namespace deepc::driver {

/// The options of deepc itself; --help hides every other category.
extern llvm::cl::OptionCategory deepcCategory;

/// Set from `--check-numerics` by train, eval and predict (each declares the
/// flag on its own subcommand): compile with deepc-check-numerics, so a NaN
/// or Inf names the op that made it.
extern bool checkNumerics;
#define DEEPC_CHECK_NUMERICS_DESC                                              \
  "Stop at the first NaN or Inf any op produces and name its .nn source "      \
  "line (slower)"

/// Set from `--threads` by train, eval, predict and bench: compiled code
/// splits large matmuls across this many threads (OpenMP), 1 by default.
extern unsigned threads;
#define DEEPC_THREADS_DESC                                                     \
  "Threads for the compiled code's large matmuls (OpenMP; default 1)"

/// The pipeline for code this process runs (JIT): to the LLVM dialect, with
/// --check-numerics and --threads as set.
PipelineOptions jitPipeline();

/// Checks `threads` (set from --threads): 0 is an error.
int checkThreads();

/// Prints `deepc: error: <message>` and returns exit status 1.
int fail(const llvm::Twine &message);
/// Put before every error fail() prints: "rank N: " when training over
/// several ranks, so that the error names the rank it happened on.
extern std::string errorPrefix;
/// Same, for an llvm::Error (consumed).
int fail(llvm::Error error);

/// A checked `.nn` file: its source, its AST, and the context to emit into.
struct Source {
  llvm::SourceMgr sourceMgr;
  std::unique_ptr<ast::Program> program;
};

/// Reads and checks `path`. Prints diagnostics; returns null on error.
std::unique_ptr<Source> loadAndCheck(llvm::StringRef path);

/// Makes a context with every dialect and interface the pipeline needs.
std::unique_ptr<mlir::MLIRContext> makeContext();

/// Options that emit every model and every train block of `source`.
MLIRGenOptions everything(const Source &source);

/// Emits the `nn` module of `source`, for `target` (this host's by
/// default: the JIT runs here) as its `deepc.target`; null on error
/// (printed).
mlir::OwningOpRef<mlir::ModuleOp>
emitNN(mlir::MLIRContext &context, Source &source,
       const MLIRGenOptions &options,
       const TargetModel &target = TargetModel::host());

/// The subcommands; each returns the process exit status.
int runCheck();
int runCompile();
int runPredict();
int runTrain();
int runEval();
int runGradcheck();
int runBench();
int runImport();

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_DRIVER_H
