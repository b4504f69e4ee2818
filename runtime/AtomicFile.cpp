//===- AtomicFile.cpp - Files replaced whole, durably ---------------------===//
//
// rename(2) replaces a file atomically, which is enough if only the process
// dies: the kernel still holds the temporary's data. If the machine stops,
// the rename may reach the disk before the data it names (or not reach it
// at all), so the data is fsync'ed before the rename and the folder after.
//
//===----------------------------------------------------------------------===//
#include "runtime/AtomicFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

using namespace llvm;

namespace deepc {

static constexpr StringLiteral temporarySuffix = ".temp-stream-";

/// The folder holding `path`, "." if it names none.
static SmallString<256> folderOf(StringRef path) {
  SmallString<256> dir(path);
  sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  return dir;
}

static Error errnoError(StringRef what) {
  return createStringError(std::error_code(errno, std::generic_category()),
                           what + ": " + std::strerror(errno));
}

/// fsync(2), retried when a signal interrupts it.
static int syncFD(int fd) {
  int rc;
  do
    rc = ::fsync(fd);
  while (rc != 0 && errno == EINTR);
  return rc;
}

Error writeFileAtomically(StringRef path,
                          function_ref<Error(raw_ostream &)> write) {
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(path + temporarySuffix + "%%%%%%");
  if (!temp)
    return temp.takeError();
  auto discard = [&](Error err) {
    return joinErrors(std::move(err), temp->discard());
  };
  // The stream is gone before discard() closes the descriptor.
  auto print = [&]() -> Error {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    Error err = write(os);
    os.flush();
    std::error_code ec = os.error();
    os.clear_error();
    if (err)
      return err;
    return errorCodeToError(ec);
  };
  if (Error err = print())
    return discard(std::move(err));
  if (syncFD(temp->FD) != 0)
    return discard(errnoError("cannot flush to disk"));
  // keep() removes the temporary if the rename fails.
  if (Error err = temp->keep(path))
    return err;
  // The rename is an entry of the folder: flush it too. A file system that
  // cannot open or sync folders (some network ones) keeps the rename as
  // durable as it makes it; the data itself is on the disk already.
  int dir = ::open(folderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    int rc = syncFD(dir);
    int saved = errno;
    ::close(dir);
    if (rc != 0 && saved != EINVAL && saved != ENOTSUP) {
      errno = saved;
      return errnoError("cannot flush the folder to disk");
    }
  }
  return Error::success();
}

void removeStaleTemporaries(StringRef path) {
  SmallString<256> dir = folderOf(path);
  std::string prefix = (sys::path::filename(path) + temporarySuffix).str();
  std::error_code ec;
  std::vector<std::string> stale;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = sys::path::filename(it->path());
    if (name.starts_with(prefix) && name.size() == prefix.size() + 6)
      stale.push_back(it->path());
  }
  for (const std::string &file : stale)
    sys::fs::remove(file);
}

} // namespace deepc
