//===- ExpandBF16.cpp - bf16 conversions as integer arithmetic ------------===//
//
// deepc-expand-bf16 (passes/Passes.td): f32 <-> bf16 conversions for targets
// without bf16 instructions, through arith's own expansion patterns.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace deepc {
#define GEN_PASS_DEF_EXPANDBF16PASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;

namespace {
struct ExpandBF16Pass : deepc::impl::ExpandBF16PassBase<ExpandBF16Pass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // Arithmetic on bf16 (none from the frontend, which computes in f32;
    // a rewritten gradient rule could make some) done in f32 and rounded
    // back, as LLVM would with a call of __truncsfbf2 per result.
    Type bf16 = BFloat16Type::get(context);
    TypeConverter converter;
    arith::populateEmulateUnsupportedFloatsConversions(
        converter, {bf16}, Float32Type::get(context));
    RewritePatternSet emulate(context);
    arith::populateEmulateUnsupportedFloatsPatterns(emulate, converter);
    ConversionTarget target(*context);
    arith::populateEmulateUnsupportedFloatsLegality(target, converter);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(emulate))))
      return signalPassFailure();

    // Then every conversion as integer arithmetic.
    RewritePatternSet patterns(context);
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
