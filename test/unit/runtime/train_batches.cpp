//===- train_batches.cpp - Epoch order, batch ranges and row gathering ----===//
#include "runtime/Batches.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <map>
#include <numeric>

using namespace deepc;

namespace {

static bool isPermutation(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  for (size_t i = 0; i < v.size(); ++i)
    if (v[i] != static_cast<int64_t>(i))
      return false;
  return true;
}

// Reference outputs of SplitMix64 as published with the algorithm
// (Vigna's splitmix64.c): from state 0 and from state 1234567.
TEST(TrainBatches, SplitMix64ReferenceValues) {
  SplitMix64 a(0);
  EXPECT_EQ(a.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(a.next(), 0x6e789e6aa1b965f4ULL);
  SplitMix64 b(1234567);
  EXPECT_EQ(b.next(), 6457827717110365317ULL);
  EXPECT_EQ(b.next(), 3203168211198807973ULL);
  EXPECT_EQ(b.next(), 9817491932198370423ULL);
}

TEST(TrainBatches, BelowIsInRangeAndRoughlyUniform) {
  SplitMix64 rng(42);
  std::vector<int> hist(7, 0);
  for (int i = 0; i < 70000; ++i) {
    uint64_t v = rng.below(7);
    ASSERT_LT(v, 7u);
    ++hist[v];
  }
  for (int h : hist)
    EXPECT_NEAR(h, 10000, 500);
  // A bound past 2^63 exercises the rejection path.
  uint64_t big = (1ULL << 63) + 12345;
  for (int i = 0; i < 1000; ++i)
    EXPECT_LT(rng.below(big), big);
}

TEST(TrainBatches, OrderIsAPermutation) {
  for (int64_t n : {0, 1, 2, 7, 1000}) {
    std::vector<int64_t> order = epochOrder(n, 1, 1, /*shuffle=*/true);
    EXPECT_EQ(static_cast<int64_t>(order.size()), n);
    EXPECT_TRUE(isPermutation(order)) << n;
  }
}

TEST(TrainBatches, SameSeedAndEpochSameOrder) {
  EXPECT_EQ(epochOrder(1000, 7, 3, true), epochOrder(1000, 7, 3, true));
  // Epoch 3 needs no replay of epochs 1 and 2: asking for it after other
  // epochs gives the same order.
  std::vector<int64_t> first = epochOrder(1000, 7, 3, true);
  epochOrder(1000, 7, 1, true);
  epochOrder(1000, 7, 2, true);
  EXPECT_EQ(epochOrder(1000, 7, 3, true), first);
}

TEST(TrainBatches, OrderDiffersAcrossEpochsAndSeeds) {
  std::vector<int64_t> base = epochOrder(1000, 7, 1, true);
  EXPECT_NE(base, epochOrder(1000, 7, 2, true));
  EXPECT_NE(base, epochOrder(1000, 8, 1, true));
  // Swapping seed and epoch is a different stream too.
  EXPECT_NE(epochOrder(1000, 1, 2, true), epochOrder(1000, 2, 1, true));
  // And the order is actually shuffled.
  std::vector<int64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_NE(base, identity);
}

TEST(TrainBatches, NoShuffleIsIdentity) {
  std::vector<int64_t> identity(10);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(epochOrder(10, 7, 1, /*shuffle=*/false), identity);
  EXPECT_EQ(epochOrder(10, 9, 5, /*shuffle=*/false), identity);
}

TEST(TrainBatches, ShuffleIsUnbiasedOnSmallInput) {
  // Each of the 6 orders of 3 samples should appear about equally often
  // over many (seed, epoch) pairs.
  std::map<std::vector<int64_t>, int> seen;
  for (uint64_t seed = 0; seed < 60; ++seed)
    for (int64_t epoch = 1; epoch <= 100; ++epoch)
      ++seen[epochOrder(3, seed, epoch, true)];
  EXPECT_EQ(seen.size(), 6u);
  for (auto &[order, n] : seen)
    EXPECT_NEAR(n, 1000, 150);
}

TEST(TrainBatches, RangesKeepThePartialBatch) {
  using Ranges = std::vector<std::pair<int64_t, int64_t>>;
  EXPECT_EQ(batchRanges(10, 4), (Ranges{{0, 4}, {4, 8}, {8, 10}}));
  EXPECT_EQ(batchRanges(8, 4), (Ranges{{0, 4}, {4, 8}}));
  EXPECT_EQ(batchRanges(3, 64), (Ranges{{0, 3}}));
  EXPECT_TRUE(batchRanges(0, 4).empty());
  // 60000 Fashion-MNIST samples at 64: 937 full batches and one of 32.
  Ranges r = batchRanges(60000, 64);
  ASSERT_EQ(r.size(), 938u);
  EXPECT_EQ(r.back().first, 59968);
  EXPECT_EQ(r.back().second, 60000);
}

TEST(TrainBatches, GatherRowsCopiesTheBatch) {
  Tensor x(DType::F32, {5, 2, 3});
  float *p = x.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i)
    p[i] = static_cast<float>(i);
  std::vector<int64_t> order = {4, 0, 3, 1, 2};
  Tensor b = gatherRows(x, order, 1, 4);
  ASSERT_EQ(b.shape, (std::vector<int64_t>{3, 2, 3}));
  EXPECT_EQ(b.dtype, DType::F32);
  ASSERT_EQ(b.bytes.size(), 3u * 6 * sizeof(float));
  const float *q = b.data<float>();
  int64_t rows[] = {0, 3, 1};
  for (int r = 0; r < 3; ++r)
    for (int k = 0; k < 6; ++k)
      EXPECT_EQ(q[r * 6 + k], static_cast<float>(rows[r] * 6 + k));

  Tensor y(DType::I32, {5});
  for (int i = 0; i < 5; ++i)
    y.data<int32_t>()[i] = 10 + i;
  Tensor yb = gatherRows(y, order, 3, 5);
  ASSERT_EQ(yb.shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(yb.data<int32_t>()[0], 11);
  EXPECT_EQ(yb.data<int32_t>()[1], 12);
}

} // namespace
