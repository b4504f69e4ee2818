//===- InitTest.cpp - Philox and parameter initialisers -------------------===//
#include "runtime/Init.h"

#include "TestUtil.h"

#include <cmath>

using namespace deepc;
using namespace deepc::test;

namespace {

TEST(Philox, KnownAnswers) {
  // Random123's kat_vectors for philox4x32 10: counter, key -> output.
  using W4 = std::array<uint32_t, 4>;
  EXPECT_EQ(Philox::block({0, 0, 0, 0}, {0, 0}),
            (W4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(Philox::block({~0u, ~0u, ~0u, ~0u}, {~0u, ~0u}),
            (W4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(Philox::block({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                          {0xa4093822, 0x299f31d0}),
            (W4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Philox, CounterLayoutAndUniform) {
  // Draw i of stream s under seed k is block((i, s), k), low words first.
  Philox pi(0x299f31d0a4093822ULL, 0x0370734413198a2eULL);
  EXPECT_EQ(pi.words(0x85a308d3243f6a88ULL),
            (std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420,
                                     0x24126ea1}));
  // uniform() takes the top 53 bits of words 0:1, centred in its cell.
  Philox zero(0, 0);
  EXPECT_EQ(zero.uniform(0),
            (double(0x6627e8d5e169c58dULL >> 11) + 0.5) * 0x1p-53);
}

Tensor initialised(std::vector<int64_t> shape, llvm::StringRef kind,
                   std::vector<double> args, uint64_t seed = 1,
                   uint64_t stream = 0) {
  Tensor t(DType::F32, std::move(shape));
  initParam(t, kind, args, seed, stream);
  return t;
}

/// Mean and standard deviation of the elements of `t`.
std::pair<double, double> stats(const Tensor &t) {
  double sum = 0, sq = 0;
  std::vector<float> v = values<float>(t);
  for (float x : v)
    sum += x;
  double mean = sum / v.size();
  for (float x : v)
    sq += (x - mean) * (x - mean);
  return {mean, std::sqrt(sq / v.size())};
}

TEST(Init, ZerosOnes) {
  EXPECT_EQ(values<float>(initialised({2, 3}, "zeros", {})),
            std::vector<float>(6, 0.0f));
  EXPECT_EQ(values<float>(initialised({4}, "ones", {})),
            std::vector<float>(4, 1.0f));
}

TEST(Init, NormalStatistics) {
  auto [mean, std] = stats(initialised({100000}, "normal", {2.0, 3.0}));
  // Standard errors: 3/sqrt(1e5) ~ 0.0095 for the mean, ~0.007 for the std.
  EXPECT_NEAR(mean, 2.0, 0.04);
  EXPECT_NEAR(std, 3.0, 0.03);
  auto [m0, s0] = stats(initialised({100000}, "normal", {}));
  EXPECT_NEAR(m0, 0.0, 0.015);
  EXPECT_NEAR(s0, 1.0, 0.01);
}

TEST(Init, UniformStatistics) {
  Tensor t = initialised({1000, 100}, "uniform", {-1.0, 3.0});
  for (float x : values<float>(t)) {
    ASSERT_GE(x, -1.0f);
    ASSERT_LE(x, 3.0f);
  }
  auto [mean, std] = stats(t);
  EXPECT_NEAR(mean, 1.0, 0.02);
  EXPECT_NEAR(std, 4.0 / std::sqrt(12.0), 0.01);
}

TEST(Init, GlorotUniformFans) {
  // Linear [out=100, in=1000]: fan_in 1000, fan_out 100.
  double bound = std::sqrt(6.0 / 1100.0);
  Tensor t = initialised({100, 1000}, "glorot_uniform", {});
  float maxAbs = 0;
  for (float x : values<float>(t))
    maxAbs = std::max(maxAbs, std::fabs(x));
  EXPECT_LE(maxAbs, bound);
  EXPECT_GT(maxAbs, 0.99 * bound);
  auto [mean, std] = stats(t);
  EXPECT_NEAR(mean, 0.0, 0.01 * bound);
  EXPECT_NEAR(std, bound / std::sqrt(3.0), 0.01 * bound);
  // 1-D: fan_in = fan_out = shape[0].
  auto [m1, s1] = stats(initialised({100000}, "glorot_uniform", {}));
  EXPECT_NEAR(s1, std::sqrt(6.0 / 200000.0) / std::sqrt(3.0), 1e-4);
  // Conv [out=20, in=8, 5, 5]: fan_in 200, fan_out 500.
  auto [mc, sc] = stats(initialised({20, 8, 5, 5}, "glorot_uniform", {}));
  EXPECT_NEAR(sc, std::sqrt(6.0 / 700.0) / std::sqrt(3.0), 0.05 * sc);
}

TEST(Init, HeNormalFans) {
  // Conv [out=100, in=40, 5, 5]: fan_in = 40 * 25 = 1000.
  auto [mean, std] = stats(initialised({100, 40, 5, 5}, "he_normal", {}));
  EXPECT_NEAR(mean, 0.0, 0.0005);
  EXPECT_NEAR(std, std::sqrt(2.0 / 1000.0), 0.01 * std::sqrt(2.0 / 1000.0));
}

TEST(Init, StreamsAndSeeds) {
  Tensor a = initialised({1000}, "normal", {}, 7, 3);
  Tensor b = initialised({1000}, "normal", {}, 7, 3);
  Tensor otherStream = initialised({1000}, "normal", {}, 7, 4);
  Tensor otherSeed = initialised({1000}, "normal", {}, 8, 3);
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_NE(a.bytes, otherStream.bytes);
  EXPECT_NE(a.bytes, otherSeed.bytes);
  // Element i depends only on (seed, stream, i), not on the tensor's size.
  Tensor prefix = initialised({10}, "normal", {}, 7, 3);
  EXPECT_TRUE(
      std::equal(prefix.bytes.begin(), prefix.bytes.end(), a.bytes.begin()));
  // Independent streams are uncorrelated.
  Tensor x = initialised({100000}, "normal", {}, 1, 0);
  Tensor y = initialised({100000}, "normal", {}, 1, 1);
  std::vector<float> xv = values<float>(x), yv = values<float>(y);
  double dot = 0;
  for (size_t i = 0; i < xv.size(); ++i)
    dot += double(xv[i]) * yv[i];
  EXPECT_NEAR(dot / xv.size(), 0.0, 0.015);
}

TEST(Init, VerifyInit) {
  EXPECT_EQ(errorOf(verifyInit("he_normal", {})), "(success)");
  EXPECT_EQ(errorOf(verifyInit("normal", {0, 1})), "(success)");
  EXPECT_EQ(errorOf(verifyInit("kaiming", {})),
            "unknown initialiser 'kaiming' (known: zeros ones normal uniform "
            "glorot_uniform he_normal)");
  EXPECT_EQ(errorOf(verifyInit("normal", {1})),
            "initialiser 'normal' takes 0 or 2 arguments, got 1");
  EXPECT_EQ(errorOf(verifyInit("zeros", {1})),
            "initialiser 'zeros' takes no arguments, got 1");
  EXPECT_EQ(errorOf(verifyInit("normal", {0, -1})),
            "normal(mean, std) needs std >= 0");
  EXPECT_EQ(errorOf(verifyInit("uniform", {2, 1})),
            "uniform(lo, hi) needs lo <= hi");
}

} // namespace
