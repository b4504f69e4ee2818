//===- FillLocations.cpp - Locations for ops that lost theirs -------------===//
//
// deepc-fill-locations (Passes.td has the rules): an op without a location
// gets its users' (fused) or else its parent's, until nothing changes.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/SetVector.h"

namespace deepc {
#define GEN_PASS_DEF_FILLLOCATIONSPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

/// The most user locations an op gets: a constant read all over a
/// function names the first lines that read it, not all of them.
static constexpr size_t kMaxUserLocations = 16;

namespace {
struct FillLocationsPass
    : public deepc::impl::FillLocationsPassBase<FillLocationsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = module.getContext();
    auto known = [](Operation *op) { return !isa<UnknownLoc>(op->getLoc()); };
    // A worklist: an op that gets a location may give one to the ops that
    // define its operands and to the ops nested in it.
    llvm::SetVector<Operation *> work;
    module->walk([&](Operation *op) {
      if (op != module.getOperation() && !known(op))
        work.insert(op);
    });
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      if (known(op))
        continue;
      // Users in the order they were added (a use list is in reverse).
      llvm::SmallVector<Operation *> users(op->getUsers());
      llvm::SetVector<Location> from;
      for (Operation *user : llvm::reverse(users))
        if (known(user) && from.size() < kMaxUserLocations)
          from.insert(user->getLoc());
      Operation *parent = op->getParentOp();
      if (from.empty() && parent && parent != module.getOperation() &&
          known(parent))
        from.insert(parent->getLoc());
      if (from.empty())
        continue; // Until a user or the parent gets one.
      op->setLoc(FusedLoc::get(context, from.getArrayRef()));
      for (Value operand : op->getOperands())
        if (Operation *def = operand.getDefiningOp(); def && !known(def))
          work.insert(def);
      for (Region &region : op->getRegions())
        for (Operation &nested : region.getOps())
          if (!known(&nested))
            work.insert(&nested);
    }
  }
};
} // namespace
