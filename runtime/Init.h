//===- Init.h - Seeded parameter initialisation -----------------*- C++ -*-===//
//
// Parameter initialisers driven by a counter-based RNG, Philox4x32-10
// (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
// The 64-bit seed is the Philox key; the counter is (element index, stream).
// Element i of a parameter therefore depends only on (seed, stream, i): the
// values are the same on every platform, for every thread count and fill
// order, and different parameters (streams) are independent.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_INIT_H
#define DEEPC_RUNTIME_INIT_H

#include "runtime/Tensor.h"

#include "llvm/Support/Error.h"

#include <array>

namespace deepc {

/// Philox4x32-10 keyed by `seed`, drawing from the stream `streamId`.
class Philox {
public:
  Philox(uint64_t seed, uint64_t streamId) : seed(seed), stream(streamId) {}

  /// The raw Philox4x32-10 bijection: 10 rounds on `counter` under `key`.
  static std::array<uint32_t, 4> block(std::array<uint32_t, 4> counter,
                                       std::array<uint32_t, 2> key);

  /// The four words of draw `index`: block((index, stream), seed).
  std::array<uint32_t, 4> words(uint64_t index) const;
  /// A uniform double in the open interval (0, 1) from draw `index` (53
  /// random bits from its first two words).
  double uniform(uint64_t index) const;
  /// A standard normal from draw `index`: Box-Muller on two 53-bit uniforms
  /// (all four words). The integer stream is bit-exact everywhere; the
  /// result then goes through the C library's log, sqrt and cos.
  double normal(uint64_t index) const;

private:
  uint64_t seed, stream;
};

/// Checks that `kind` names an initialiser and `args` suit it: `zeros`,
/// `ones`, `glorot_uniform`, `he_normal` take no arguments; `normal(mean,
/// std)` and `uniform(lo, hi)` take zero (meaning (0, 1)) or two, with
/// std >= 0 and lo <= hi.
llvm::Error verifyInit(llvm::StringRef kind, llvm::ArrayRef<double> args);

/// Fills the F32 tensor `t` by `kind` from stream `streamId` of `seed`
/// (element i uses draw i). Fans follow PyTorch: fan_in = shape[1] *
/// prod(shape[2:]), fan_out = shape[0] * prod(shape[2:]), and both are
/// shape[0] for a 1-D tensor (1 for a scalar). glorot_uniform draws from
/// U(-b, b) with b = sqrt(6 / (fan_in + fan_out)); he_normal from N(0,
/// 2 / fan_in). `kind` and `args` must pass verifyInit and `t` must be F32:
/// anything else is a programming error and aborts.
void initParam(Tensor &t, llvm::StringRef kind, llvm::ArrayRef<double> args,
               uint64_t seed, uint64_t streamId);

} // namespace deepc

#endif // DEEPC_RUNTIME_INIT_H
