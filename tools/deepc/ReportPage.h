//===- ReportPage.h - The --report page from collected stages ---*- C++ -*-===//
//
// What the page shows, as plain data (filled by ReportCollect.cpp from the
// pipeline, or by hand in unit tests), and the renderer (ReportHTML.cpp,
// ReportRun.cpp), which touches no MLIR. docs/REPORT.md describes the page.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_TOOLS_DEEPC_REPORTPAGE_H
#define DEEPC_TOOLS_DEEPC_REPORTPAGE_H

#include "runtime/Metrics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deepc::driver {

/// One stage as printed (with locations, inline) and what the page says
/// about it.
struct ReportStage {
  std::string name;
  std::string text;
  /// Ops in the stage, and those among them whose location names no line
  /// of the source (lost on the way through the pipeline). For `asm`, the
  /// instructions and those without a `.loc`.
  uint64_t ops = 0;
  uint64_t opsWithoutLoc = 0;
};

/// One pass of the pipeline: its wall time (summed over the functions a
/// nested pass runs on) and the ops of the module after it.
struct ReportPass {
  std::string stage;
  std::string name;
  double seconds = 0;
  uint64_t ops = 0;
};

/// A node of the drawn graph: an op of the `nn` stage or a function
/// argument, with its layer (the longest chain of producers above it).
struct ReportGraphNode {
  std::string label;
  std::vector<unsigned> lines;
  unsigned layer = 0;
};

/// The graph of one function of the `nn` stage.
struct ReportGraph {
  std::string function;
  std::vector<ReportGraphNode> nodes;
  std::vector<std::pair<unsigned, unsigned>> edges; // producer -> consumer
};

/// What `deepc compile --report` shows.
struct CompileReport {
  std::string sourceName;
  std::string source;
  std::vector<ReportStage> stages;
  std::vector<ReportPass> passes;
  std::vector<ReportGraph> graphs;
  /// The `dot` stage (Graphviz input), shown as text under the drawing.
  std::string dot;
};

/// What `deepc train --report` adds.
struct RunReport {
  /// Flags, seed, threads, CPU, ...: (name, value) rows.
  std::vector<std::pair<std::string, std::string>> settings;
  std::vector<EpochRecord> epochs;
  /// Each logged step: (step, loss), as the run log has them.
  std::vector<std::pair<int64_t, float>> steps;
  /// Steps per epoch (the last partial batch counts), for time per step.
  int64_t stepsPerEpoch = 0;
  /// The confusion matrix of the last evaluation (validation if any, else
  /// the last epoch's training batches) and which one it is.
  std::optional<ConfusionMatrix> confusion;
  std::string confusionOf;
};

/// The page. `run` is null for a compile report.
std::string renderReportHTML(const CompileReport &compile,
                             const RunReport *run);

/// Writes the page to `path` atomically: a reader (or a run killed while
/// writing) sees the previous page or the new one, whole. The error names
/// the file.
llvm::Error writeReport(llvm::StringRef path, const CompileReport &compile,
                        const RunReport *run);

/// The most bytes of one stage the page shows; the rest is cut at a line
/// end with a visible note.
constexpr size_t kReportStageBytes = 256 * 1024;

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_REPORTPAGE_H
