//===- Diagnostics.h - Errors of the frontend -------------------*- C++ -*-===//
//
// Every frontend message goes through the SourceMgr, so it reads
// `file:line:col: error: message` with the source line and a caret. After
// `kMaxErrors` errors the rest are dropped with one note: a file of binary
// garbage must not print a million lines.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_FRONTEND_DIAGNOSTICS_H
#define DEEPC_FRONTEND_DIAGNOSTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SourceMgr.h"

namespace deepc {

class Diagnostics {
public:
  static constexpr unsigned kMaxErrors = 20;

  explicit Diagnostics(llvm::SourceMgr &sm) : sm(sm) {}

  void error(llvm::SMLoc loc, const llvm::Twine &msg,
             llvm::ArrayRef<llvm::SMRange> ranges = {}) {
    ++errors;
    if (errors > kMaxErrors) {
      if (errors == kMaxErrors + 1)
        sm.PrintMessage(loc, llvm::SourceMgr::DK_Note,
                        "too many errors, stopping here");
      return;
    }
    print(loc, llvm::SourceMgr::DK_Error, msg, ranges);
  }
  void note(llvm::SMLoc loc, const llvm::Twine &msg) {
    if (errors <= kMaxErrors)
      print(loc, llvm::SourceMgr::DK_Note, msg, {});
  }
  unsigned numErrors() const { return errors; }
  bool tooMany() const { return errors > kMaxErrors; }
  llvm::SourceMgr &getSourceMgr() { return sm; }

private:
  /// Prints through the SourceMgr. A source line with bytes that are not
  /// printable ASCII is shown with `?` in their place: the SourceMgr would
  /// print such a line without its caret.
  void print(llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind,
             const llvm::Twine &msg, llvm::ArrayRef<llvm::SMRange> ranges);

  llvm::SourceMgr &sm;
  unsigned errors = 0;
};

} // namespace deepc

#endif // DEEPC_FRONTEND_DIAGNOSTICS_H
