//===- Weights.h - Parameters from files or from their inits ----*- C++ -*-===//
#ifndef DEEPC_TOOLS_DEEPC_WEIGHTS_H
#define DEEPC_TOOLS_DEEPC_WEIGHTS_H

#include "codegen/Signature.h"
#include "frontend/Frontend.h"

#include "llvm/Support/Error.h"

namespace deepc::driver {

/// The model to run: `requested` if given (it must exist), else the file's
/// only model.
llvm::Expected<std::string> pickModel(const ast::Program &program,
                                      llvm::StringRef requested);

/// Fills the parameter slots of `args` (one per `spec.args`): from the
/// safetensors file `path` when given (strict: every parameter present
/// with its shape; unknown names are an error, optimizer state under
/// `__opt__.` is ignored), else from each parameter's init and `seed`.
llvm::Error loadParameters(const FunctionSpec &spec, llvm::StringRef path,
                           uint64_t seed, std::vector<Tensor> &args);

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_WEIGHTS_H
