//===- Target.h - The machine deepc compiles for ----------------*- C++ -*-===//
#ifndef DEEPC_CODEGEN_TARGET_H
#define DEEPC_CODEGEN_TARGET_H

#include "passes/TargetModel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace deepc {

/// Initialises LLVM's native target once per process.
void initializeNativeTarget();

/// What the code is for: an object file (`deepc compile`) or this process's
/// JIT.
enum class CodeUse { Object, JIT };

/// A TargetMachine for this host: its CPU and every feature it has (without
/// the features LLVM would not use AVX-512). `cpu` overrides the host CPU
/// (e.g. "x86-64-v3"), then without host features; `features` ("+avx2,
/// -avx512f", LLVM's names, as llc's -mattr) adds or removes features on
/// top of either. An unknown CPU or feature, or an item without its sign,
/// is an error naming it.
///
/// Objects are position-independent, small code model. JIT code uses the
/// large code model (and static relocations): every reference from the code
/// to another section (the constant pool, the GOT that calls to libc and
/// libm go through) is a 64-bit absolute address, because the JIT's memory
/// manager maps code, read-only data and read-write data separately and
/// nothing keeps them within the 2 GB a 32-bit PC-relative relocation
/// reaches (docs/HARDENING.md, Findings).
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu = "", CodeUse use = CodeUse::Object,
                    llvm::StringRef features = "");

/// What deepc's decisions know of the machine `tm` compiles for
/// (passes/TargetModel.h), made by createTargetMachine(cpu, ..., features):
/// vector width and registers from its features, caches from sysfs without
/// `cpu` (this machine, whatever `features` change), else those known for
/// the CPU.
TargetModel describeTarget(const llvm::TargetMachine &tm, llvm::StringRef cpu,
                           llvm::StringRef features);

} // namespace deepc

#endif // DEEPC_CODEGEN_TARGET_H
