//===- FuzzUtil.h - Shared pieces of the file-reader fuzz targets -*- C++ -*-===//
//
// The runtime readers take paths, so each target writes its input to one
// temporary file per process (named with the suffix the reader expects) and
// reads it back. A value must be a well-formed tensor and an error must start
// with the path (DataIO.h); anything else aborts, which libFuzzer reports.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FUZZ_FUZZUTIL_H
#define DEEPC_FUZZ_FUZZUTIL_H

#include "runtime/Tensor.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <string>

namespace deepc::fuzz {

/// A temporary file with `suffix`, removed at exit.
class TempFile {
public:
  explicit TempFile(llvm::StringRef suffix) {
    if (llvm::sys::fs::createTemporaryFile("deepc-fuzz", suffix, path))
      std::abort();
  }
  ~TempFile() { llvm::sys::fs::remove(path); }

  /// Replaces the file's contents with `data` and returns its path.
  std::string write(const uint8_t *data, size_t size) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      std::abort();
    os.write(reinterpret_cast<const char *>(data), size);
    os.close();
    if (os.has_error())
      std::abort();
    return std::string(path);
  }

private:
  llvm::SmallString<128> path;
};

/// Aborts unless `t` holds exactly the bytes its dtype and shape need, and
/// unless an error reads `path: ...`.
inline void check(llvm::Expected<Tensor> t, const std::string &path) {
  if (!t) {
    std::string message = llvm::toString(t.takeError());
    if (message.rfind(path + ": ", 0) != 0)
      std::abort();
    return;
  }
  std::optional<int64_t> size = checkedByteSize(t->shape, dtypeSize(t->dtype));
  if (!size || uint64_t(*size) != t->bytes.size())
    std::abort();
}

} // namespace deepc::fuzz

#endif // DEEPC_FUZZ_FUZZUTIL_H
