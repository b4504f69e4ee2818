//===- TargetModel.cpp - What deepc's decisions know of the target --------===//
#include "passes/TargetModel.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

namespace deepc {

constexpr int64_t KiB = 1024, MiB = 1024 * 1024;

namespace {
/// A CPU's documented L1d, L2 and L3 sizes in bytes (0: none).
struct Caches {
  int64_t l1, l2, l3;
};
} // namespace

/// `model`'s caches from a CPU table's entry; the defaults without one.
static void setCaches(TargetModel &model, std::optional<Caches> caches) {
  if (!caches)
    return;
  model.l1Bytes = caches->l1;
  model.l2Bytes = caches->l2;
  model.l3Bytes = caches->l3;
}

/// The size in bytes of the level-`level` data (or unified) cache of cpu0,
/// read from sysfs; 0 when it cannot be read.
static int64_t sysfsCacheBytes(int level) {
  for (int index = 0; index < 8; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    auto read = [&](const char *name) -> std::string {
      auto buffer = llvm::MemoryBuffer::getFileAsStream(dir + "/" + name);
      if (!buffer)
        return "";
      return (*buffer)->getBuffer().trim().str();
    };
    std::string levelText = read("level");
    if (levelText.empty())
      break;
    std::string type = read("type");
    if (levelText != std::to_string(level) || type == "Instruction")
      continue;
    std::string sizeText = read("size");
    llvm::StringRef size = sizeText;
    int64_t scale = size.consume_back("K")   ? 1024
                    : size.consume_back("M") ? 1024 * 1024
                                             : 1;
    int64_t value;
    if (!size.getAsInteger(10, value) && value > 0)
      return value * scale;
  }
  return 0;
}

TargetModel TargetModel::forX86(llvm::StringRef cpu, llvm::StringRef features,
                                llvm::function_ref<bool(llvm::StringRef)> has) {
  TargetModel model;
  model.cpu = cpu.str();
  model.features = features.str();
  model.vectorBits = has("avx512f") ? 512 : has("avx") ? 256 : 128;
  model.vectorRegisters = has("avx512f") ? 32 : 16;
  // Per core L1d and L2, and the L3 of one CCD, as AMD documents them.
  setCaches(model, llvm::StringSwitch<std::optional<Caches>>(cpu)
                       .Case("znver3", Caches{32 * KiB, 512 * KiB, 32 * MiB})
                       .Case("znver4", Caches{32 * KiB, 1 * MiB, 32 * MiB})
                       .Case("znver5", Caches{48 * KiB, 1 * MiB, 32 * MiB})
                       .Default(std::nullopt));
  return model;
}

TargetModel TargetModel::forAArch64(
    llvm::StringRef cpu, llvm::StringRef features,
    llvm::function_ref<bool(llvm::StringRef)> has) {
  TargetModel model;
  model.cpu = cpu.str();
  model.features = features.str();
  // NEON, and SVE at its minimum length (the fixed-width vectors of the
  // kernels are NEON's registers, which SVE's extend).
  bool neon = has("neon");
  model.vectorBits = neon ? 128 : 0;
  model.vectorRegisters = neon ? 32 : 8;
  // Per core L1d and L2 as Arm and Apple document them (a cluster's shared
  // L2 for the A53 and A72).
  setCaches(model, llvm::StringSwitch<std::optional<Caches>>(cpu)
                       .Case("cortex-a53", Caches{32 * KiB, 512 * KiB, 0})
                       .Case("cortex-a72", Caches{32 * KiB, 1 * MiB, 0})
                       .Case("cortex-a76", Caches{64 * KiB, 512 * KiB, 0})
                       .Case("neoverse-n1", Caches{64 * KiB, 1 * MiB, 0})
                       .Case("neoverse-v1", Caches{64 * KiB, 1 * MiB, 0})
                       .Case("neoverse-n2", Caches{64 * KiB, 1 * MiB, 0})
                       .Case("apple-m1", Caches{128 * KiB, 12 * MiB, 0})
                       .Default(std::nullopt));
  return model;
}

TargetModel TargetModel::forRISCV(
    llvm::StringRef cpu, llvm::StringRef features,
    llvm::function_ref<bool(llvm::StringRef)> has) {
  TargetModel model;
  model.cpu = cpu.str();
  model.features = features.str();
  model.vectorBits = 0;
  model.vectorRegisters = 8;
  if (has("v")) {
    // The VLEN every implementation of the features has: V implies Zvl128b.
    model.vectorBits = 128;
    for (int64_t bits = 65536; bits > 128; bits /= 2)
      if (has("zvl" + std::to_string(bits) + "b")) {
        model.vectorBits = bits;
        break;
      }
    model.vectorRegisters = 32;
  }
  // SiFive's U74 (VisionFive 2): a 2 MiB L2 shared by four cores; SpacemiT
  // X60 (Banana Pi F3): 512 KiB per cluster. Otherwise the defaults.
  if (cpu == "sifive-u74")
    model.l2Bytes = 2 * MiB;
  else if (cpu == "spacemit-x60")
    model.l2Bytes = 512 * KiB;
  return model;
}

std::optional<TargetModel>
TargetModel::forTriple(const llvm::Triple &triple, llvm::StringRef cpu,
                       llvm::StringRef features,
                       llvm::function_ref<bool(llvm::StringRef)> has) {
  std::optional<TargetModel> model;
  switch (triple.getArch()) {
  case llvm::Triple::x86_64:
    model = forX86(cpu, features, has);
    break;
  case llvm::Triple::aarch64:
    model = forAArch64(cpu, features, has);
    break;
  case llvm::Triple::riscv64:
    model = forRISCV(cpu, features, has);
    break;
  default:
    return std::nullopt;
  }
  model->triple = triple.str();
  return model;
}

TargetModel TargetModel::host() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  llvm::Triple triple(
      llvm::Triple::normalize(llvm::sys::getDefaultTargetTriple()));
  auto has = [&](llvm::StringRef name) { return features.lookup(name); };
  // Another architecture than the three: the defaults above.
  TargetModel model;
  if (auto known = forTriple(triple, llvm::sys::getHostCPUName(), "", has))
    model = *known;
  model.triple = triple.str();
  // What the machine says of its caches beats any table.
  if (int64_t l1 = sysfsCacheBytes(1))
    model.l1Bytes = l1;
  if (int64_t l2 = sysfsCacheBytes(2))
    model.l2Bytes = l2;
  if (int64_t l3 = sysfsCacheBytes(3))
    model.l3Bytes = l3;
  return model;
}

DictionaryAttr TargetModel::toAttr(MLIRContext *context) const {
  Builder b(context);
  return b.getDictionaryAttr({
      b.getNamedAttr("triple", b.getStringAttr(triple)),
      b.getNamedAttr("cpu", b.getStringAttr(cpu)),
      b.getNamedAttr("features", b.getStringAttr(features)),
      b.getNamedAttr("vector_bits", b.getI64IntegerAttr(vectorBits)),
      b.getNamedAttr("vector_registers", b.getI64IntegerAttr(vectorRegisters)),
      b.getNamedAttr("l1_bytes", b.getI64IntegerAttr(l1Bytes)),
      b.getNamedAttr("l2_bytes", b.getI64IntegerAttr(l2Bytes)),
      b.getNamedAttr("l3_bytes", b.getI64IntegerAttr(l3Bytes)),
  });
}

std::optional<TargetModel> TargetModel::fromAttr(DictionaryAttr attr) {
  if (!attr)
    return std::nullopt;
  TargetModel model;
  bool ok = true;
  auto integer = [&](llvm::StringRef name, int64_t &field) {
    if (auto value = attr.getAs<IntegerAttr>(name))
      field = value.getInt();
    else if (attr.contains(name))
      ok = false;
  };
  auto string = [&](llvm::StringRef name, std::string &field) {
    if (auto value = attr.getAs<StringAttr>(name))
      field = value.str();
    else if (attr.contains(name))
      ok = false;
  };
  string("triple", model.triple);
  string("cpu", model.cpu);
  string("features", model.features);
  integer("vector_bits", model.vectorBits);
  integer("vector_registers", model.vectorRegisters);
  integer("l1_bytes", model.l1Bytes);
  integer("l2_bytes", model.l2Bytes);
  integer("l3_bytes", model.l3Bytes);
  ok = ok && (model.vectorBits == 0 || model.vectorBits >= 128) &&
       model.vectorRegisters >= 8 &&
       model.l1Bytes > 0 && model.l2Bytes > 0 && model.l3Bytes >= 0;
  if (!ok)
    return std::nullopt;
  return model;
}

void setTargetModel(ModuleOp module, const TargetModel &model) {
  module->setAttr(kTargetAttrName, model.toAttr(module.getContext()));
}

FailureOr<TargetModel> getTargetModel(ModuleOp module) {
  Attribute attr = module->getAttr(kTargetAttrName);
  if (!attr)
    return TargetModel::host();
  if (auto model = TargetModel::fromAttr(dyn_cast<DictionaryAttr>(attr)))
    return *model;
  return module.emitError()
         << "malformed '" << kTargetAttrName
         << "': expected a dictionary of triple, cpu, features (strings), "
            "vector_bits 0 or >= 128, vector_registers >= 8, l1_bytes > 0, "
            "l2_bytes > 0, l3_bytes >= 0 (integers)";
}

} // namespace deepc
