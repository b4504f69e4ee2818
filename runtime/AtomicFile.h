//===- AtomicFile.h - Files replaced whole, durably -------------*- C++ -*-===//
//
// Checkpoints, weights and predictions are written so that a crash at any
// moment (the process killed, the machine losing power) leaves the file
// either as it was or complete: never a mix, never truncated.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_ATOMICFILE_H
#define DEEPC_RUNTIME_ATOMICFILE_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace deepc {

/// Writes what `write` prints to a temporary file `PATH.temp-stream-XXXXXX`
/// beside `path`, flushes it to the disk (fsync), renames it over `path` and
/// flushes the folder, so the rename is on the disk too before this
/// returns. On an error (from `write` or the file system) the temporary is
/// removed and `path` is untouched; so it is on the signals LLVM handles
/// (SIGINT, SIGTERM, ...). SIGKILL leaves the temporary behind:
/// removeStaleTemporaries(path) clears it. The error messages do not name
/// `path`; callers prefix it.
llvm::Error
writeFileAtomically(llvm::StringRef path,
                    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);

/// Removes the temporaries (`PATH.temp-stream-XXXXXX`, six characters after
/// the dash) that writes of `path` killed with SIGKILL left, and nothing
/// else.
void removeStaleTemporaries(llvm::StringRef path);

} // namespace deepc

#endif // DEEPC_RUNTIME_ATOMICFILE_H
