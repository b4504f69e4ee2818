//===- AtomicFileTest.cpp - writeFileAtomically, removeStaleTemporaries ---===//
#include "runtime/AtomicFile.h"

#include "TestUtil.h"

#include <algorithm>

using namespace deepc;
using namespace deepc::test;

namespace {

llvm::Error print(llvm::raw_ostream &os, llvm::StringRef text) {
  os << text;
  return llvm::Error::success();
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(AtomicFile, ReplacesTheFileWhole) {
  TempDir dir;
  std::string p = dir.path("f");
  ASSERT_EQ(errorOf(writeFileAtomically(
                p, [](llvm::raw_ostream &os) { return print(os, "old"); })),
            "(success)");
  EXPECT_EQ(readAll(p), "old");
  ASSERT_EQ(errorOf(writeFileAtomically(
                p, [](llvm::raw_ostream &os) { return print(os, "new!"); })),
            "(success)");
  EXPECT_EQ(readAll(p), "new!");
  EXPECT_EQ(dir.list(), std::vector<std::string>{"f"});
}

TEST(AtomicFile, AFailedWriteKeepsTheOldFileAndNoTemporary) {
  TempDir dir;
  std::string p = dir.path("f");
  ASSERT_FALSE(writeFileAtomically(
      p, [](llvm::raw_ostream &os) { return print(os, "old"); }));
  // The callback's error comes back as it is, after half a file was printed.
  EXPECT_EQ(errorOf(writeFileAtomically(p,
                                        [](llvm::raw_ostream &os) {
                                          os << "partial";
                                          return llvm::createStringError(
                                              "no more");
                                        })),
            "no more");
  EXPECT_EQ(readAll(p), "old");
  EXPECT_EQ(dir.list(), std::vector<std::string>{"f"});
  // A folder that does not exist: an error, nothing created.
  std::string missing = dir.path("no/such/f");
  EXPECT_NE(errorOf(writeFileAtomically(
                missing, [](llvm::raw_ostream &os) { return print(os, "x"); })),
            "(success)");
  EXPECT_EQ(dir.list(), std::vector<std::string>{"f"});
  // A folder in the way of the rename: an error, the temporary removed.
  ASSERT_FALSE(llvm::sys::fs::create_directory(dir.path("d")));
  EXPECT_NE(
      errorOf(writeFileAtomically(
          dir.path("d"), [](llvm::raw_ostream &os) { return print(os, "x"); })),
      "(success)");
  EXPECT_EQ(sorted(dir.list()), (std::vector<std::string>{"d", "f"}));
}

TEST(AtomicFile, RemovesOnlyItsOwnStaleTemporaries) {
  TempDir dir;
  for (const char *name :
       {"c.temp-stream-a1B2c3", "c.temp-stream-zzzzzz", "c.temp-stream-toolong",
        "c.temp-stream-12345", "d.temp-stream-a1B2c3", "c",
        "xc.temp-stream-abcdef"})
    dir.write(name, "x");
  removeStaleTemporaries(dir.path("c"));
  EXPECT_EQ(sorted(dir.list()),
            (std::vector<std::string>{
                "c", "c.temp-stream-12345", "c.temp-stream-toolong",
                "d.temp-stream-a1B2c3", "xc.temp-stream-abcdef"}));
}

} // namespace
