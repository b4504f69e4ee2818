//===- Diagnostics.cpp - Errors of the frontend ---------------------------===//

#include "frontend/Diagnostics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace deepc;

void Diagnostics::print(llvm::SMLoc loc, llvm::SourceMgr::DiagKind kind,
                        const llvm::Twine &msg,
                        llvm::ArrayRef<llvm::SMRange> ranges) {
  unsigned id = loc.isValid() ? sm.FindBufferContainingLoc(loc) : 0;
  if (!id) {
    sm.PrintMessage(loc, kind, msg, ranges);
    return;
  }
  llvm::StringRef buffer = sm.getMemoryBuffer(id)->getBuffer();
  const char *p = loc.getPointer();
  const char *start = p, *end = p;
  while (start != buffer.begin() && start[-1] != '\n' && start[-1] != '\r')
    --start;
  while (end != buffer.end() && *end != '\n' && *end != '\r')
    ++end;
  llvm::StringRef line(start, end - start);
  auto printable = [](char c) { return llvm::isPrint(c) || c == '\t'; };
  if (llvm::all_of(line, printable)) {
    sm.PrintMessage(loc, kind, msg, ranges);
    return;
  }
  std::string shown = line.str();
  for (char &c : shown)
    if (!printable(c))
      c = '?';
  auto [lineNo, col] = sm.getLineAndColumn(loc, id);
  llvm::SMDiagnostic diag(sm, loc,
                          sm.getMemoryBuffer(id)->getBufferIdentifier(), lineNo,
                          col - 1, kind, msg.str(), shown, {});
  sm.PrintMessage(llvm::errs(), diag);
}
