//===- TestUtil.h - Helpers for the runtime unit tests ----------*- C++ -*-===//
#ifndef DEEPC_TEST_UNIT_RUNTIME_TESTUTIL_H
#define DEEPC_TEST_UNIT_RUNTIME_TESTUTIL_H

#include "runtime/Tensor.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <string>
#include <vector>

namespace deepc::test {

/// A fresh directory removed with everything in it at the end of a test.
class TempDir {
public:
  TempDir() {
    std::error_code ec =
        llvm::sys::fs::createUniqueDirectory("deepc-runtime-test", dir);
    EXPECT_FALSE(ec) << ec.message();
  }
  ~TempDir() { llvm::sys::fs::remove_directories(dir); }

  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  /// Writes `bytes` to the file `name` and returns its path.
  std::string write(llvm::StringRef name, llvm::StringRef bytes) const {
    std::string p = path(name);
    std::error_code ec;
    llvm::raw_fd_ostream os(p, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << bytes;
    return p;
  }
  /// The names of the files in the directory.
  std::vector<std::string> list() const {
    std::vector<std::string> names;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      names.push_back(llvm::sys::path::filename(it->path()).str());
    return names;
  }

private:
  llvm::SmallString<128> dir;
};

/// The whole contents of `path` ("" if unreadable).
inline std::string readAll(llvm::StringRef path) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  return buf ? (*buf)->getBuffer().str() : std::string();
}

/// The message of the error in `e`, or "(success)".
template <typename T> std::string errorOf(llvm::Expected<T> e) {
  return e ? std::string("(success)") : llvm::toString(e.takeError());
}
inline std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : std::string("(success)");
}

/// The path of the committed fixture `name` (under DEEPC_TEST_DATA).
inline std::string fixture(llvm::StringRef name) {
  const char *dir = std::getenv("DEEPC_TEST_DATA");
  llvm::SmallString<256> p(dir ? dir : "test/unit/runtime/data");
  llvm::sys::path::append(p, name);
  return std::string(p);
}

/// The elements of `t` as a vector of T (no dtype check).
template <typename T> std::vector<T> values(const Tensor &t) {
  std::vector<T> v(t.bytes.size() / sizeof(T));
  std::memcpy(v.data(), t.bytes.data(), v.size() * sizeof(T));
  return v;
}

/// A tensor of `dtype` and `shape` holding `vals` as T.
template <typename T>
Tensor makeTensor(DType dtype, std::vector<int64_t> shape,
                  std::vector<T> vals) {
  Tensor t(dtype, std::move(shape));
  EXPECT_EQ(t.bytes.size(), vals.size() * sizeof(T));
  std::memcpy(t.bytes.data(), vals.data(), t.bytes.size());
  return t;
}

} // namespace deepc::test

#endif // DEEPC_TEST_UNIT_RUNTIME_TESTUTIL_H
