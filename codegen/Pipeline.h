//===- Pipeline.h - The deepc compilation pipeline --------------*- C++ -*-===//
//
// One function lists the stages from `nn` to the LLVM dialect; `deepc
// compile --emit=STAGE` stops after the named stage and `deepc-opt` runs the
// same builders through registered pipelines, so the two never disagree.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_CODEGEN_PIPELINE_H
#define DEEPC_CODEGEN_PIPELINE_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace deepc {

/// The named stages of the pipeline, in order.
enum class Stage { NN, Grad, Linalg, Fused, Tiled, Bufferized, LLVM };

/// Registers every dialect the pipeline produces or consumes, with the
/// external interface models (bufferization, deallocation) it needs.
void registerDeepcDialects(mlir::DialectRegistry &registry);

/// Parses a stage name as `--emit` spells it ("nn", "linalg", ...).
std::optional<Stage> parseStage(llvm::StringRef name);

/// What the pipeline is asked to do: which stages to run, how the grad stage
/// treats the train blocks, and what the code's use and target require.
/// `deepc train`, `eval` and `gradcheck` set the modes; deepc-opt's
/// pipelines take the same options by name (registerDeepcPipelines).
struct PipelineOptions {
  /// The last stage run.
  Stage last = Stage::LLVM;
  /// The options that run up to `last`, all else by default.
  static PipelineOptions upTo(Stage last) {
    PipelineOptions options;
    options.last = last;
    return options;
  }
  /// The first stage run: from Linalg on, the input is already through the
  /// grad stage (the driver reads the steps' signatures in between).
  Stage first = Stage::Grad;

  // The grad stage.
  /// deepc-inference-mode first: every function but the train blocks runs
  /// as in inference (running statistics, no dropout).
  bool inference = false;
  /// deepc-promote-f64 first: every f32 (and bf16) tensor becomes f64.
  bool promoteF64 = false;
  /// deepc-autodiff's mode: "step" or "grad" (the gradients alone).
  std::string autodiff = "step";
  /// deepc-autodiff's corrupt-rule (testing gradcheck).
  std::string corruptRule;

  /// deepc-check-numerics at the start of the linalg stage, on the steps as
  /// derived, so the compiled code reports the first op to produce a NaN or
  /// Inf (codegen/JIT.h).
  bool checkNumerics = false;
  /// Above 1, the tiled stage splits the rows of large contractions across
  /// that many threads (scf.forall), which the LLVM stage lowers to OpenMP:
  /// the code then calls libomp (codegen/JIT.cpp loads it).
  unsigned threads = 1;
};

/// Appends the passes of stages `options.first` to `options.last`.
void buildDeepcPipeline(mlir::OpPassManager &pm,
                        const PipelineOptions &options = {});

/// Registers `deepc-pipeline` (to the LLVM dialect) and one pipeline per
/// stage (`deepc-to-grad`, `deepc-to-linalg`, `deepc-to-tiled`,
/// `deepc-to-bufferized`) for deepc-opt.
void registerDeepcPipelines();

} // namespace deepc

#endif // DEEPC_CODEGEN_PIPELINE_H
