//===- Batches.cpp - Sample order and batches of a training epoch ---------===//
#include "runtime/Batches.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <numeric>

namespace deepc {

/// The SplitMix64 increment: 2^64 divided by the golden ratio, made odd.
static constexpr uint64_t golden = 0x9e3779b97f4a7c15ULL;

uint64_t SplitMix64::mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SplitMix64::next() {
  state += golden;
  return mix(state);
}

uint64_t SplitMix64::below(uint64_t bound) {
  assert(bound > 0 && "empty range");
  // The high word of x * bound is uniform in [0, bound) once the low words
  // that would favour some results are rejected; at most one in two draws
  // is rejected, and far fewer for bounds much below 2^64.
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
  auto low = static_cast<uint64_t>(m);
  if (low < bound) {
    uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

std::vector<int64_t> epochOrder(int64_t samples, uint64_t seed, int64_t epoch,
                                bool shuffle) {
  assert(samples >= 0 && "negative sample count");
  std::vector<int64_t> order(static_cast<size_t>(samples));
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle)
    return order;
  // Hash the seed and the epoch separately before combining them, so that
  // neighbouring (seed, epoch) pairs start far apart in the 2^64 cycle.
  SplitMix64 rng(SplitMix64::mix(seed) ^
                 SplitMix64::mix(static_cast<uint64_t>(epoch) * golden + 1));
  for (int64_t i = samples - 1; i > 0; --i) {
    auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(i) + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

std::vector<std::pair<int64_t, int64_t>> batchRanges(int64_t samples,
                                                     int64_t batch) {
  assert(batch > 0 && "batch size must be positive");
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t b = 0; b < samples; b += batch)
    ranges.emplace_back(b, std::min(b + batch, samples));
  return ranges;
}

Tensor gatherRows(const Tensor &src, llvm::ArrayRef<int64_t> indices,
                  int64_t begin, int64_t end) {
  assert(!src.shape.empty() && "gathering rows of a scalar");
  assert(0 <= begin && begin <= end &&
         end <= static_cast<int64_t>(indices.size()) && "bad batch range");
  std::vector<int64_t> shape = src.shape;
  shape[0] = end - begin;
  Tensor dst(src.dtype, std::move(shape));
  int64_t rows = src.shape[0];
  size_t rowBytes = rows > 0 ? src.bytes.size() / static_cast<size_t>(rows) : 0;
  char *out = dst.bytes.data();
  for (int64_t i = begin; i < end; ++i, out += rowBytes) {
    int64_t r = indices[i];
    assert(r >= 0 && r < rows && "row index out of range");
    std::memcpy(out, src.bytes.data() + static_cast<size_t>(r) * rowBytes,
                rowBytes);
  }
  return dst;
}

} // namespace deepc
