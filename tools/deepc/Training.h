//===- Training.h - Compiling a train block for the driver ------*- C++ -*-===//
//
// What `deepc train`, `eval` and `gradcheck` share: pick a train block,
// emit it (docs/TRAINING.md section 1), keep its loss function, derive the
// step or the gradients, and JIT-compile the lot.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_TOOLS_DEEPC_TRAINING_H
#define DEEPC_TOOLS_DEEPC_TRAINING_H

#include "tools/deepc/Driver.h"

#include "codegen/JIT.h"
#include "codegen/Signature.h"
#include "runtime/Metrics.h"
#include "tools/deepc/Data.h"

#include <memory>
#include <optional>
#include <string>

namespace deepc::driver {

/// The settings of a train block (the `nn.train` attribute), defaults
/// filled in by the frontend.
struct TrainSettings {
  std::string optimizer;
  double lr = 0;
  int64_t batch = 64;
  int64_t epochs = 1;
  uint64_t seed = 0;
  std::optional<double> clipNorm;
  std::string schedule = "constant";
  int64_t scheduleEvery = 1;
  double scheduleGamma = 1;
  int64_t scheduleWarmup = 0;

  /// The learning rate at optimizer step `step` (from 0) of `totalSteps`,
  /// with base rate `base`: `constant`; `step(every, gamma)`: base *
  /// gamma^floor(step / every); `cosine(warmup)`: a linear warm-up over
  /// `warmup` steps, then base * (1 + cos(pi * t / (total - warmup))) / 2.
  double learningRate(double base, int64_t step, int64_t totalSteps) const;
};

/// What the functions compiled from one train block compute.
enum class TrainMode {
  Step,    ///< the loss function and the optimizer step
  Grad,    ///< the loss function and its gradients, in f64
  GradF32, ///< the same in the block's own types: the kernels that train
  Eval,    ///< the loss function alone
  /// Data-parallel training (docs/DISTRIBUTED.md): `main` computes the
  /// loss, logits, updated buffers and the gradients of a shard; `update`
  /// clips the summed gradients and applies the optimizer.
  Split,
};

struct CompiledTrain {
  std::string name;
  TrainSettings settings;
  FunctionSpec loss;   ///< inputs and params -> loss [, logits]
  FunctionSpec main;   ///< the step, or the gradients
  FunctionSpec update; ///< TrainMode::Split: the clipping and the update
  /// Whether the functions round f32 values to bf16 (an `nn.cast` that
  /// narrows): they then compute to bf16's precision, not f32's.
  bool roundsToBF16 = false;
  std::unique_ptr<JITModule> jit;
};

/// The train block to run: `requested` if given, else the file's only one.
llvm::Expected<std::string> pickTrainBlock(const ast::Program &program,
                                           llvm::StringRef requested);

/// Compiles train block `name` of `source`. Diagnostics are printed;
/// returns null on error.
/// `corruptRule` is for testing gradcheck itself: the autodiff pass then
/// doubles the operand adjoints of ops of that name. `seed`, where given,
/// replaces the block's `seed` setting, and so keys its dropout masks.
/// With `compileLoss` false, a Step's JIT module lacks the loss function
/// (a quarter less to compile when nothing is validated): `loss` then only
/// describes its arguments, and evaluate() must not be called.
/// A nonzero `dropoutSalt` is XORed into every dropout's seed: another
/// rank's stream of masks.
std::unique_ptr<CompiledTrain>
compileTrainBlock(Source &source, llvm::StringRef name, TrainMode mode,
                  llvm::StringRef corruptRule = "",
                  std::optional<uint64_t> seed = std::nullopt,
                  bool compileLoss = true, uint64_t dropoutSalt = 0);

/// Counts a batch's logits [n, C] against its I32 or I64 labels [n],
/// creating the C-class matrix on first use; samples labelled with the
/// result's `ignoreIndex` are not counted. Multi-label logits count every
/// element against its f32 target as a yes/no decision (a 2-class matrix):
/// yes where the logit is > 0 (sigmoid > 0.5), truly yes where the target
/// is >= 0.5.
void scoreLogits(std::optional<ConfusionMatrix> &confusion,
                 const Tensor &logits, const Tensor &labels,
                 const ResultSpec &result);
/// The F1 reported: the macro-F1 over classes, or for multi-label logits
/// the F1 of the yes decisions over all elements (scikit-learn's
/// f1_score(average='micro') on indicator matrices).
double reportedF1(const ConfusionMatrix &confusion, const ResultSpec &result);

/// Loss, accuracy and macro-F1 of `compiled.loss` over a data set bound to
/// its inputs, in chunks of `batch`; parameters from the slots of
/// `params` at the loss function's argument positions. `confusion` is
/// set when the loss has logits.
llvm::Expected<SplitMetrics>
evaluate(CompiledTrain &compiled, const std::vector<Tensor> &params,
         BoundData &bound, int64_t batch,
         std::optional<ConfusionMatrix> &confusion);

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_TRAINING_H
