//===- Parallel.h - Data-parallel train steps over a Comm -------*- C++ -*-===//
//
// `deepc train` over W ranks (SPEC section 6, docs/DISTRIBUTED.md): each
// global batch is split into W contiguous shards; every shard's gradients
// (from the split step, TrainMode::Split) are weighted by its share of the
// batch and summed over the ranks, then the compiled update clips and
// applies them, the same on every rank.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_TOOLS_DEEPC_PARALLEL_H
#define DEEPC_TOOLS_DEEPC_PARALLEL_H

#include "tools/deepc/Training.h"

#include "runtime/Comm.h"

#include <functional>

namespace deepc::driver {

/// Rows [begin, end) of a global batch of `n` rows starting at `begin`:
/// shard `s` of `w` gets [begin + n*s/w, begin + n*(s+1)/w).
std::pair<int64_t, int64_t> shardRows(int64_t begin, int64_t end, int s, int w);

/// The bookkeeping spec of a split step: the gradient function's arguments
/// (inputs, parameters, buffers), then the update's optimizer state and
/// learning rate, and the gradient function's results. Checkpoints, the
/// initial parameters and the driver's argument slots follow it as they
/// follow a fused step.
FunctionSpec combinedSpec(const CompiledTrain &compiled);

class ShardedStep {
public:
  /// `args` holds one tensor per argument of `spec` (combinedSpec).
  ShardedStep(Comm &comm, CompiledTrain &compiled, const FunctionSpec &spec);

  /// The inputs of rows [begin, end) of the epoch's order into `batch`'s
  /// input slots.
  using Gather = std::function<void(int64_t begin, int64_t end,
                                    std::vector<Tensor> &batch)>;
  /// Where a shard's logits go to be scored: the logits and the batch
  /// they came from.
  using Score = std::function<void(const Tensor &logits,
                                   const std::vector<Tensor> &batch)>;

  /// Runs the global batch [begin, end): this process's shards' gradients,
  /// their weighted sum over all ranks, then the update of `args` with
  /// learning rate `lr`. Returns the batch's loss (the weighted sum of the
  /// shards' losses).
  llvm::Expected<float> run(std::vector<Tensor> &args, int64_t begin,
                            int64_t end, float lr, const Gather &gather,
                            const Score &score);

  /// Called once the slots of `args` hold the run's initial values: the
  /// local backend's shards after the first get their own copies of the
  /// buffers (batchnorm statistics are per rank).
  void initBuffers(const std::vector<Tensor> &args);

  /// The bytes every rank must hold alike: the trained parameters and the
  /// optimizer state, not the buffers.
  uint64_t weightsHash(const std::vector<Tensor> &args) const;
  /// Copies rank 0's parameters, buffers and state in `args` to every rank.
  llvm::Error broadcastWeights(std::vector<Tensor> &args);
  /// Whether argument `i` of the spec is a buffer (per rank).
  bool isBuffer(size_t i) const { return buffer[i]; }

  /// Seconds spent in the sum over ranks so far, and the floats summed
  /// per step. With `timeApart`, a barrier before each sum takes the time
  /// ranks wait for the slowest (`waitSeconds`), so that `commSeconds` is
  /// the transfer and the additions alone.
  double commSeconds = 0, waitSeconds = 0;
  bool timeApart = false;
  size_t floatsPerStep() const { return gradSize + 1; }

private:
  Comm &comm;
  CompiledTrain &compiled;
  const FunctionSpec &spec;
  std::vector<bool> buffer;        ///< per spec argument
  std::vector<int> gradResultSlot; ///< grad result -> spec argument, or -1
  std::vector<size_t> gradOffset;  ///< grad result -> offset in the flat buffer
  std::vector<int> updateArgSlot;  ///< update argument -> spec argument
  std::vector<int> updateArgGrad;  ///< update argument -> grad result, or -1
  std::vector<int> updateResultSlot; ///< update result -> spec argument
  size_t gradSize = 0;
  int lossResult = -1, logitsResult = -1;
  bool hasState = false; ///< the gradient function updates state (dropout)
  /// The local backend's shards 1..W-1: their own buffer tensors.
  std::vector<std::vector<Tensor>> shardBuffers;
  std::vector<std::vector<float>> flat;
};

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_PARALLEL_H
