//===- fuzz_safetensors.cpp - libFuzzer target for readSafetensors --------===//
//
// Every tensor read back must be well formed and the names unique.
//
//===----------------------------------------------------------------------===//
#include "fuzz/FuzzUtil.h"
#include "runtime/Safetensors.h"

#include <set>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static deepc::fuzz::TempFile file(".safetensors");
  std::string path = file.write(data, size);
  llvm::Expected<deepc::SafetensorsFile> st = deepc::readSafetensors(path);
  if (!st) {
    deepc::fuzz::check(st.takeError(), path);
    return 0;
  }
  std::set<std::string> names;
  for (auto &[name, tensor] : st->tensors) {
    if (!names.insert(name).second)
      std::abort();
    deepc::fuzz::check(tensor, path);
  }
  return 0;
}
