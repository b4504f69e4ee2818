//===- fuzz_npy.cpp - libFuzzer target for deepc::loadNPY -----------------===//
#include "fuzz/FuzzUtil.h"
#include "runtime/DataIO.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static deepc::fuzz::TempFile file(".npy");
  std::string path = file.write(data, size);
  deepc::fuzz::check(deepc::loadNPY(path), path);
  return 0;
}
