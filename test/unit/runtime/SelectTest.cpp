//===- SelectTest.cpp - NumPy-style selection of data files ---------------===//
//
// Expected values are worked out by hand from NumPy's rules for basic
// indexing (x[a:b:s, k]).
//
//===----------------------------------------------------------------------===//
#include "runtime/Select.h"

#include "TestUtil.h"

using namespace deepc;
using namespace deepc::test;

namespace {

/// Parses `spec` and applies it to `t`.
llvm::Expected<Tensor> select(const Tensor &t, llvm::StringRef spec) {
  std::string path;
  std::vector<SelectEntry> entries;
  if (llvm::Error e = parseSelection(spec, path, entries))
    return std::move(e);
  return applySelection(t, path, entries);
}

/// A 5x3 table holding 10*row + col.
Tensor table() {
  std::vector<float> v;
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 3; ++c)
      v.push_back(10.0f * r + c);
  return makeTensor<float>(DType::F32, {5, 3}, v);
}

TEST(Select, PlainPathHasNoSelection) {
  std::string path;
  std::vector<SelectEntry> entries;
  ASSERT_FALSE(bool(parseSelection("dir[1]/a.csv", path, entries)));
  EXPECT_EQ(path, "dir[1]/a.csv");
  EXPECT_TRUE(entries.empty());
}

TEST(Select, ColumnsAndRows) {
  auto cols = select(table(), "t.csv[:, 0:2]");
  ASSERT_TRUE(bool(cols)) << errorOf(cols.takeError());
  EXPECT_EQ(cols->shape, (std::vector<int64_t>{5, 2}));
  EXPECT_EQ(values<float>(*cols),
            (std::vector<float>{0, 1, 10, 11, 20, 21, 30, 31, 40, 41}));

  // An index drops its dimension; -1 is the last column.
  auto last = select(table(), "t.csv[:, -1]");
  ASSERT_TRUE(bool(last)) << errorOf(last.takeError());
  EXPECT_EQ(last->shape, (std::vector<int64_t>{5}));
  EXPECT_EQ(values<float>(*last), (std::vector<float>{2, 12, 22, 32, 42}));

  // Every second row from 1; a trailing dimension left out is whole.
  auto odd = select(table(), "t.csv[1::2]");
  ASSERT_TRUE(bool(odd)) << errorOf(odd.takeError());
  EXPECT_EQ(odd->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(*odd), (std::vector<float>{10, 11, 12, 30, 31, 32}));

  // Bounds clamp as in NumPy; -2: is the last two rows.
  auto tail = select(table(), "t.csv[-2:99, 1:]");
  ASSERT_TRUE(bool(tail)) << errorOf(tail.takeError());
  EXPECT_EQ(values<float>(*tail), (std::vector<float>{31, 32, 41, 42}));

  auto none = select(table(), "t.csv[3:1]");
  ASSERT_TRUE(bool(none)) << errorOf(none.takeError());
  EXPECT_EQ(none->shape, (std::vector<int64_t>{0, 3}));
}

TEST(Select, Errors) {
  EXPECT_EQ(errorOf(select(table(), "t.csv[:, 3]").takeError()),
            "t.csv: index 3 is out of range for dimension 1 of size 3");
  EXPECT_EQ(errorOf(select(table(), "t.csv[:, :, 0]").takeError()),
            "t.csv: the selection has 3 entries but the data has 2 "
            "dimensions [5, 3]");
  EXPECT_EQ(errorOf(select(table(), "t.csv[::0]").takeError()),
            "bad selection 't.csv[::0]': entry 1: the step must be positive");
  EXPECT_EQ(errorOf(select(table(), "t.csv[a:2]").takeError()),
            "bad selection 't.csv[a:2]': entry 1: 'a' is not an integer");
  EXPECT_EQ(errorOf(select(table(), "t.csv[1, ]").takeError()),
            "bad selection 't.csv[1, ]': entry 2 is empty (use ':' for a "
            "whole dimension)");
  EXPECT_EQ(errorOf(select(table(), "[0]").takeError()),
            "bad selection '[0]': no file before '['");
}

} // namespace
