//===- ExpandBF16.cpp - bf16 conversions as integer arithmetic ------------===//
//
// deepc-expand-bf16 (passes/Passes.td): f32 <-> bf16 conversions for targets
// without bf16 instructions, through arith's own expansion patterns.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace deepc {
#define GEN_PASS_DEF_EXPANDBF16PASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;

namespace {
struct ExpandBF16Pass : deepc::impl::ExpandBF16PassBase<ExpandBF16Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
