//===- fuzz_frontend.cpp - libFuzzer target for deepc::parseAndCheck ------===//
//
// The input is a `.nn` buffer; the lexer, parser and Sema must return (a
// program or null after diagnostics) on any bytes. Diagnostics are discarded
// by a SourceMgr handler.
//
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::SourceMgr sm;
  sm.setDiagHandler([](const llvm::SMDiagnostic &, void *) {});
  sm.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.nn"),
      llvm::SMLoc());
  (void)deepc::parseAndCheck(sm);
  return 0;
}
