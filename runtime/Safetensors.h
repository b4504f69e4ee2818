//===- Safetensors.h - Weights and checkpoints as safetensors ---*- C++ -*-===//
//
// The safetensors format: an 8-byte little-endian header length, a JSON
// header `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [b, e]},
// ..., "__metadata__": {"k": "v"}}`, then the tensors' bytes (offsets are
// relative to the end of the header). Weights and checkpoints (SPEC section
// 3) are stored in it.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_SAFETENSORS_H
#define DEEPC_RUNTIME_SAFETENSORS_H

#include "runtime/Tensor.h"

#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace deepc {

/// The contents of a safetensors file.
struct SafetensorsFile {
  /// Tensors under their names. A file read back lists them in the order of
  /// their data in the file; a write stores them in this order.
  std::vector<std::pair<std::string, Tensor>> tensors;
  /// The string-to-string `__metadata__` object.
  std::map<std::string, std::string> metadata;

  /// The tensor called `name`, or nullptr.
  const Tensor *find(llvm::StringRef name) const;
};

/// Reads and validates a safetensors file: the header lies within the file,
/// every tensor has a supported dtype (F32 F64 BF16 I32 I64 U8 BOOL), a shape
/// whose byte size matches its offsets, and offsets within the data that do
/// not overlap. Errors start with `path`.
llvm::Expected<SafetensorsFile> readSafetensors(llvm::StringRef path);

/// Writes `file` with writeFileAtomically (runtime/AtomicFile.h), so a crash
/// of the process or the machine leaves either the old file or the complete
/// new one. Names must be unique and not "__metadata__", and every tensor's
/// bytes must match its dtype and shape.
llvm::Error writeSafetensors(llvm::StringRef path, const SafetensorsFile &file);

} // namespace deepc

#endif // DEEPC_RUNTIME_SAFETENSORS_H
