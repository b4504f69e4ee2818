//===- Tile.cpp - Tiling and vectorization of contractions ----------------===//
//
// deepc-tile: every matmul-like linalg op on tensors (linalg.matmul with any
// indexing maps, linalg.batch_matmul, contraction generics) is tiled twice,
// for the caches and then for the registers, with sizes from a cost model
// of the target (passes/TargetModel.h). The register loops are peeled so the main tiles
// have static shapes; those are vectorized and their vector.contract lowered
// to outer products (FMAs), while the peeled remainders stay scalar linalg.
// Elementwise chains were fused before, by deepc-fuse (passes/Fuse.cpp).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/TileUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace deepc {
#define GEN_PASS_DEF_TILEPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;
using namespace deepc::tiling;

namespace {

/// Tile sizes of one contraction, per loop kind (0: not tiled).
struct ContractionTiles {
  int64_t mc, nc, kc; // cache tiles
  int64_t mr, nr, kr; // register tiles
};

} // namespace

/// The largest statically shaped contraction (in multiply-adds) that is
/// vectorized whole: a register tile is at most 8 x 64 x 16.
static constexpr int64_t kMaxVectorTile = 8 * 64 * 16;

/// `value` rounded down to a multiple of `step`, at least `step`.
static int64_t roundDown(int64_t value, int64_t step) {
  return std::max(step, value / step * step);
}

/// The tile sizes of a contraction of sizes `m`, `n`, `k` (dynamic sizes
/// are ShapedType::kDynamic) in f32 on `target`.
///
/// Registers: N is vectorized, one or two vectors wide, and M rows of
/// accumulators use half of the vector registers (32 with AVX-512, NEON or
/// RVV, 16 with SSE or AVX); K is unrolled by one vector length. Caches: a
/// kc x nr panel of B and an mr x kc panel of A share half of L1; an mc x
/// kc block of A takes half of L2. A dimension that fits in one cache tile
/// is not tiled for the caches.
static ContractionTiles chooseTiles(const TargetModel &target, int64_t m, int64_t n,
                                    int64_t k, bool packed = false) {
  int64_t lanes = target.lanes();
  int64_t registers = target.vectorRegisters;
  ContractionTiles t;
  // Two vectors wide unless that leaves a remainder that one would not.
  t.nr = 2 * lanes;
  if (!ShapedType::isDynamic(n) && n % t.nr != 0 && n % lanes == 0)
    t.nr = lanes;
  t.mr = std::min<int64_t>(8, registers / 2 / (t.nr / lanes));
  t.kr = lanes;

  t.kc = roundDown(target.l1Bytes / 2 / 4 / (t.mr + t.nr), t.kr);
  t.mc = roundDown(target.l2Bytes / 2 / 4 / t.kc, t.mr);
  t.nc = roundDown(4096, t.nr);
  if (packed) {
    // B packed: the register tiles run M outer, N inner, so an mr x kc
    // panel of A stays in half of L1 while contiguous kr x nr tiles of B
    // stream from a kc x nc block of B in half of L2. A long kc means
    // fewer passes over C (each pass loads and stores every tile of C).
    t.kc = roundDown(target.l1Bytes / 2 / 4 / t.mr, t.kr);
    int64_t kBlock = ShapedType::isDynamic(k) ? t.kc : std::min(k, t.kc);
    t.nc = roundDown(target.l2Bytes / 2 / 4 / kBlock, t.nr);
    t.mc = 0;
  }
  auto fits = [](int64_t size, int64_t tile) {
    return !ShapedType::isDynamic(size) && size <= tile;
  };
  if (fits(m, t.mc))
    t.mc = 0;
  if (fits(n, t.nc))
    t.nc = 0;
  if (fits(k, t.kc))
    t.kc = 0;
  return t;
}

/// The loops of a matmul-like op: batch dims (tiled by 1), then M, N, K; or
/// failure when `op` is not a contraction with one dim of each.
static FailureOr<linalg::ContractionDimensions>
matmulDims(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return failure();
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
      dims->k.size() != 1 || dims->batch.size() > 1)
    return failure();
  Type element = getElementTypeOrSelf(op.getDpsInitOperand(0)->get());
  if (!element.isF32())
    return failure();
  return dims;
}

/// Every canonicalization of the loaded dialects and registered ops, so
/// slices of constant sizes get static types before vectorization.
static void addCanonicalizations(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
}

/// Tiles `op` by `sizes` (indexed by loop), returning the tiled op and its
/// loops, outermost first.
FailureOr<scf::SCFTilingResult>
deepc::tiling::tile(RewriterBase &rewriter, Operation *target,
                    ArrayRef<int64_t> sizes) {
  auto op = dyn_cast<TilingInterface>(target);
  if (!op)
    return failure();
  SmallVector<OpFoldResult> tileSizes;
  for (int64_t size : sizes)
    tileSizes.push_back(rewriter.getIndexAttr(size));
  scf::SCFTilingOptions options;
  options.setTileSizes(tileSizes);
  FailureOr<scf::SCFTilingResult> result =
      scf::tileUsingSCF(rewriter, op, options);
  if (failed(result))
    return failure();
  rewriter.replaceOp(op, result->replacements);
  return result;
}

/// Peels `loop` so that all but its last iteration take a full step; the
/// body of the main loop then sees static tile sizes.
void deepc::tiling::peel(RewriterBase &rewriter, LoopLikeOpInterface loop) {
  auto forOp = dyn_cast<scf::ForOp>(loop.getOperation());
  if (!forOp)
    return;
  scf::ForOp remainder;
  (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, remainder);
}

namespace {

struct TilePass : deepc::impl::TilePassBase<TilePass> {
  using TilePassBase::TilePassBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    TilePassBase::getDependentDialects(registry);
    linalg::registerTilingInterfaceExternalModels(registry);
    tensor::registerSubsetOpInterfaceExternalModels(registry);
    vector::registerSubsetOpInterfaceExternalModels(registry);
  }

  void runOnOperation() override;

  /// The module's target (the host's if it has none), with what the
  /// options set instead.
  FailureOr<TargetModel> target() {
    FailureOr<TargetModel> model = getTargetModel(getOperation());
    if (failed(model))
      return failure();
    if (vectorBits) {
      model->vectorBits = vectorBits;
      model->vectorRegisters = vectorBits >= 512 ? 32 : 16;
    }
    if (l1Kib)
      model->l1Bytes = int64_t(l1Kib) * 1024;
    if (l2Kib)
      model->l2Bytes = int64_t(l2Kib) * 1024;
    return model;
  }

  LogicalResult tileContraction(RewriterBase &rewriter, linalg::LinalgOp op,
                                const TargetModel &model);

  /// A packed contraction with a dynamic M: split across the threads when
  /// M >= minRows, else run on the calling thread (an OpenMP region costs
  /// a fork and a join even when one thread has all the rows).
  LogicalResult splitOnRows(RewriterBase &rewriter, linalg::GenericOp op,
                            int64_t minRows, const ContractionTiles &t);
};

} // namespace

/// A `linalg.matmul` that reads its right operand transposed (maps (m, k),
/// (n, k), (m, n), as `nn.dense` lowers) becomes a transpose of that
/// operand into K x N, once per call, and a plain matmul: every register
/// tile of B is then a row-major load instead of an in-register transpose
/// redone for each row block of A. Returns the new matmul, or `op`.
static linalg::LinalgOp packTransposedRhs(RewriterBase &rewriter,
                                          linalg::LinalgOp op) {
  auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation());
  if (!matmul)
    return op;
  MLIRContext *context = op.getContext();
  AffineExpr m, n, k;
  bindDims(context, m, n, k);
  SmallVector<AffineMap> transposedRhs = {
      AffineMap::get(3, 0, {m, k}, context),
      AffineMap::get(3, 0, {n, k}, context),
      AffineMap::get(3, 0, {m, n}, context)};
  if (op.getIndexingMapsArray() != ArrayRef<AffineMap>(transposedRhs))
    return op;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value rhs = op.getDpsInputOperand(1)->get();
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  SmallVector<OpFoldResult> sizes = {
      tensor::getMixedSize(rewriter, loc, rhs, 1),
      tensor::getMixedSize(rewriter, loc, rhs, 0)};
  Value init =
      tensor::EmptyOp::create(rewriter, loc, sizes, rhsType.getElementType());
  Value packed = linalg::TransposeOp::create(rewriter, loc, rhs, init, {1, 0})
                     .getResult()[0];
  auto plain = linalg::MatmulOp::create(
      rewriter, loc, op->getResultTypes(),
      ValueRange{op.getDpsInputOperand(0)->get(), packed},
      ValueRange{op.getDpsInitOperand(0)->get()});
  rewriter.replaceOp(op, plain->getResults());
  return cast<linalg::LinalgOp>(plain.getOperation());
}

/// The discardable attribute that marks the ops of a packed matmul, so the
/// later phases of the pass find them: the packed contraction itself and
/// the transposes that pack B.
static constexpr llvm::StringLiteral kPackedAttr = "deepc.packed";

/// Whether `op` is a `linalg.matmul` whose right operand is read plain
/// (K x N) or transposed (N x K); nullopt for any other indexing maps.
std::optional<bool> deepc::tiling::matmulRhsTransposed(linalg::LinalgOp op) {
  if (!isa<linalg::MatmulOp>(op.getOperation()))
    return std::nullopt;
  MLIRContext *context = op.getContext();
  AffineExpr m, n, k;
  bindDims(context, m, n, k);
  auto maps = [&](AffineExpr r0, AffineExpr r1) {
    return SmallVector<AffineMap>{AffineMap::get(3, 0, {m, k}, context),
                                  AffineMap::get(3, 0, {r0, r1}, context),
                                  AffineMap::get(3, 0, {m, n}, context)};
  };
  SmallVector<AffineMap> actual = op.getIndexingMapsArray();
  if (actual == maps(k, n))
    return false;
  if (actual == maps(n, k))
    return true;
  return std::nullopt;
}

/// Whether the matmul `op` (M x N x K = `ranges`) gets its B packed into
/// panels of `nr` columns: N must be a static multiple of nr, and B must be
/// reused by enough rows of A to pay for the copy (a transposed B is copied
/// anyway).
static bool shouldPack(linalg::LinalgOp op, ArrayRef<int64_t> ranges,
                       const ContractionTiles &t) {
  std::optional<bool> transposed = matmulRhsTransposed(op);
  if (!transposed)
    return false;
  int64_t m = ranges[0], n = ranges[1];
  if (ShapedType::isDynamic(n) || n % t.nr != 0)
    return false;
  return *transposed || ShapedType::isDynamic(m) || m >= 16 * t.mr;
}

/// Tiles the transpose that packs B so each tile is one vector transpose
/// (B read transposed: 16 x 16 blocks) or one row copy (B read plain).
static LogicalResult tilePackTranspose(RewriterBase &rewriter,
                                       linalg::TransposeOp transpose,
                                       bool rhsTransposed, int64_t lanes) {
  transpose->setAttr(kPackedAttr, rewriter.getUnitAttr());
  SmallVector<int64_t> sizes = rhsTransposed
                                   ? SmallVector<int64_t>{1, lanes, lanes}
                                   : SmallVector<int64_t>{1, 1, 0};
  rewriter.setInsertionPoint(transpose);
  FailureOr<scf::SCFTilingResult> tiled = tile(rewriter, transpose, sizes);
  if (failed(tiled))
    return failure();
  for (LoopLikeOpInterface loop : llvm::reverse(tiled->loops))
    peel(rewriter, loop);
  // A row copy is static already: vectorize it before the canonicalizer
  // turns it into slices (which would bufferize to one copy call per row).
  auto rowCopy = dyn_cast<linalg::LinalgOp>(tiled->tiledOps.front());
  if (!rhsTransposed && rowCopy && !rowCopy.hasDynamicShape()) {
    rewriter.setInsertionPoint(rowCopy);
    FailureOr<linalg::VectorizationResult> vectorized =
        linalg::vectorize(rewriter, rowCopy);
    if (succeeded(vectorized))
      rewriter.replaceOp(rowCopy, vectorized->replacements);
  }
  return success();
}

/// Rewrites the matmul `op` (B read plain or transposed) as a contraction
/// on B packed into panels of `nr` columns, each panel K x nr contiguous
/// (a linalg.pack, lowered here to a reshape and a transpose):
///
///   C[m, j, c] += A[m, k] * Bp[j, k, c]   with C viewed as M x N/nr x nr
///
/// so a register tile of B is nr contiguous floats per k, and a cache
/// panel of B is one contiguous block. Returns the new contraction.
static FailureOr<linalg::GenericOp> packMatmul(RewriterBase &rewriter,
                                               linalg::LinalgOp op, int64_t nr,
                                               int64_t lanes) {
  bool transposed = *matmulRhsTransposed(op);
  Location loc = op.getLoc();
  MLIRContext *context = op.getContext();
  rewriter.setInsertionPoint(op);
  Value a = op.getDpsInputOperand(0)->get();
  Value b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  auto bType = cast<RankedTensorType>(b.getType());
  auto cType = cast<RankedTensorType>(c.getType());
  int64_t n = cType.getDimSize(1);
  unsigned kDim = transposed ? 1 : 0;
  OpFoldResult kSize = tensor::getMixedSize(rewriter, loc, b, kDim);

  // Bp = pack(B): N x K tiled along N, or K x N tiled along N with the
  // outer dims swapped; both give N/nr x K x nr.
  SmallVector<OpFoldResult> packedSizes = {rewriter.getIndexAttr(n / nr), kSize,
                                           rewriter.getIndexAttr(nr)};
  Value dest = tensor::EmptyOp::create(rewriter, loc, packedSizes,
                                       bType.getElementType());
  SmallVector<int64_t> innerPos = {transposed ? 0 : 1};
  SmallVector<int64_t> outerPerm;
  if (!transposed)
    outerPerm = {1, 0};
  auto pack = linalg::PackOp::create(rewriter, loc, b, dest, innerPos,
                                     {rewriter.getIndexAttr(nr)},
                                     /*paddingValue=*/std::nullopt, outerPerm);
  FailureOr<linalg::LowerPackResult> lowered =
      linalg::lowerPack(rewriter, pack);
  if (failed(lowered) || !lowered->transposeOp)
    return op.emitOpError("cannot pack its right operand");
  linalg::TransposeOp packing = lowered->transposeOp;
  Value packed = packing.getResult()[0];

  // C viewed as M x N/nr x nr.
  rewriter.setInsertionPoint(op);
  auto c3Type = RankedTensorType::get({cType.getDimSize(0), n / nr, nr},
                                      cType.getElementType());
  SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
  SmallVector<OpFoldResult> c3Sizes = {
      tensor::getMixedSize(rewriter, loc, c, 0), rewriter.getIndexAttr(n / nr),
      rewriter.getIndexAttr(nr)};
  Value c3;
  auto fill = c.getDefiningOp<linalg::FillOp>();
  if (fill && fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>()) {
    // The usual C, zeros: filled in its new shape (no reshape to bufferize).
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, c3Sizes, cType.getElementType());
    c3 = linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
             .getResult(0);
  } else {
    c3 = tensor::ExpandShapeOp::create(rewriter, loc, c3Type, c, reassociation,
                                       c3Sizes);
  }
  AffineExpr m, j, k, l;
  bindDims(context, m, j, k, l);
  SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {m, k}, context),
                                 AffineMap::get(4, 0, {j, k, l}, context),
                                 AffineMap::get(4, 0, {m, j, l}, context)};
  SmallVector<utils::IteratorType> iterators = {
      utils::IteratorType::parallel, utils::IteratorType::parallel,
      utils::IteratorType::reduction, utils::IteratorType::parallel};
  auto generic = linalg::GenericOp::create(
      rewriter, loc, c3Type, ValueRange{a, packed}, ValueRange{c3}, maps,
      iterators, [](OpBuilder &builder, Location loc, ValueRange args) {
        Value product = arith::MulFOp::create(builder, loc, args[0], args[1]);
        Value sum = arith::AddFOp::create(builder, loc, args[2], product);
        linalg::YieldOp::create(builder, loc, sum);
      });
  generic->setAttr(kPackedAttr, rewriter.getUnitAttr());
  Value result = tensor::CollapseShapeOp::create(
      rewriter, loc, cType, generic.getResult(0), reassociation);
  rewriter.replaceOp(op, result);
  if (failed(tilePackTranspose(rewriter, packing, transposed, lanes)))
    return generic.emitOpError("cannot tile the packing of its operand B");
  return generic;
}

/// The packed contraction `op` (loops m, j, k, l) tiled for the caches (K
/// by kc outermost, then M by mc) and the registers (j by one panel, then
/// M by mr, then K by kr innermost, the whole panel width nr at once), with
/// the register loops peeled.
static LogicalResult tilePacked(RewriterBase &rewriter, linalg::GenericOp op,
                                const ContractionTiles &t) {
  // The mark carries mr, so the remainder rows can be told from full tiles.
  op->setAttr(kPackedAttr, rewriter.getI64IntegerAttr(t.mr));
  rewriter.setInsertionPoint(op);
  Operation *current = op;
  if (t.mc || t.nc || t.kc) {
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(
        op.getContext(), ArrayRef<int64_t>{t.mc, t.nc / t.nr, t.kc, 0}));
    options.setInterchange({2, 1, 0, 3});
    FailureOr<scf::SCFTilingResult> outer =
        scf::tileUsingSCF(rewriter, cast<TilingInterface>(current), options);
    if (failed(outer))
      return op.emitOpError("cannot be tiled for the caches");
    rewriter.replaceOp(current, outer->replacements);
    current = outer->tiledOps.front();
  }
  rewriter.setInsertionPoint(current);
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(
      op.getContext(), ArrayRef<int64_t>{t.mr, 1, t.kr, 0}));
  FailureOr<scf::SCFTilingResult> inner =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(current), options);
  if (failed(inner))
    return op.emitOpError("cannot be tiled for the registers");
  rewriter.replaceOp(current, inner->replacements);
  for (LoopLikeOpInterface loop : llvm::reverse(inner->loops))
    peel(rewriter, loop);
  return success();
}

/// The marks of an elementwise op fused into the tiles of the packed
/// contraction it reads (the epilogue), and of that contraction and the
/// fill that zeroes its accumulators (the producers fused with it), so
/// the later phases of the pass find their tiles.
static constexpr llvm::StringLiteral kEpilogueAttr = "deepc.epilogue";
static constexpr llvm::StringLiteral kEpilogueProducerAttr =
    "deepc.epilogue_producer";

/// The epilogue of the packed contraction `op`: the one op that reads its
/// result (through the collapse back to M x N), when that op is an
/// elementwise linalg.generic over M x N that reads the result once,
/// through the identity, writes through the identity, and reads its other
/// operands per element, per column (a bias), per row or as scalars.
/// Null when there is none; then C is written whole and read by a loop of
/// its own, as before.
static linalg::GenericOp findEpilogue(linalg::GenericOp op) {
  Value result = op.getResult(0);
  if (!result.hasOneUse())
    return {};
  auto collapse = dyn_cast<tensor::CollapseShapeOp>(*result.user_begin());
  if (!collapse || !collapse.getResult().hasOneUse())
    return {};
  auto epilogue =
      dyn_cast<linalg::GenericOp>(*collapse.getResult().user_begin());
  if (!epilogue || !epilogue.hasPureTensorSemantics() ||
      epilogue.getNumLoops() != 2 || epilogue.getNumParallelLoops() != 2 ||
      epilogue.getNumDpsInits() != 1 || epilogue.hasIndexSemantics())
    return {};
  OpOperand *init = epilogue.getDpsInitOperand(0);
  if (!epilogue.getMatchingIndexingMap(init).isIdentity() ||
      epilogue.payloadUsesValueFromOperand(init))
    return {};
  int reads = 0;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    AffineMap map = epilogue.getMatchingIndexingMap(input);
    if (input->get() == collapse.getResult()) {
      if (!map.isIdentity())
        return {};
      ++reads;
      continue;
    }
    if (!map.isProjectedPermutation() ||
        (map.getNumResults() == 2 && !map.isIdentity()))
      return {};
  }
  return reads == 1 ? epilogue : linalg::GenericOp();
}

/// Rewrites `epilogue` to run over the packed contraction `op`'s own
/// iteration space M x N/nr x nr (reading its result directly, its other
/// operands reshaped to match, which costs no copy), so the two can share
/// tiles. Returns the new epilogue.
static linalg::GenericOp epilogueOnPanels(RewriterBase &rewriter,
                                          linalg::GenericOp epilogue,
                                          linalg::GenericOp op) {
  Location loc = epilogue.getLoc();
  MLIRContext *context = op.getContext();
  Value packed = op.getResult(0);
  auto packedType = cast<RankedTensorType>(packed.getType());
  int64_t panels = packedType.getDimSize(1), nr = packedType.getDimSize(2);
  rewriter.setInsertionPoint(epilogue);
  AffineExpr m, j, l;
  bindDims(context, m, j, l);
  AffineMap identity = AffineMap::getMultiDimIdentityMap(3, context);
  // M x N -> M x N/nr x nr.
  auto onPanels = [&](Value matrix) -> Value {
    auto type = cast<RankedTensorType>(matrix.getType());
    auto panelType = RankedTensorType::get({type.getDimSize(0), panels, nr},
                                           type.getElementType());
    SmallVector<OpFoldResult> sizes = {
        tensor::getMixedSize(rewriter, loc, matrix, 0),
        rewriter.getIndexAttr(panels), rewriter.getIndexAttr(nr)};
    return tensor::ExpandShapeOp::create(rewriter, loc, panelType, matrix,
                                         {{0}, {1, 2}}, sizes);
  };
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *input : epilogue.getDpsInputOperands()) {
    Value value = input->get();
    AffineMap map = epilogue.getMatchingIndexingMap(input);
    if (value.getDefiningOp() == *packed.user_begin()) {
      inputs.push_back(packed);
      maps.push_back(identity);
    } else if (map.getNumResults() == 2) {
      inputs.push_back(onPanels(value));
      maps.push_back(identity);
    } else if (map.getNumResults() == 1 && map.getDimPosition(0) == 1) {
      // A column vector (the bias): N -> N/nr x nr.
      auto type = cast<RankedTensorType>(value.getType());
      auto panelType =
          RankedTensorType::get({panels, nr}, type.getElementType());
      inputs.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc, panelType, value, {{0, 1}},
          ArrayRef<OpFoldResult>{rewriter.getIndexAttr(panels),
                                 rewriter.getIndexAttr(nr)}));
      maps.push_back(AffineMap::get(3, 0, {j, l}, context));
    } else if (map.getNumResults() == 1) {
      inputs.push_back(value);
      maps.push_back(AffineMap::get(3, 0, {m}, context));
    } else {
      inputs.push_back(value);
      maps.push_back(AffineMap::get(3, 0, {}, context));
    }
  }
  // The usual init, an empty tensor, is made in its new shape (an
  // expand_shape of it would be left for the canonicalizer to fold).
  Value init = epilogue.getDpsInitOperand(0)->get();
  if (init.getDefiningOp<tensor::EmptyOp>()) {
    auto type = cast<RankedTensorType>(init.getType());
    init = tensor::EmptyOp::create(
        rewriter, loc,
        {tensor::getMixedSize(rewriter, loc, init, 0),
         rewriter.getIndexAttr(panels), rewriter.getIndexAttr(nr)},
        type.getElementType());
  } else {
    init = onPanels(init);
  }
  maps.push_back(identity);
  SmallVector<utils::IteratorType> iterators(3, utils::IteratorType::parallel);
  auto onTiles = linalg::GenericOp::create(
      rewriter, loc, init.getType(), inputs, ValueRange{init}, maps, iterators);
  IRMapping mapping;
  epilogue.getRegion().cloneInto(&onTiles.getRegion(), mapping);
  onTiles->setAttr(kEpilogueAttr, rewriter.getUnitAttr());
  Value result = tensor::CollapseShapeOp::create(
      rewriter, loc, epilogue.getResultTypes()[0], onTiles.getResult(0),
      ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  rewriter.replaceOp(epilogue, result);
  return onTiles;
}

/// Tiles the epilogue `onTiles` (over M x N/nr x nr) by `sizes` and fuses
/// into each tile the producers marked with kEpilogueProducerAttr: the
/// packed contraction it reads, over all of K, and its zero fill. Returns
/// the loops, outermost first.
static FailureOr<SmallVector<LoopLikeOpInterface>>
tileEpilogue(RewriterBase &rewriter, linalg::GenericOp onTiles,
             ArrayRef<int64_t> sizes) {
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(
      getAsIndexOpFoldResult(onTiles.getContext(), sizes));
  options.setFusionControlFn(
      [](tensor::ExtractSliceOp, OpResult producer,
         bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
        if (producer.getOwner()->hasAttr(kEpilogueProducerAttr))
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        return std::nullopt;
      });
  rewriter.setInsertionPoint(onTiles);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(onTiles.getOperation()), options);
  if (failed(tiled))
    return failure();
  for (OpResult result : onTiles->getResults())
    if (Value replacement = tiled->replacements.lookup(result))
      rewriter.replaceAllUsesWith(result, replacement);
  // The untiled ops are dead now: the epilogue, its fused producers, and
  // what only they read (the reshapes of its operands), erased here so the
  // IR after the pass does not depend on the order the canonicalizer
  // visits them.
  SmallVector<Operation *> dead = {onTiles};
  while (!dead.empty()) {
    Operation *op = dead.pop_back_val();
    SmallVector<Operation *> operands;
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp())
        operands.push_back(producer);
    rewriter.eraseOp(op);
    for (Operation *producer : operands)
      if (!llvm::is_contained(dead, producer) && isOpTriviallyDead(producer))
        dead.push_back(producer);
  }
  return tiled->loops;
}

/// The packed contraction `op` and its epilogue in shared tiles: the
/// epilogue then reads the accumulators of each register tile when K is
/// done, instead of C from memory in a loop of its own, and C is never
/// stored. K is not tiled for the caches (`t.kc` is 0): each register tile
/// runs over all of K.
static LogicalResult fuseEpilogue(RewriterBase &rewriter, linalg::GenericOp op,
                                  linalg::GenericOp epilogue,
                                  const ContractionTiles &t) {
  linalg::GenericOp onTiles = epilogueOnPanels(rewriter, epilogue, op);
  if (auto fill =
          op.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>())
    fill->setAttr(kEpilogueProducerAttr, rewriter.getUnitAttr());
  op->setAttr(kPackedAttr, rewriter.getI64IntegerAttr(t.mr));
  op->setAttr(kEpilogueProducerAttr, rewriter.getUnitAttr());
  if (t.nc) {
    FailureOr<SmallVector<LoopLikeOpInterface>> blocks =
        tileEpilogue(rewriter, onTiles, {0, t.nc / t.nr, 0});
    if (failed(blocks))
      return epilogue.emitOpError("cannot be tiled with its matmul");
    onTiles = nullptr;
    (*blocks).back()->walk([&](linalg::GenericOp inner) {
      if (inner->hasAttr(kEpilogueAttr))
        onTiles = inner;
    });
  }
  FailureOr<SmallVector<LoopLikeOpInterface>> loops =
      tileEpilogue(rewriter, onTiles, {t.mr, 1, 0});
  if (failed(loops))
    return op.emitOpError("cannot be tiled with its epilogue");
  // The contraction's tile in each: K by kr, innermost.
  linalg::GenericOp contraction;
  (*loops).back()->walk([&](linalg::GenericOp inner) {
    if (inner->hasAttr(kEpilogueProducerAttr) && inner.getNumLoops() == 4)
      contraction = inner;
  });
  if (!contraction)
    return op.emitOpError("lost its tile when fused with its epilogue");
  rewriter.setInsertionPoint(contraction);
  FailureOr<scf::SCFTilingResult> kLoop =
      tile(rewriter, contraction, {0, 0, t.kr, 0});
  if (failed(kLoop))
    return op.emitOpError("cannot be tiled for the registers");
  for (LoopLikeOpInterface loop : llvm::reverse(kLoop->loops))
    peel(rewriter, loop);
  for (LoopLikeOpInterface loop : llvm::reverse(*loops))
    peel(rewriter, loop);
  return success();
}

/// The rows a packed M x N x K contraction needs before it is split across
/// `threads`: four register tiles per thread, or two when B has at least
/// 2^20 elements. Measured (`deepc bench` of dense layers on two idle
/// cores, docs/ARCHITECTURE.md): with two tiles per thread, two threads
/// were 3-18% slower than one for N x K up to 512 x 512, even at 768 x 768,
/// 13-39% faster from 2^20 elements; with four tiles, 5-62% faster.
static int64_t minRowsToSplit(int64_t threads, int64_t mr, int64_t n,
                              int64_t k) {
  bool bigB = !ShapedType::isDynamic(n) && !ShapedType::isDynamic(k) &&
              n * k >= (int64_t(1) << 20);
  return (bigB ? 2 : 4) * threads * mr;
}

/// Splits the rows of the packed contraction `op` into `threads` chunks of
/// whole mr-row tiles, one per iteration of an scf.forall (run in parallel
/// once lowered to OpenMP); returns the contraction of one chunk.
static FailureOr<linalg::GenericOp> distributeRows(RewriterBase &rewriter,
                                                   linalg::GenericOp op,
                                                   int64_t threads,
                                                   int64_t mr) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  OpFoldResult rows =
      tensor::getMixedSize(rewriter, loc, op.getDpsInputOperand(0)->get(), 0);
  AffineExpr s0;
  bindSymbols(op.getContext(), s0);
  // ceil(ceil(M / threads) / mr) * mr, and at least mr.
  OpFoldResult chunk = affine::makeComposedFoldedAffineApply(
      rewriter, loc, s0.ceilDiv(threads).ceilDiv(mr) * mr, {rows});
  if (auto value = dyn_cast<Value>(chunk))
    chunk = arith::MaxSIOp::create(
                rewriter, loc, value,
                arith::ConstantIndexOp::create(rewriter, loc, mr))
                .getResult();
  scf::SCFTilingOptions options;
  options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  options.setTileSizes({chunk, rewriter.getIndexAttr(0),
                        rewriter.getIndexAttr(0), rewriter.getIndexAttr(0)});
  FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
      rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(tiled))
    return op.emitOpError("cannot be split across threads");
  rewriter.replaceOp(op, tiled->replacements);
  return cast<linalg::GenericOp>(tiled->tiledOps.front());
}

LogicalResult TilePass::splitOnRows(RewriterBase &rewriter,
                                    linalg::GenericOp op, int64_t minRows,
                                    const ContractionTiles &t) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value rows = tensor::DimOp::create(rewriter, loc,
                                     op.getDpsInputOperand(0)->get(), 0);
  Value enough = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::sge, rows,
      arith::ConstantIndexOp::create(rewriter, loc, minRows));
  auto branch = scf::IfOp::create(rewriter, loc, op->getResultTypes(), enough,
                                  /*addThenBlock=*/true,
                                  /*addElseBlock=*/true);
  op->setAttr(kPackedAttr, rewriter.getI64IntegerAttr(t.mr));
  SmallVector<linalg::GenericOp> copies;
  for (Region *region : {&branch.getThenRegion(), &branch.getElseRegion()}) {
    Block *block = &region->front();
    rewriter.setInsertionPointToStart(block);
    auto copy = cast<linalg::GenericOp>(rewriter.clone(*op));
    scf::YieldOp::create(rewriter, loc, copy->getResults());
    copies.push_back(copy);
  }
  rewriter.replaceOp(op, branch->getResults());
  FailureOr<linalg::GenericOp> parallel =
      distributeRows(rewriter, copies[0], threads, t.mr);
  if (failed(parallel) || failed(tilePacked(rewriter, *parallel, t)))
    return failure();
  return tilePacked(rewriter, copies[1], t);
}

/// Cache tiles, then register tiles with their loops peeled.
LogicalResult TilePass::tileContraction(RewriterBase &rewriter,
                                        linalg::LinalgOp op,
                                        const TargetModel &model) {
  FailureOr<linalg::ContractionDimensions> dims = matmulDims(op);
  if (failed(dims))
    return success();
  if (dims->batch.empty()) {
    FailureOr<linalg::LinalgOp> rest = tileSmallM(rewriter, op, model);
    if (failed(rest))
      return failure();
    if (!*rest)
      return success();
    op = *rest;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    ContractionTiles t = chooseTiles(model, ranges[dims->m[0]],
                                     ranges[dims->n[0]], ranges[dims->k[0]],
                                     /*packed=*/true);
    if (shouldPack(op, ranges, t)) {
      FailureOr<linalg::GenericOp> packed =
          packMatmul(rewriter, op, t.nr, model.lanes());
      if (failed(packed))
        return failure();
      int64_t m = ranges[dims->m[0]];
      int64_t minRows = minRowsToSplit(threads, t.mr, ranges[dims->n[0]],
                                       ranges[dims->k[0]]);
      if (threads > 1 && ShapedType::isDynamic(m))
        return splitOnRows(rewriter, *packed, minRows, t);
      if (threads > 1 && m >= minRows) {
        (*packed)->setAttr(kPackedAttr, rewriter.getI64IntegerAttr(t.mr));
        packed = distributeRows(rewriter, *packed, threads, t.mr);
        if (failed(packed))
          return failure();
        return tilePacked(rewriter, *packed, t);
      }
      // An epilogue shares the register tiles when a tile's panel of A,
      // mr x K, fits in L1: K is then not blocked, so each tile of C is
      // final after one pass and never stored (with K blocked, a last-block
      // split measured slower than the epilogue's own loop).
      int64_t k = ranges[dims->k[0]];
      linalg::GenericOp epilogue = findEpilogue(*packed);
      if (epilogue && !ShapedType::isDynamic(k) &&
          t.mr * k * 4 <= model.l1Bytes) {
        ContractionTiles whole = t;
        whole.kc = 0;
        int64_t n = ranges[dims->n[0]];
        whole.nc = roundDown(model.l2Bytes / 2 / 4 / k, t.nr);
        if (n <= whole.nc)
          whole.nc = 0;
        return fuseEpilogue(rewriter, *packed, epilogue, whole);
      }
      return tilePacked(rewriter, *packed, t);
    }
  }
  op = packTransposedRhs(rewriter, op);
  dims = matmulDims(op);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  unsigned m = dims->m[0], n = dims->n[0], k = dims->k[0];
  ContractionTiles t = chooseTiles(model, ranges[m], ranges[n], ranges[k]);

  SmallVector<int64_t> cache(ranges.size(), 0), regs(ranges.size(), 0);
  for (unsigned b : dims->batch) {
    cache[b] = 1;
    regs[b] = 1;
  }
  cache[m] = t.mc;
  cache[n] = t.nc;
  cache[k] = t.kc;
  regs[m] = t.mr;
  regs[n] = t.nr;
  regs[k] = t.kr;

  rewriter.setInsertionPoint(op);
  Operation *current = op;
  if (llvm::any_of(cache, [](int64_t s) { return s != 0; })) {
    FailureOr<scf::SCFTilingResult> outer = tile(rewriter, current, cache);
    if (failed(outer))
      return op.emitOpError("cannot be tiled for the caches");
    current = outer->tiledOps.front();
  }
  rewriter.setInsertionPoint(current);
  FailureOr<scf::SCFTilingResult> inner = tile(rewriter, current, regs);
  if (failed(inner))
    return op.emitOpError("cannot be tiled for the registers");
  // Peel M, N and K, innermost first, so every peeled loop's main body
  // holds a statically shaped tile.
  for (LoopLikeOpInterface loop : llvm::reverse(inner->loops))
    peel(rewriter, loop);
  return success();
}

void TilePass::runOnOperation() {
  Operation *root = getOperation();
  MLIRContext *context = &getContext();
  FailureOr<TargetModel> target = this->target();
  if (failed(target))
    return signalPassFailure();
  const TargetModel &model = *target;

  SmallVector<linalg::LinalgOp> contractions;
  root->walk([&](linalg::LinalgOp op) {
    if (succeeded(matmulDims(op)))
      contractions.push_back(op);
  });
  IRRewriter rewriter(context);
  for (linalg::LinalgOp op : contractions)
    if (failed(tileContraction(rewriter, op, model)))
      return signalPassFailure();

  // Fold the peeled bounds into static slice and op shapes.
  {
    RewritePatternSet patterns(context);
    addCanonicalizations(patterns);
    linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
    scf::populateSCFForLoopCanonicalizationPatterns(patterns);
    // expand_shape(tensor.empty) -> tensor.empty, for the packed C.
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();
  }

  if (failed(vectorizeSmallMTiles(rewriter, root, model.lanes())))
    return signalPassFailure();

  // The remainders of a packed contraction's register tiles: rows left
  // over from mr-row tiles, and a dynamic K left over from kr steps, go one
  // row and one k at a time, so they are vectorized too.
  {
    SmallVector<std::pair<linalg::GenericOp, SmallVector<int64_t>>> remainders;
    root->walk([&](linalg::GenericOp op) {
      // An epilogue's tile over the remainder rows: one row at a time.
      if (op->hasAttr(kEpilogueAttr) && op.getNumLoops() == 3 &&
          ShapedType::isDynamic(op.getStaticLoopRanges()[0])) {
        remainders.push_back({op, SmallVector<int64_t>{1, 0, 0}});
        return;
      }
      auto mr = op->getAttrOfType<IntegerAttr>(kPackedAttr);
      if (!mr || op.getNumLoops() != 4)
        return;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (ranges[1] != 1 || ShapedType::isDynamic(ranges[3]))
        return;
      SmallVector<int64_t> sizes = {
          ranges[0] == 1 || ranges[0] == mr.getInt() ? 0 : 1, 0,
          ShapedType::isDynamic(ranges[2]) ? 1 : 0, 0};
      if (sizes[0] || sizes[2])
        remainders.push_back({op, sizes});
    });
    for (auto &[op, sizes] : remainders) {
      rewriter.setInsertionPoint(op);
      if (failed(tile(rewriter, op, sizes)))
        return signalPassFailure();
    }
  }

  // Vectorize the statically shaped tiles and the tiles of the transposes
  // that pack B; remainders stay scalar.
  SmallVector<linalg::LinalgOp> tiles;
  root->walk([&](linalg::LinalgOp op) {
    if (op.hasDynamicShape() || op.getStaticLoopRanges().size() > 4 ||
        llvm::product_of(op.getStaticLoopRanges()) > kMaxVectorTile)
      return;
    if (succeeded(matmulDims(op)) || op->hasAttr(kPackedAttr) ||
        op->hasAttr(kEpilogueAttr) || op->hasAttr(kEpilogueProducerAttr))
      tiles.push_back(op);
  });
  for (linalg::LinalgOp op : tiles) {
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
        rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (succeeded(vectorized))
      rewriter.replaceOp(op, vectorized->replacements);
  }

  // Accumulators stay in registers across the K loop.
  {
    RewritePatternSet patterns(context);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, context);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns, context);
    tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, context);
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();
  }
  root->walk([&](scf::ForOp loop) {
    (void)hoistLoopInvariantSubsets(rewriter, cast<LoopLikeOpInterface>(*loop));
  });

  // vector.contract -> outer products -> FMAs.
  {
    RewritePatternSet patterns(context);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransposeLowering::Shuffle16x16);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();
  }
}
