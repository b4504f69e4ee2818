//===- fuzz_onnx.cpp - libFuzzer target for deepc import ------------------===//
//
// Any file given to the importer ends in an error that starts with its path,
// or in `.nn` text that the frontend accepts; never a crash, whatever ONNX's
// library (checker, version converter, shape inference) makes of it.
//
//===----------------------------------------------------------------------===//
#include "fuzz/FuzzUtil.h"
#include "frontend/Frontend.h"
#include "importer/Import.h"

#include "llvm/Support/MemoryBuffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static deepc::fuzz::TempFile file(".onnx");
  std::string path = file.write(data, size);
  auto result = deepc::importer::importOnnx(path, {});
  if (!result) {
    std::string message = llvm::toString(result.takeError());
    if (message.rfind(path + ": ", 0) != 0)
      std::abort();
    return 0;
  }
  llvm::SourceMgr sm;
  sm.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(result->source, "imported.nn"),
      llvm::SMLoc());
  if (!deepc::parseAndCheck(sm))
    std::abort();
  return 0;
}
