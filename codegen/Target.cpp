//===- Target.cpp - The machine deepc compiles for ------------------------===//
#include "codegen/Target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <mutex>

namespace deepc {

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    // The machines objects are made for (deepc compile --target).
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeRISCVTargetInfo();
    LLVMInitializeRISCVTarget();
    LLVMInitializeRISCVTargetMC();
    LLVMInitializeRISCVAsmPrinter();
  });
}

namespace {
/// What messages say of an architecture's names.
struct ArchNames {
  llvm::StringRef cpus, features, triple;
};
} // namespace

static ArchNames namesFor(const llvm::Triple &triple, bool host) {
  switch (triple.getArch()) {
  case llvm::Triple::aarch64:
    return {"generic, cortex-a53, cortex-a72, cortex-a76, neoverse-n1, "
            "neoverse-v1, apple-m1",
            "+sve,-neon", "aarch64-linux-gnu"};
  case llvm::Triple::riscv64:
    return {"generic-rv64, sifive-u74, spacemit-x60", "+v,+zvl256b",
            "riscv64-linux-gnu"};
  default:
    return {host ? "x86-64-v3 or znver4; without --mcpu, this host's CPU"
                 : "x86-64, x86-64-v3, znver4",
            "+avx2,-avx512f", "x86_64-linux-gnu"};
  }
}

/// Checks `features` ("+a,-b") against what `info`'s target knows.
static llvm::Error checkFeatures(const llvm::MCSubtargetInfo &info,
                                 llvm::StringRef features,
                                 const ArchNames &names) {
  llvm::SmallVector<llvm::StringRef> items;
  features.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
  for (llvm::StringRef item : items) {
    item = item.trim();
    if (item.size() < 2 || (item[0] != '+' && item[0] != '-'))
      return llvm::createStringError(
          "malformed target feature '" + item +
          "' (expected +NAME or -NAME, comma-separated, e.g. " +
          names.features + ")");
    llvm::StringRef name = item.drop_front();
    if (!llvm::any_of(info.getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &kv) {
                        return name == kv.Key;
                      }))
      return llvm::createStringError(
          "unknown target feature '" + name + "' for " + names.triple +
          " (LLVM's names, e.g. " + names.features + "; `llc -mtriple=" +
          names.triple + " -mattr=help` lists them)");
  }
  return llvm::Error::success();
}

/// The triple `name` stands for, or an error naming the supported ones.
static llvm::Expected<llvm::Triple> parseTriple(llvm::StringRef name) {
  llvm::Triple triple(llvm::Triple::normalize(name));
  bool known = triple.getArch() == llvm::Triple::x86_64 ||
               triple.getArch() == llvm::Triple::aarch64 ||
               triple.getArch() == llvm::Triple::riscv64;
  if (!known || !triple.isOSLinux())
    return llvm::createStringError("unsupported target '" + name +
                                   "' for --target (supported: " +
                                   kSupportedTriples + ")");
  return triple;
}

/// Refuses `features` that take away what the C ABI of the triple's Linux
/// passes floats in: the FP registers of AArch64, RISC-V's F and D of
/// lp64d. (LLVM would make a soft-float object that the C caller's code
/// passes floats to in other registers, or only warn.)
static llvm::Error checkABIFeatures(const llvm::Triple &triple,
                                    llvm::StringRef features,
                                    const ArchNames &names) {
  llvm::SmallVector<llvm::StringRef> needed;
  if (triple.getArch() == llvm::Triple::aarch64)
    needed = {"fp-armv8"};
  else if (triple.getArch() == llvm::Triple::riscv64)
    needed = {"f", "d", "zicsr"};
  for (llvm::StringRef item : llvm::split(features, ',')) {
    item = item.trim();
    if (item.starts_with("-") && llvm::is_contained(needed, item.drop_front()))
      return llvm::createStringError(
          "target feature '" + item.drop_front() +
          "' cannot be removed: the C ABI of " + names.triple +
          " passes floats in its registers");
  }
  return llvm::Error::success();
}

/// Linux's RISC-V baseline, RV64GC, which the lp64d ABI needs.
static constexpr llvm::StringLiteral kRV64GC =
    "+m,+a,+f,+d,+c,+zicsr,+zifencei";

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu, CodeUse use,
                    llvm::StringRef extraFeatures, llvm::StringRef tripleName) {
  initializeNativeTarget();
  bool host = tripleName.empty();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  if (!host) {
    auto parsed = parseTriple(tripleName);
    if (!parsed)
      return parsed.takeError();
    triple = *parsed;
  }
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError(error);
  ArchNames names = namesFor(triple, host);

  if (!cpu.empty() || !extraFeatures.empty()) {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!info)
      return llvm::createStringError("cannot describe the target's CPUs");
    if (!cpu.empty() && !info->isCPUStringValid(cpu))
      return llvm::createStringError(
          "unknown target CPU '" + cpu + "'" +
          (host ? "" : " for " + names.triple) + " (e.g. " + names.cpus +
          "; `llc -mtriple=" + names.triple + " -mcpu=help` lists them)");
    if (!extraFeatures.empty())
      if (llvm::Error err = checkFeatures(*info, extraFeatures, names))
        return std::move(err);
    if (llvm::Error err = checkABIFeatures(triple, extraFeatures, names))
      return std::move(err);
  }
  llvm::SubtargetFeatures features;
  std::string cpuName = cpu.str();
  llvm::TargetOptions options;
  if (host && cpuName.empty()) {
    cpuName = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature.first(), feature.second);
  } else if (cpuName.empty()) {
    cpuName = triple.getArch() == llvm::Triple::x86_64    ? "x86-64"
              : triple.getArch() == llvm::Triple::aarch64 ? "generic"
                                                          : "generic-rv64";
  }
  if (triple.getArch() == llvm::Triple::riscv64) {
    for (llvm::StringRef item : llvm::split(kRV64GC, ','))
      features.AddFeature(item);
    options.MCOptions.ABIName = "lp64d";
  }
  if (!extraFeatures.empty()) {
    llvm::SmallVector<llvm::StringRef> items;
    extraFeatures.split(items, ',');
    for (llvm::StringRef item : items)
      features.AddFeature(item.trim());
  }
  bool jit = use == CodeUse::JIT;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpuName, features.getString(), options,
      jit ? llvm::Reloc::Static : llvm::Reloc::PIC_,
      jit ? std::optional(llvm::CodeModel::Large) : std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return llvm::createStringError("cannot create a target machine for '" +
                                   cpuName + "'");
  return tm;
}

TargetModel describeTarget(const llvm::TargetMachine &tm,
                           llvm::StringRef cpu, llvm::StringRef features,
                           llvm::StringRef triple) {
  bool host = cpu.empty() && triple.empty();
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  auto has = [&](llvm::StringRef name) {
    return info && info->checkFeatures(("+" + name).str());
  };
  TargetModel model;
  if (auto known = TargetModel::forTriple(tm.getTargetTriple(),
                                          tm.getTargetCPU(), features, has))
    model = *known;
  if (host) {
    // This machine's caches, as it reports them.
    TargetModel here = TargetModel::host();
    model.l1Bytes = here.l1Bytes;
    model.l2Bytes = here.l2Bytes;
    model.l3Bytes = here.l3Bytes;
  }
  return model;
}

} // namespace deepc
