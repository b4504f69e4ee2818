//===- fuzz_csv.cpp - libFuzzer target for deepc::loadCSV -----------------===//
#include "fuzz/FuzzUtil.h"
#include "runtime/DataIO.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static deepc::fuzz::TempFile file(".csv");
  std::string path = file.write(data, size);
  deepc::fuzz::check(deepc::loadCSV(path), path);
  return 0;
}
