//===- Select.h - NumPy-style selection of rows and columns -----*- C++ -*-===//
//
// `--data x=iris.csv[0::2, 0:4]` binds part of a file to an input: the
// selector after the path is NumPy's basic indexing, one entry per leading
// dimension: `k` (an index, which drops the dimension), or `a:b:s` with any
// part left out (a slice). Negative indices count from the end.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_SELECT_H
#define DEEPC_RUNTIME_SELECT_H

#include "runtime/Tensor.h"

#include "llvm/Support/Error.h"

namespace deepc {

/// One entry of a selector: a slice [start, stop) by step, or an index.
struct SelectEntry {
  bool isIndex = false;
  std::optional<int64_t> start, stop;
  int64_t step = 1;
};

/// Splits `spec` (`PATH` or `PATH[sel]`) into the path and its selector
/// entries. `[` in a path is left alone unless the spec ends with `]`.
/// Errors name `spec`.
llvm::Error parseSelection(llvm::StringRef spec, std::string &path,
                           std::vector<SelectEntry> &entries);

/// Applies `entries` to `t` (loaded from `path`, which error messages start
/// with): at most one entry per dimension, the rest taken whole.
llvm::Expected<Tensor> applySelection(const Tensor &t, llvm::StringRef path,
                                      llvm::ArrayRef<SelectEntry> entries);

} // namespace deepc

#endif // DEEPC_RUNTIME_SELECT_H
