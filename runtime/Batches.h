//===- Batches.h - Sample order and batches of a training epoch -*- C++ -*-===//
//
// The order of samples in an epoch is a pure function of (seed, epoch): a
// Fisher-Yates shuffle drawing from a SplitMix64 stream whose start is a
// hash of the pair. Resuming at epoch k reproduces epoch k's order without
// replaying epochs 1..k-1, and the same seed gives the same run.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_BATCHES_H
#define DEEPC_RUNTIME_BATCHES_H

#include "runtime/Tensor.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace deepc {

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014): the state advances by a fixed odd constant and
/// each output is a bijective mix of the state, so output k is a function of
/// (start, k) alone; a counter-based generator.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state(state) {}
  /// The next 64 random bits.
  uint64_t next();
  /// A uniform integer in [0, bound), bound > 0, without modulo bias
  /// (Lemire's multiply-and-reject).
  uint64_t below(uint64_t bound);
  /// The finalizer alone: a bijective hash of 64 bits.
  static uint64_t mix(uint64_t z);

private:
  uint64_t state;
};

/// The order in which epoch `epoch` visits `samples` samples: a permutation
/// of 0..samples-1 determined by (seed, epoch), or the identity when
/// `shuffle` is false (`--no-shuffle`).
std::vector<int64_t> epochOrder(int64_t samples, uint64_t seed, int64_t epoch,
                                bool shuffle);

/// The [begin, end) positions of the batches of an epoch of `samples`
/// samples, `batch` at a time; the last, partial batch is kept.
std::vector<std::pair<int64_t, int64_t>> batchRanges(int64_t samples,
                                                     int64_t batch);

/// The rows `indices[begin..end)` of `src` (dim 0 is the sample) copied into
/// one contiguous tensor of shape [end - begin, src.shape[1:]...].
Tensor gatherRows(const Tensor &src, llvm::ArrayRef<int64_t> indices,
                  int64_t begin, int64_t end);

} // namespace deepc

#endif // DEEPC_RUNTIME_BATCHES_H
