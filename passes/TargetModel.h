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

#include <optional>
#include <string>

namespace deepc {

struct TargetModel {
  /// LLVM's names: the CPU ("znver3") and the features it was given
  /// ("+avx512f,-avx512bf16"; empty: the CPU's own).
  std::string cpu;
  std::string features;
  /// The widest vector registers, in bits, and how many there are.
  int64_t vectorBits = 128;
  int64_t vectorRegisters = 16;
  /// Per-core data caches and the shared L3, in bytes (0: unknown).
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 512 * 1024;
  int64_t l3Bytes = 0;

  /// The f32 lanes of a vector (at least 4).
  int64_t lanes() const { return std::max<int64_t>(vectorBits / 32, 4); }

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
