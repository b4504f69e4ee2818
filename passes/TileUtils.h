//===- TileUtils.h - What deepc-tile's files share --------------*- C++ -*-===//
//
// deepc-tile (passes/Tile.cpp) tiles and vectorizes contractions; its
// small-M kernel lives in passes/TileSmallM.cpp. This is what both use.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_PASSES_TILEUTILS_H
#define DEEPC_PASSES_TILEUTILS_H

#include "passes/TargetModel.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

#include <algorithm>
#include <optional>

namespace deepc::tiling {

/// Tiles `target` by `sizes` (indexed by loop), returning the tiled op and
/// its loops, outermost first.
mlir::FailureOr<mlir::scf::SCFTilingResult> tile(mlir::RewriterBase &rewriter,
                                                 mlir::Operation *target,
                                                 llvm::ArrayRef<int64_t> sizes);

/// Peels `loop` so that all but its last iteration take a full step; the
/// body of the main loop then sees static tile sizes.
void peel(mlir::RewriterBase &rewriter, mlir::LoopLikeOpInterface loop);

/// Whether `op` is a `linalg.matmul` whose right operand is read plain
/// (K x N) or transposed (N x K); nullopt for any other indexing maps.
std::optional<bool> matmulRhsTransposed(mlir::linalg::LinalgOp op);

/// The small-M decision for a matmul `op` without batch dims: returns a
/// null op when it took the small-M kernel, `op` when it does not apply,
/// or, for a dynamic M, the copy of `op` in the branch for the other rows
/// (an scf.if on M picks the small-M kernel below the threshold at run
/// time), which the caller tiles as usual.
mlir::FailureOr<mlir::linalg::LinalgOp> tileSmallM(mlir::RewriterBase &rewriter,
                                                   mlir::linalg::LinalgOp op,
                                                   const TargetModel &target);

/// Vectorizes every tile of the small-M matmuls under `root` (their shapes
/// are static once the peeled bounds are folded).
mlir::LogicalResult vectorizeSmallMTiles(mlir::RewriterBase &rewriter,
                                         mlir::Operation *root, int64_t lanes);

} // namespace deepc::tiling

#endif // DEEPC_PASSES_TILEUTILS_H
