//===- TargetModel.h - What deepc's decisions know of the target -*- C++ -*-===//
//
// One description of the machine the code is for: CPU, features, vector
// width and registers, cache sizes. The driver fills it from the host, or
// from --mcpu/--mattr (codegen/Target.h), and puts it on the module as the
// `deepc.target` attribute; deepc-tile reads it from there, so an object
// compiled for another CPU gets that CPU's tile shapes, and --emit=tiled
// shows what the decisions were made for.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_PASSES_TARGETMODEL_H
#define DEEPC_PASSES_TARGETMODEL_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Triple.h"

#include <optional>
#include <string>

namespace deepc {

struct TargetModel {
  /// The target triple, normalized ("aarch64-unknown-linux-gnu"; empty: this
  /// host's).
  std::string triple;
  /// LLVM's names: the CPU ("znver3") and the features it was given
  /// ("+avx512f,-avx512bf16"; empty: the CPU's own).
  std::string cpu;
  std::string features;
  /// The widest vector registers, in bits, and how many there are. 0 bits:
  /// no vector unit (RISC-V without V); the tiler still works in 4-lane
  /// vectors, which LLVM splits into scalar operations, and the registers
  /// are then the scalar FP registers counted in groups of four.
  int64_t vectorBits = 128;
  int64_t vectorRegisters = 16;
  /// Per-core data caches and the shared L3, in bytes (0: unknown).
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 512 * 1024;
  int64_t l3Bytes = 0;

  /// The f32 lanes of a vector (at least 4).
  int64_t lanes() const { return std::max<int64_t>(vectorBits / 32, 4); }

  /// An AArch64 CPU: NEON's 128 bits and 32 registers. With SVE the vector
  /// length is only known at run time; deepc assumes its minimum, 128 bits,
  /// so the code runs on every SVE implementation. Caches known for a few
  /// cores, 32 KiB / 512 KiB otherwise.
  static TargetModel forAArch64(llvm::StringRef cpu, llvm::StringRef features,
                                llvm::function_ref<bool(llvm::StringRef)> has);

  /// A 64-bit RISC-V CPU: with V, 32 vector registers of the VLEN the
  /// features guarantee (V implies Zvl128b: 128 bits; +zvl256b: 256, ...);
  /// without, scalar (vectorBits 0, the 32 FP registers as 8 groups of 4).
  static TargetModel forRISCV(llvm::StringRef cpu, llvm::StringRef features,
                              llvm::function_ref<bool(llvm::StringRef)> has);

  /// The model for `triple`'s architecture (x86-64, AArch64 or RISC-V 64;
  /// nullopt for any other), the CPU and features as above.
  static std::optional<TargetModel>
  forTriple(const llvm::Triple &triple, llvm::StringRef cpu,
            llvm::StringRef features,
            llvm::function_ref<bool(llvm::StringRef)> has);

  /// This host: its CPU and features as LLVM reads them, the caches of cpu0
  /// from sysfs (the defaults above where it cannot be read).
  static TargetModel host();

  /// An x86-64 CPU `cpu` with the features `has` says it has (the vector
  /// width and registers follow from AVX-512F and AVX), with the cache
  /// sizes known for it (Zen 3, 4 and 5; the defaults above otherwise).
  static TargetModel forX86(llvm::StringRef cpu, llvm::StringRef features,
                            llvm::function_ref<bool(llvm::StringRef)> has);

  /// The module attribute and back; nullopt without one, or if malformed.
  mlir::DictionaryAttr toAttr(mlir::MLIRContext *context) const;
  static std::optional<TargetModel> fromAttr(mlir::DictionaryAttr attr);
};

/// The name of the module attribute.
inline constexpr llvm::StringLiteral kTargetAttrName = "deepc.target";

/// Puts `model` on `module`.
void setTargetModel(mlir::ModuleOp module, const TargetModel &model);

/// The model on `module`; without one (deepc-opt on hand-written IR), the
/// host's; failure (reported on the module) if the attribute is malformed.
mlir::FailureOr<TargetModel> getTargetModel(mlir::ModuleOp module);

} // namespace deepc

#endif // DEEPC_PASSES_TARGETMODEL_H
