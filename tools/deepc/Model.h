//===- Model.h - Compiling a model's forward pass for the driver -*- C++
//-*-===//
//
// What `deepc predict` and `deepc bench` share: emit one model of a checked
// source, read its signature, lower it and JIT-compile it.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_TOOLS_DEEPC_MODEL_H
#define DEEPC_TOOLS_DEEPC_MODEL_H

#include "tools/deepc/Driver.h"

#include "codegen/JIT.h"
#include "codegen/Signature.h"

#include <memory>

namespace deepc::driver {

struct CompiledModel {
  FunctionSpec spec;
  std::unique_ptr<JITModule> jit;
};

/// Compiles the forward pass of model `name` of `source`. Diagnostics are
/// printed; on an error that printed nothing the message is in the result.
/// A null `jit` with no error means diagnostics were printed.
llvm::Expected<CompiledModel> compileModel(Source &source,
                                           llvm::StringRef name);

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_MODEL_H
