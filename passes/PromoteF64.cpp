//===- PromoteF64.cpp - f32 tensors to f64 for gradient checks ------------===//
//
// deepc-promote-f64: every f32 (and bf16) tensor of every function becomes
// f64, so that `deepc gradcheck` compares gradients with finite differences
// in double precision. Types are rewritten in place; nn.constant values are
// converted element by element.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace deepc {
#define GEN_PASS_DEF_PROMOTEF64PASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

/// Whether `type` is promoted: f32, and bf16 (a storage type whose values
/// are computed with in f32; its casts become f64 -> f64, the identity).
static bool isPromoted(Type type) { return type.isF32() || type.isBF16(); }

/// `type` with f64 elements if it is an f32 or bf16 tensor, else `type`.
static Type promote(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !isPromoted(tensor.getElementType()))
    return type;
  return tensor.clone(Float64Type::get(type.getContext()));
}

/// The f64 copy of an f32 constant, or null for values it cannot convert.
static ElementsAttr promoteConstant(ElementsAttr value) {
  auto dense = dyn_cast<DenseFPElementsAttr>(value);
  if (!dense)
    return nullptr;
  Type f64 = Float64Type::get(value.getContext());
  return dense.mapValues(f64, [](const APFloat &x) {
    APFloat wide = x;
    bool lost;
    wide.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    return wide.bitcastToAPInt();
  });
}

namespace {
struct PromoteF64Pass : deepc::impl::PromoteF64PassBase<PromoteF64Pass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      WalkResult result = func.walk([&](Operation *op) {
        // Other dialects' ops may hold f32 attributes (arith.constant) that
        // a type change would contradict: only nn and func are promoted.
        bool known = isa<nn::NNDialect, func::FuncDialect>(op->getDialect());
        if (!known && llvm::any_of(op->getResultTypes(), [](Type type) {
              return promote(type) != type;
            })) {
          op->emitError("deepc-promote-f64 cannot promote '")
              << op->getName() << "'";
          return WalkResult::interrupt();
        }
        if (auto constant = dyn_cast<nn::ConstantOp>(op)) {
          if (!isPromoted(constant.getType().getElementType()))
            return WalkResult::advance();
          ElementsAttr value = promoteConstant(constant.getValue());
          if (!value) {
            op->emitError("cannot promote this constant to f64");
            return WalkResult::interrupt();
          }
          constant.setValueAttr(value);
        }
        for (Region &region : op->getRegions())
          for (Block &block : region)
            for (BlockArgument arg : block.getArguments())
              arg.setType(promote(arg.getType()));
        for (Value result : op->getResults())
          result.setType(promote(result.getType()));
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return signalPassFailure();
      FunctionType type = func.getFunctionType();
      func.setType(FunctionType::get(
          &getContext(), llvm::map_to_vector(type.getInputs(), promote),
          llvm::map_to_vector(type.getResults(), promote)));
    }
  }
};
} // namespace
