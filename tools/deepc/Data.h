//===- Data.h - Binding data files to a function's inputs -------*- C++ -*-===//
#ifndef DEEPC_TOOLS_DEEPC_DATA_H
#define DEEPC_TOOLS_DEEPC_DATA_H

#include "codegen/Signature.h"

#include "llvm/Support/Error.h"

#include <optional>
#include <string>
#include <vector>

namespace deepc::driver {

/// Data bound to the inputs of a function, one tensor per input argument
/// (other slots empty), converted to what each input declares.
struct BoundData {
  std::vector<Tensor> args;
  std::vector<std::string> paths; ///< the file of each input slot
  int64_t samples = -1;           ///< -1 when the function has no inputs
  /// The size of the dimensions besides the batch known only at run time
  /// (all one size), and the file that gave it.
  std::optional<int64_t> runTimeSize;
  std::string runTimePath;
};

/// Loads the files of `bindings` (`NAME=PATH` or `NAME=PATH[sel]` with a
/// NumPy-style selection such as `[0::2, 0:4]`, runtime/Select.h; as --data
/// and --val spell them) into the input slots of `spec`. Every input must be bound, every
/// binding must name an input, and all files must have as many samples.
/// An input that an embedding reads must hold ids in [0, its rows)
/// (ArgSpec::idRows). `flag` names the option in messages.
llvm::Expected<BoundData> bindInputs(const FunctionSpec &spec,
                                     llvm::ArrayRef<std::string> bindings,
                                     llvm::StringRef flag);

/// Checks that the labels in `labels` (I32 or I64) lie in [0, classes) or
/// equal `ignore` (the loss's `ignore_index`).
llvm::Error checkLabels(const Tensor &labels, int64_t classes,
                        llvm::StringRef path,
                        std::optional<int64_t> ignore = std::nullopt);

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_DATA_H
