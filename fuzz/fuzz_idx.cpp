//===- fuzz_idx.cpp - libFuzzer target for deepc::loadIDX -----------------===//
//
// loadIDX inflates a path ending in ".gz": inputs starting with the gzip magic
// bytes go to a ".gz" file, the rest to a plain one, so both paths are fuzzed.
//
//===----------------------------------------------------------------------===//
#include "fuzz/FuzzUtil.h"
#include "runtime/DataIO.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static deepc::fuzz::TempFile plain(".idx");
  static deepc::fuzz::TempFile gzip(".gz");
  bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  std::string path = (gz ? gzip : plain).write(data, size);
  deepc::fuzz::check(deepc::loadIDX(path), path);
  return 0;
}
