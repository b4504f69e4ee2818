//===- Report.h - The HTML compile and run report (--report) ----*- C++ -*-===//
//
// `deepc compile F.nn --report compile.html` and `deepc train ... --report
// run.html` write one self-contained HTML page (SPEC section 7,
// docs/REPORT.md): the source, every stage of the IR with each op tied to
// its source line, the fusion groups and tile decisions, per-pass time and
// IR size, the model graph, and for a training run its curves, confusion
// matrix and settings. Collecting (here, ReportCollect.cpp) runs the
// pipeline one stage at a time and keeps a printout of each; rendering
// (ReportPage.h) turns that into the page and touches no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_TOOLS_DEEPC_REPORT_H
#define DEEPC_TOOLS_DEEPC_REPORT_H

#include "codegen/Pipeline.h"
#include "frontend/Frontend.h"
#include "passes/TargetModel.h"
#include "tools/deepc/ReportPage.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deepc::driver {

/// Runs `options`' stages on `module` (at the `nn` stage; it ends in the LLVM
/// dialect) one at a time, timing each pass, and prints each stage, the
/// assembly for `tm` and the graph. Turns off the context's multithreading.
llvm::Expected<CompileReport>
collectCompileReport(mlir::ModuleOp module, llvm::StringRef sourceName,
                     llvm::StringRef source, const PipelineOptions &options,
                     llvm::TargetMachine &tm);

struct Source;

/// Emits `genOptions`' functions of `source` for `target` in a context of
/// their own and collects their report (diagnostics go to the source).
llvm::Expected<CompileReport>
buildCompileReport(Source &source, const MLIRGenOptions &genOptions,
                   const PipelineOptions &options, llvm::TargetMachine &tm,
                   const TargetModel &target);

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_REPORT_H
