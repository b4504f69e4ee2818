//===- Tile.cpp - Tiling and vectorization of contractions ----------------===//
//
// deepc-tile: every matmul-like linalg op on tensors (linalg.matmul with any
// indexing maps, linalg.batch_matmul, contraction generics) is tiled twice,
// for the caches and then for the registers, with sizes from a cost model
// of the host (TileModel). The register loops are peeled so the main tiles
// have static shapes; those are vectorized and their vector.contract lowered
// to outer products (FMAs), while the peeled remainders stay scalar linalg.
// Elementwise chains are fused first, so each runs as one loop.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

namespace deepc {
#define GEN_PASS_DEF_TILEPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;
using namespace deepc;

namespace {

/// What the cost model knows of the host.
struct HostModel {
  int64_t vectorBits;
  int64_t l1Bytes;
  int64_t l2Bytes;
};

/// Tile sizes of one contraction, per loop kind (0: not tiled).
struct ContractionTiles {
  int64_t mc, nc, kc; // cache tiles
  int64_t mr, nr, kr; // register tiles
};

} // namespace

/// The widest vector the host's features allow, in bits.
static int64_t hostVectorBits() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 512;
  if (features.lookup("avx2") || features.lookup("avx"))
    return 256;
  return 128;
}

/// The size in bytes of the level-`level` data (or unified) cache of cpu0,
/// read from sysfs, or `fallback` when it cannot be read.
static int64_t hostCacheBytes(int level, int64_t fallback) {
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
  return fallback;
}

/// The largest statically shaped contraction (in multiply-adds) that is
/// vectorized whole: a register tile is at most 8 x 64 x 16.
static constexpr int64_t kMaxVectorTile = 8 * 64 * 16;

/// `value` rounded down to a multiple of `step`, at least `step`.
static int64_t roundDown(int64_t value, int64_t step) {
  return std::max(step, value / step * step);
}

/// The tile sizes of a contraction of sizes `m`, `n`, `k` (dynamic sizes
/// are ShapedType::kDynamic) in f32 on `host`.
///
/// Registers: N is vectorized, one or two vectors wide, and M rows of
/// accumulators use half of the vector registers (32 with AVX-512, 16
/// otherwise); K is unrolled by one vector length. Caches: a kc x nr panel
/// of B and an mr x kc panel of A share half of L1; an mc x kc block of A
/// takes half of L2. A dimension that fits in one cache tile is not tiled
/// for the caches.
static ContractionTiles chooseTiles(const HostModel &host, int64_t m, int64_t n,
                                    int64_t k) {
  int64_t lanes = std::max<int64_t>(host.vectorBits / 32, 4);
  int64_t registers = host.vectorBits >= 512 ? 32 : 16;
  ContractionTiles t;
  // Two vectors wide unless that leaves a remainder that one would not.
  t.nr = 2 * lanes;
  if (!ShapedType::isDynamic(n) && n % t.nr != 0 && n % lanes == 0)
    t.nr = lanes;
  t.mr = std::min<int64_t>(8, registers / 2 / (t.nr / lanes));
  t.kr = lanes;

  t.kc = roundDown(host.l1Bytes / 2 / 4 / (t.mr + t.nr), t.kr);
  t.mc = roundDown(host.l2Bytes / 2 / 4 / t.kc, t.mr);
  t.nc = roundDown(4096, t.nr);
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
static FailureOr<scf::SCFTilingResult>
tile(RewriterBase &rewriter, Operation *target, ArrayRef<int64_t> sizes) {
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
static void peel(RewriterBase &rewriter, LoopLikeOpInterface loop) {
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

  HostModel host() const {
    return {vectorBits ? int64_t(vectorBits) : hostVectorBits(),
            l1Kib ? int64_t(l1Kib) * 1024 : hostCacheBytes(1, 32 * 1024),
            l2Kib ? int64_t(l2Kib) * 1024 : hostCacheBytes(2, 512 * 1024)};
  }

  LogicalResult tileContraction(RewriterBase &rewriter, linalg::LinalgOp op,
                                const HostModel &model);
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

/// Cache tiles, then register tiles with their loops peeled.
LogicalResult TilePass::tileContraction(RewriterBase &rewriter,
                                        linalg::LinalgOp op,
                                        const HostModel &model) {
  FailureOr<linalg::ContractionDimensions> dims = matmulDims(op);
  if (failed(dims))
    return success();
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
  HostModel model = host();

  // Elementwise chains into one generic (producers with one use only, so
  // nothing is computed twice).
  {
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          return producer && producer->hasOneUse();
        });
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();
  }

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
    if (failed(applyPatternsGreedily(root, std::move(patterns))))
      return signalPassFailure();
  }

  // Vectorize the statically shaped tiles; remainders stay scalar.
  SmallVector<linalg::LinalgOp> tiles;
  root->walk([&](linalg::LinalgOp op) {
    if (succeeded(matmulDims(op)) && !op.hasDynamicShape() &&
        op.getStaticLoopRanges().size() <= 4 &&
        llvm::product_of(op.getStaticLoopRanges()) <= kMaxVectorTile)
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
