//===- Target.h - The machine deepc compiles for ----------------*- C++ -*-===//
#ifndef DEEPC_CODEGEN_TARGET_H
#define DEEPC_CODEGEN_TARGET_H

#include "passes/TargetModel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>

namespace deepc {

/// Initialises LLVM's targets deepc compiles for (X86, AArch64, RISCV) once
/// per process.
void initializeNativeTarget();

/// The triples `deepc compile --target` accepts, for messages.
inline constexpr llvm::StringLiteral kSupportedTriples =
    "x86_64-linux-gnu, aarch64-linux-gnu, riscv64-linux-gnu";

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
/// `triple` (e.g. "aarch64-linux-gnu"; empty: this host) compiles for
/// another machine: x86-64, AArch64 or RISC-V 64 Linux, else an error
/// naming those. Its CPU is `cpu` or the architecture's baseline (x86-64,
/// generic: NEON, generic-rv64), never this host's; RISC-V objects are
/// for Linux's RV64GC and its lp64d ABI (what Debian's riscv64 gcc builds),
/// `features` adding to that.
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
                    llvm::StringRef features = "", llvm::StringRef triple = "");

/// What deepc's decisions know of the machine `tm` compiles for
/// (passes/TargetModel.h), made by createTargetMachine(cpu, ..., features):
/// vector width and registers from its features, caches from sysfs for this
/// host's CPU (neither `cpu` nor `triple`, whatever `features` change), else
/// those known for the CPU or the architecture's defaults.
TargetModel describeTarget(const llvm::TargetMachine &tm, llvm::StringRef cpu,
                           llvm::StringRef features,
                           llvm::StringRef triple = "");

} // namespace deepc

#endif // DEEPC_CODEGEN_TARGET_H
