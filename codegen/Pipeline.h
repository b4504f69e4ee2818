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

/// Adds to `pm` the passes that take a module from the `nn` dialect to the
/// end of stage `last`.
/// Appends the passes from `nn` up to and including stage `last`. With
/// `checkNumerics`, deepc-check-numerics runs right after autodiff, so the
/// compiled code reports the first op to produce a NaN or Inf (codegen/JIT.h).
/// With `threads` > 1, the tiled stage splits the rows of large
/// contractions across that many threads (scf.forall), which the LLVM stage
/// lowers to OpenMP: the code then calls libomp (codegen/JIT.cpp loads it).
void buildDeepcPipeline(mlir::OpPassManager &pm, Stage last,
                        bool checkNumerics = false, unsigned threads = 1);

/// Registers `deepc-pipeline` (to the LLVM dialect) and one pipeline per
/// stage (`deepc-to-grad`, `deepc-to-linalg`, `deepc-to-tiled`,
/// `deepc-to-bufferized`) for deepc-opt.
void registerDeepcPipelines();

} // namespace deepc

#endif // DEEPC_CODEGEN_PIPELINE_H
