//===- TileSmallM.cpp - deepc-tile's small-M matmul kernel ----------------===//
//
// Part of deepc-tile (passes/Tile.cpp): the matrix-vector kernel for
// matmuls with few rows of A that read B transposed, as stored.
//
//===----------------------------------------------------------------------===//

#include "passes/TileUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::tiling;

// A matmul reading B transposed (N x K, K contiguous, as `nn.dense` lowers)
// with few rows of A packs B into panels on every call (the weight is an
// argument) only to reuse each panel for those few rows. Below
// kSmallMRowTiles register tiles of rows, it reads B as stored instead:
// the matmul is tiled into r x c tiles of C (r rows of A by c rows of B),
// and each tile keeps r x c accumulator vectors of L lanes over the K/L
// steps of K (lane l sums the products at k = kk * L + l); the products of
// K's last K mod L columns go into vectors of that width; then one
// horizontal sum per (m, n) adds them to C.

/// The discardable attribute that marks the tiles of a small-M matmul.
static constexpr llvm::StringLiteral kSmallMAttr = "deepc.small_m";

/// A matmul takes the small-M kernel when its rows are fewer than this many
/// register tiles of rows (measured: docs/ARCHITECTURE.md).
static constexpr int64_t kSmallMRowTiles = 4;

/// The rows of A in a full register tile of the small-M kernel: the largest
/// r with r x r accumulators in half of the vector registers (4 with
/// AVX-512's 32, 2 with 16).
static int64_t smallMRows(const TargetModel &target) {
  int64_t accumulators = target.vectorRegisters / 2;
  int64_t rows = 1;
  while ((rows + 1) * (rows + 1) <= accumulators)
    ++rows;
  return rows;
}

/// The rows of B in a register tile of `rows` rows of A: the accumulators
/// take half of the vector registers, at most `n` of them per row.
static int64_t smallMCols(const TargetModel &target, int64_t rows, int64_t n) {
  int64_t accumulators = target.vectorRegisters / 2;
  return std::clamp<int64_t>(accumulators / rows, 1, n);
}

/// Tiles the matmul `op` (loops m, n, k) for a register tile of `rows`
/// rows of A (M tiled by `mTile`, 0: not tiled), with the N loop peeled.
static LogicalResult tileSmallMRegisters(RewriterBase &rewriter, Operation *op,
                                         const TargetModel &target, int64_t rows,
                                         int64_t mTile) {
  int64_t n = cast<linalg::LinalgOp>(op).getStaticLoopRanges()[1];
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      tile(rewriter, op, {mTile, smallMCols(target, rows, n), 0});
  if (failed(tiled))
    return op->emitOpError("cannot be tiled for the registers");
  for (LoopLikeOpInterface loop : llvm::reverse(tiled->loops))
    peel(rewriter, loop);
  return success();
}

/// The op marked `kSmallMAttr` in `loop`'s body.
static Operation *findSmallM(scf::ForOp loop) {
  Operation *found = nullptr;
  loop.getBody()->walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kSmallMAttr))
      found = op;
  });
  return found;
}

/// Tiles the matmul `op` of M = `m` rows for the registers: tiles of
/// `rows` rows, then the rows left over (a dynamic count) in tiles of
/// rows / 2, rows / 4, ..., 1 (at most one of each).
static LogicalResult tileSmallMRows(RewriterBase &rewriter, Operation *op,
                                    const TargetModel &target, int64_t m,
                                    int64_t rows) {
  if (!ShapedType::isDynamic(m) && m <= rows)
    return tileSmallMRegisters(rewriter, op, target, m, 0);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> rowTiles = tile(rewriter, op, {rows, 0, 0});
  if (failed(rowTiles))
    return op->emitOpError("cannot be tiled by rows");
  auto rowLoop = cast<scf::ForOp>(rowTiles->loops.front().getOperation());
  Operation *full = rowTiles->tiledOps.front();
  scf::ForOp left;
  bool peeled =
      rows > 1 &&
      succeeded(scf::peelForLoopAndSimplifyBounds(rewriter, rowLoop, left));
  if (peeled) {
    // Every step of the main loop is a full one: its tile size, min(rows,
    // ub - iv), is `rows` (the peeling's own simplification cannot always
    // see it once that bound is composed of the outer remainder's).
    SmallVector<affine::AffineMinOp> sizes;
    for (auto min : rowLoop.getBody()->getOps<affine::AffineMinOp>())
      if (llvm::is_contained(min.getOperands(), rowLoop.getInductionVar()) &&
          llvm::any_of(min.getMap().getResults(), [&](AffineExpr e) {
            auto c = dyn_cast<AffineConstantExpr>(e);
            return c && c.getValue() == rows;
          }))
        sizes.push_back(min);
    for (affine::AffineMinOp min : sizes) {
      rewriter.setInsertionPoint(min);
      rewriter.replaceOpWithNewOp<arith::ConstantIndexOp>(min, rows);
    }
  }
  if (failed(tileSmallMRegisters(rewriter, full, target, rows, 0)))
    return failure();
  if (!peeled)
    return success();
  Operation *rest = findSmallM(left);
  if (!rest)
    return full->emitOpError("lost its remainder rows");
  if (!ShapedType::isDynamic(m))
    return tileSmallMRegisters(rewriter, rest, target, m % rows, 0);
  return tileSmallMRows(rewriter, rest, target, m, rows / 2);
}

/// Tiles the matmul `op` (B read transposed, K static and at least the
/// lanes) into the small-M kernel's register tiles of C, marked for
/// vectorizeSmallM.
static LogicalResult rewriteSmallM(RewriterBase &rewriter, linalg::LinalgOp op,
                                   const TargetModel &target) {
  op->setAttr(kSmallMAttr, rewriter.getUnitAttr());
  int64_t m = op.getStaticLoopRanges()[0];
  return tileSmallMRows(rewriter, op, target, m, smallMRows(target));
}

/// The small-M decision for a matmul `op` without batch dims: returns a
/// null op when it took the small-M kernel, `op` when it does not apply,
/// or, for a dynamic M, the copy of `op` in the branch for the other rows
/// (an scf.if on M picks the small-M kernel below the threshold at run
/// time), which the caller tiles as usual.
FailureOr<linalg::LinalgOp> deepc::tiling::tileSmallM(RewriterBase &rewriter,
                                                      linalg::LinalgOp op,
                                                      const TargetModel &target) {
  std::optional<bool> transposed = matmulRhsTransposed(op);
  if (!transposed || !*transposed)
    return op;
  // Training steps keep the packed kernel's order of summation (along K,
  // one product at a time, as PyTorch's CPU GEMM): split into lanes, a dot
  // product rounds differently, and training amplifies it (resnet_mini at
  // batch 8 left PyTorch's losses by 5e-4 in 20 steps).
  auto function = op->getParentOfType<FunctionOpInterface>();
  if (function && function->hasAttr("nn.train"))
    return op;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t m = ranges[0], n = ranges[1], k = ranges[2];
  int64_t lanes = target.lanes();
  int64_t threshold = kSmallMRowTiles * smallMRows(target);
  if (ShapedType::isDynamic(n) || ShapedType::isDynamic(k) || k < lanes)
    return op;
  if (!ShapedType::isDynamic(m)) {
    if (m >= threshold)
      return op;
    if (failed(rewriteSmallM(rewriter, op, target)))
      return failure();
    return linalg::LinalgOp();
  }
  Location loc = op.getLoc();
  // The matmul's one elementwise reader (its epilogue) goes into both
  // branches with it, so the packed branch can still run it inside its
  // tiles (fuseEpilogue). The branch then stands where the reader stood,
  // after every operand of both.
  Operation *reader = nullptr;
  if (op->getResult(0).hasOneUse()) {
    auto generic = dyn_cast<linalg::GenericOp>(*op->getResult(0).user_begin());
    // In the same block, so the matmul is not moved into a loop.
    if (generic && generic->getBlock() == op->getBlock() &&
        generic->getNumResults() == 1 &&
        generic.getNumLoops() == generic.getNumParallelLoops())
      reader = generic;
  }
  Operation *last = reader ? reader : op.getOperation();
  rewriter.setInsertionPoint(last);
  Value rows =
      tensor::DimOp::create(rewriter, loc, op.getDpsInputOperand(0)->get(), 0);
  Value few = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::ult, rows,
      arith::ConstantIndexOp::create(rewriter, loc, threshold));
  auto branch = scf::IfOp::create(rewriter, loc, last->getResultTypes(), few,
                                  /*addThenBlock=*/true,
                                  /*addElseBlock=*/true);
  SmallVector<linalg::LinalgOp> copies;
  for (Region *region : {&branch.getThenRegion(), &branch.getElseRegion()}) {
    rewriter.setInsertionPointToStart(&region->front());
    IRMapping mapping;
    auto copy = cast<linalg::LinalgOp>(rewriter.clone(*op, mapping));
    Operation *result = reader ? rewriter.clone(*reader, mapping) : copy;
    scf::YieldOp::create(rewriter, loc, result->getResults());
    copies.push_back(copy);
  }
  rewriter.replaceOp(last, branch->getResults());
  if (reader)
    rewriter.eraseOp(op);
  if (failed(rewriteSmallM(rewriter, copies[0], target)))
    return failure();
  return copies[1];
}

/// Replaces the static tile `op` of a small-M matmul (C: r x c, A: r x K,
/// B: c x K) by its kernel: r x c accumulator vectors of L lanes from zero
/// over the K/L steps (an scf.for), the last K mod L columns' products in
/// vectors of that width, then one horizontal sum of each into C.
static void vectorizeSmallM(RewriterBase &rewriter, linalg::LinalgOp op,
                            int64_t lanes) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[0], cols = ranges[1], k = ranges[2];
  int64_t kMain = k / lanes * lanes, kTail = k - kMain;
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  Type f32 = getElementTypeOrSelf(c);
  Value pad =
      arith::ConstantOp::create(rewriter, loc, f32, rewriter.getZeroAttr(f32));
  auto index = [&](int64_t i) -> Value {
    return arith::ConstantIndexOp::create(rewriter, loc, i);
  };
  auto read = [&](OpBuilder &builder, Value source, ArrayRef<int64_t> shape,
                  ValueRange at) -> Value {
    auto type = VectorType::get(shape, f32);
    SmallVector<bool> inBounds(shape.size(), true);
    return vector::TransferReadOp::create(builder, loc, type, source, at, pad,
                                          inBounds);
  };
  // acc[i * cols + j] += A[i, k0 : k0 + width] * B[j, k0 : k0 + width].
  auto step = [&](OpBuilder &builder, Value k0, int64_t width,
                  SmallVector<Value> &acc) {
    SmallVector<Value> as, bs;
    for (int64_t i = 0; i < rows; ++i)
      as.push_back(read(builder, a, {width}, {index(i), k0}));
    for (int64_t j = 0; j < cols; ++j)
      bs.push_back(read(builder, b, {width}, {index(j), k0}));
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        Value &sum = acc[i * cols + j];
        sum = vector::FMAOp::create(builder, loc, as[i], bs[j], sum);
      }
  };
  auto zeros = [&](int64_t width) {
    auto type = VectorType::get({width}, f32);
    Value zero = arith::ConstantOp::create(rewriter, loc, type,
                                           DenseElementsAttr::get(type, 0.0f));
    return SmallVector<Value>(rows * cols, zero);
  };
  SmallVector<Value> acc = zeros(lanes);
  auto loop = scf::ForOp::create(
      rewriter, loc, index(0), index(kMain), index(lanes), acc,
      [&](OpBuilder &builder, Location, Value k0, ValueRange carried) {
        SmallVector<Value> sums(carried);
        step(builder, k0, lanes, sums);
        scf::YieldOp::create(builder, loc, sums);
      });
  acc = SmallVector<Value>(loop.getResults());
  SmallVector<Value> tailAcc;
  if (kTail) {
    tailAcc = zeros(kTail);
    step(rewriter, index(kMain), kTail, tailAcc);
  }
  Value c0 = index(0);
  Value out = read(rewriter, c, {rows, cols}, {c0, c0});
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      Value sum = vector::ExtractOp::create(rewriter, loc, out,
                                            ArrayRef<int64_t>{i, j});
      sum = vector::ReductionOp::create(
          rewriter, loc, vector::CombiningKind::ADD, acc[i * cols + j], sum,
          arith::FastMathFlags::reassoc);
      if (kTail)
        sum = vector::ReductionOp::create(
            rewriter, loc, vector::CombiningKind::ADD, tailAcc[i * cols + j],
            sum, arith::FastMathFlags::reassoc);
      out = vector::InsertOp::create(rewriter, loc, sum, out,
                                     ArrayRef<int64_t>{i, j});
    }
  Value result =
      vector::TransferWriteOp::create(rewriter, loc, out, c, ValueRange{c0, c0},
                                      ArrayRef<bool>{true, true})
          .getResult();
  rewriter.replaceOp(op, result);
}

/// Vectorizes every tile of the small-M matmuls under `root` (their shapes
/// are static once the peeled bounds are folded).
LogicalResult deepc::tiling::vectorizeSmallMTiles(RewriterBase &rewriter,
                                                  Operation *root,
                                                  int64_t lanes) {
  SmallVector<linalg::LinalgOp> tiles;
  root->walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kSmallMAttr))
      tiles.push_back(op);
  });
  for (linalg::LinalgOp op : tiles) {
    if (op.hasDynamicShape())
      return op.emitOpError("small-M tile has a dynamic shape");
    vectorizeSmallM(rewriter, op, lanes);
  }
  return success();
}
