//===- BytesTest.cpp - The storage of host tensors ------------------------===//
//
// runtime/Bytes.h keeps std::vector<char>'s behaviour where the driver
// relies on it (zero-filled growth, deep copies, contents kept on growth)
// and frees adopted buffers exactly once.
//
//===----------------------------------------------------------------------===//
#include "runtime/Bytes.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <string>

namespace {

int released = 0;
void countRelease(void *owner) {
  ++released;
  std::free(owner);
}

TEST(Bytes, GrowthIsZeroFilledAndKeepsTheContents) {
  deepc::Bytes b(3);
  EXPECT_EQ(std::string(b.begin(), b.end()), std::string(3, '\0'));
  b[0] = 'a';
  b[2] = 'c';
  b.resize(1000);
  EXPECT_EQ(b[0], 'a');
  EXPECT_EQ(b[2], 'c');
  for (size_t i = 3; i < 1000; ++i)
    ASSERT_EQ(b[i], 0) << i;
  b.resize(2);
  b.resize(4);
  EXPECT_EQ(std::string(b.begin(), b.end()), std::string("a\0\0\0", 4));
}

TEST(Bytes, AppendAndAssign) {
  deepc::Bytes b;
  std::string part = "xyz";
  for (int i = 0; i < 100; ++i)
    b.append(part.begin(), part.end());
  ASSERT_EQ(b.size(), 300u);
  EXPECT_EQ(std::string(b.begin() + 297, b.end()), "xyz");
  // From a range inside itself, shorter and longer than its storage.
  b.assign(b.begin() + 1, b.begin() + 4);
  EXPECT_EQ(std::string(b.begin(), b.end()), "yzx");
  std::string longer(5000, 'q');
  b.assign(longer.begin(), longer.end());
  EXPECT_EQ(std::string(b.begin(), b.end()), longer);
}

TEST(Bytes, CopiesAreDeepAndMovesTakeTheBuffer) {
  std::string text = "hello";
  deepc::Bytes a;
  a.assign(text.begin(), text.end());
  deepc::Bytes copy = a;
  EXPECT_EQ(copy, a);
  EXPECT_NE(copy.data(), a.data());
  copy[0] = 'j';
  EXPECT_NE(copy, a);
  const char *buffer = a.data();
  deepc::Bytes moved = std::move(a);
  EXPECT_EQ(moved.data(), buffer);
  EXPECT_TRUE(a.empty());
}

TEST(Bytes, AnAdoptedBufferIsReleasedOnce) {
  released = 0;
  {
    auto *owner = static_cast<char *>(std::malloc(64));
    for (int i = 0; i < 64; ++i)
      owner[i] = char(i);
    // The data start 16 bytes into the allocation, as an aligned memref's.
    deepc::Bytes b = deepc::Bytes::adopt(owner + 16, 8, owner, countRelease);
    EXPECT_EQ(b.data(), owner + 16);
    EXPECT_EQ(b[0], 16);
    deepc::Bytes moved = std::move(b);
    deepc::Bytes copy = moved;
    EXPECT_EQ(copy, moved);
    EXPECT_EQ(released, 0);
  }
  EXPECT_EQ(released, 1);

  // Growing an adopted buffer moves the contents to storage of its own.
  auto *owner = static_cast<char *>(std::malloc(4));
  owner[0] = 'k';
  deepc::Bytes b = deepc::Bytes::adopt(owner, 4, owner, countRelease);
  b.resize(4096);
  EXPECT_EQ(released, 2);
  EXPECT_EQ(b[0], 'k');
  EXPECT_EQ(b[4095], 0);
}

} // namespace
