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
  });
}

/// Checks `features` ("+a,-b") against what `info`'s target knows.
static llvm::Error checkFeatures(const llvm::MCSubtargetInfo &info,
                                 llvm::StringRef features) {
  llvm::SmallVector<llvm::StringRef> items;
  features.split(items, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/true);
  for (llvm::StringRef item : items) {
    item = item.trim();
    if (item.size() < 2 || (item[0] != '+' && item[0] != '-'))
      return llvm::createStringError(
          "malformed target feature '" + item +
          "' (expected +NAME or -NAME, comma-separated, e.g. "
          "+avx2,-avx512f)");
    llvm::StringRef name = item.drop_front();
    if (!llvm::any_of(info.getAllProcessorFeatures(),
                      [&](const llvm::SubtargetFeatureKV &kv) {
                        return name == kv.Key;
                      }))
      return llvm::createStringError(
          "unknown target feature '" + name +
          "' (LLVM's names, e.g. avx2, avx512f, fma; `llc -mattr=help` lists "
          "them)");
  }
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu, CodeUse use,
                    llvm::StringRef extraFeatures) {
  initializeNativeTarget();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError(error);

  if (!cpu.empty() || !extraFeatures.empty()) {
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!info)
      return llvm::createStringError("cannot describe the target's CPUs");
    if (!cpu.empty() && !info->isCPUStringValid(cpu))
      return llvm::createStringError(
          "unknown target CPU '" + cpu +
          "' (e.g. x86-64-v3 or znver4; without --mcpu, this host's CPU)");
    if (!extraFeatures.empty())
      if (llvm::Error err = checkFeatures(*info, extraFeatures))
        return std::move(err);
  }
  llvm::SubtargetFeatures features;
  std::string cpuName = cpu.str();
  if (cpuName.empty()) {
    cpuName = llvm::sys::getHostCPUName().str();
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature.first(), feature.second);
  }
  if (!extraFeatures.empty()) {
    llvm::SmallVector<llvm::StringRef> items;
    extraFeatures.split(items, ',');
    for (llvm::StringRef item : items)
      features.AddFeature(item.trim());
  }
  llvm::TargetOptions options;
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
                           llvm::StringRef cpu, llvm::StringRef features) {
  bool host = cpu.empty();
  const llvm::MCSubtargetInfo *info = tm.getMCSubtargetInfo();
  TargetModel model = TargetModel::forX86(
      tm.getTargetCPU(), features,
      [&](llvm::StringRef name) {
        return info && info->checkFeatures(("+" + name).str());
      });
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
