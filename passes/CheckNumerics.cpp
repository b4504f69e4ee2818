//===- CheckNumerics.cpp - Find the op that first makes a NaN or Inf ------===//
//
// deepc-check-numerics: every floating-point tensor that an nn op produces
// is reduced to one flag, "holds a NaN or an Inf", and a set flag calls
// `deepc_nonfinite(site)` with the number of that op's site. The driver
// maps the site back to the .nn line through `deepc.numerics_sites`.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>

namespace deepc {
#define GEN_PASS_DEF_CHECKNUMERICSPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

static constexpr llvm::StringLiteral kReportFn = "deepc_nonfinite";

/// The first file location inside `loc` (through call sites, fusions and
/// names), or null.
static FileLineColLoc fileLocation(Location loc) {
  FileLineColLoc found;
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      found = file;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

/// Emits, after the definition of `value` (a float tensor), the test and
/// the report of site `site`.
static void emitCheck(OpBuilder &b, Location loc, Value value, int64_t site) {
  auto type = cast<RankedTensorType>(value.getType());
  auto floatType = cast<FloatType>(type.getElementType());
  int64_t rank = type.getRank();
  Type i1 = b.getI1Type();

  Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, i1);
  Value falseValue = arith::ConstantOp::create(b, loc, b.getBoolAttr(false));
  Value acc = linalg::FillOp::create(b, loc, falseValue, init).getResult(0);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 AffineMap::get(rank, 0, {}, b.getContext())};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::reduction);
  APFloat inf = APFloat::getInf(floatType.getFloatSemantics());
  auto reduce = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{value}, ValueRange{acc},
      maps, iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        // |x| >= inf or unordered: true exactly for Inf and NaN.
        Value abs = math::AbsFOp::create(nb, l, args[0]);
        Value limit =
            arith::ConstantOp::create(nb, l, nb.getFloatAttr(floatType, inf));
        Value bad =
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UGE, abs, limit);
        Value any = arith::OrIOp::create(nb, l, args[1], bad);
        linalg::YieldOp::create(nb, l, any);
      });
  Value flag =
      tensor::ExtractOp::create(b, loc, reduce.getResult(0), ValueRange{});
  auto ifOp = scf::IfOp::create(b, loc, flag, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value id = arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(site));
  func::CallOp::create(b, loc, kReportFn, TypeRange{}, ValueRange{id});
}

namespace {
struct CheckNumericsPass
    : deepc::impl::CheckNumericsPassBase<CheckNumericsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<Attribute> sites;
    // Collect first: the checks add ops to the walked blocks.
    SmallVector<Operation *> ops;
    for (auto func : module.getOps<func::FuncOp>())
      func.walk([&](Operation *op) {
        // Constants are known when compiling: nothing to watch at run time.
        if (isa<nn::NNDialect>(op->getDialect()) &&
            !op->hasTrait<OpTrait::ConstantLike>())
          ops.push_back(op);
      });
    OpBuilder b(ctx);
    for (Operation *op : ops) {
      for (Value result : op->getResults()) {
        auto type = dyn_cast<RankedTensorType>(result.getType());
        if (!type || !isa<FloatType>(type.getElementType()))
          continue;
        std::string where = "<unknown>";
        if (FileLineColLoc file = fileLocation(op->getLoc()))
          where = llvm::formatv("{0}:{1}:{2}", file.getFilename().getValue(),
                                file.getLine(), file.getColumn())
                      .str();
        sites.push_back(StringAttr::get(
            ctx, where + ": '" + op->getName().getStringRef() + "'"));
        b.setInsertionPointAfter(op);
        emitCheck(b, op->getLoc(), result, int64_t(sites.size()) - 1);
      }
    }
    module->setAttr("deepc.numerics_sites", ArrayAttr::get(ctx, sites));
    if (sites.empty() || module.lookupSymbol(kReportFn))
      return;
    b.setInsertionPointToEnd(module.getBody());
    auto report = func::FuncOp::create(
        b, module.getLoc(), kReportFn,
        FunctionType::get(ctx, {IntegerType::get(ctx, 64)}, {}));
    report.setPrivate();
  }
};
} // namespace
