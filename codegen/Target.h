//===- Target.h - The machine deepc compiles for ----------------*- C++ -*-===//
#ifndef DEEPC_CODEGEN_TARGET_H
#define DEEPC_CODEGEN_TARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace deepc {

/// Initialises LLVM's native target once per process.
void initializeNativeTarget();

/// A TargetMachine for this host: its CPU and every feature it has (without
/// the features LLVM would not use AVX-512), position-independent code.
/// `cpu` overrides the host CPU (e.g. "x86-64-v3"), then without host
/// features.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu = "");

} // namespace deepc

#endif // DEEPC_CODEGEN_TARGET_H
