//===- Import.h - deepc import: ONNX models to .nn ---------------*- C++
//-*-===//
//
// Reads an ONNX model (SPEC section 5, docs/IMPORT.md) with Debian's ONNX
// library (checker, version converter, shape inference) and translates it,
// node by node through an op table, to the text of one `.nn` model and its
// weights. Nothing here writes a file: the caller writes both outputs once
// everything succeeded.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IMPORTER_IMPORT_H
#define DEEPC_IMPORTER_IMPORT_H

#include "runtime/Safetensors.h"

#include "llvm/Support/Error.h"

#include <string>

namespace deepc::importer {

/// The opset every model is converted to before it is mapped.
constexpr int kTargetOpset = 17;
/// The opsets accepted (SPEC section 5: what PyTorch 1.13 writes).
constexpr int kMinOpset = 13;

struct ImportOptions {
  /// The model's name in the `.nn` file; empty: from the ONNX graph's name
  /// or the file's stem.
  std::string modelName;
};

struct ImportResult {
  /// The `.nn` text: one model.
  std::string source;
  /// Its parameters under the `.nn` names, with `__metadata__` entries
  /// `onnx:<nn name>` = `<ONNX initializer name>` where the two differ.
  SafetensorsFile weights;
};

/// Imports the ONNX model at `path`. Errors name the file and, for a node,
/// its name, op type and opset; several unsupported nodes are listed
/// together. No exception escapes.
llvm::Expected<ImportResult> importOnnx(llvm::StringRef path,
                                        const ImportOptions &options);

} // namespace deepc::importer

#endif // DEEPC_IMPORTER_IMPORT_H
