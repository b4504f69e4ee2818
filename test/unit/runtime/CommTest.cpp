//===- CommTest.cpp - orderedSum and the local Comm backend ---------------===//
#include "runtime/Comm.h"

#include "TestUtil.h"

#include <cmath>
#include <vector>

using namespace deepc;
using namespace deepc::test;

namespace {

TEST(Comm, OrderedSumAddsLeftToRight) {
  // In f32, (1 + 1e8) - 1e8 is 0 (1e8 + 1 rounds to 1e8) while
  // (1e8 - 1e8) + 1 is 1: the order of the parts shows in the result.
  float a[] = {1.0f, 2.0f}, b[] = {1e8f, 3.0f}, c[] = {-1e8f, 4.0f};
  float out[2];
  orderedSum({a, b, c}, out, 2);
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 9.0f);
  orderedSum({b, c, a}, out, 2);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 9.0f);
  // In place: the result may replace the first part.
  orderedSum({a, b}, a, 2);
  EXPECT_EQ(a[0], 1e8f);
  EXPECT_EQ(a[1], 5.0f);
}

TEST(Comm, LocalBackendSumsEveryShardInOrder) {
  std::unique_ptr<Comm> comm = createLocalComm(3);
  EXPECT_EQ(comm->backend(), "local");
  EXPECT_EQ(comm->size(), 3);
  EXPECT_EQ(comm->rank(), 0);
  EXPECT_EQ(comm->firstShard(), 0);
  EXPECT_EQ(comm->numShards(), 3);
  std::vector<float> s0 = {1, 0.5f, -2}, s1 = {1e8f, 0.25f, 2},
                     s2 = {-1e8f, 0.125f, 7};
  ASSERT_EQ(errorOf(comm->sumF32({s0.data(), s1.data(), s2.data()}, 3)),
            "(success)");
  EXPECT_EQ(s0, (std::vector<float>{0.0f, 0.875f, 7.0f}));
  // One buffer per shard, or an error.
  EXPECT_NE(errorOf(comm->sumF32({s0.data()}, 3)), "(success)");
  auto mm = comm->minMax(42);
  ASSERT_TRUE(bool(mm));
  EXPECT_EQ(mm->first, 42u);
  EXPECT_EQ(mm->second, 42u);
  std::vector<double> counts = {3, 4};
  ASSERT_EQ(errorOf(comm->sumF64(counts)), "(success)");
  EXPECT_EQ(counts, (std::vector<double>{3, 4}));
  std::vector<uint8_t> bytes = {1, 2};
  EXPECT_EQ(errorOf(comm->broadcast(bytes, 0)), "(success)");
  EXPECT_NE(errorOf(comm->broadcast(bytes, 3)), "(success)");
  EXPECT_EQ(errorOf(comm->barrier()), "(success)");
}

} // namespace
