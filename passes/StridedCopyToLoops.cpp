//===- StridedCopyToLoops.cpp - Strided memref.copy as linalg.copy --------===//
//
// deepc-strided-copy-to-loops (passes/Passes.td): a copy from or to a
// subview becomes linalg.copy, lowered to loops later, instead of a call of
// the runner library's memrefCopy.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace deepc {
#define GEN_PASS_DEF_STRIDEDCOPYTOLOOPSPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;

static bool isContiguous(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getLayout().isIdentity();
}

namespace {
struct StridedCopyToLoopsPass
    : deepc::impl::StridedCopyToLoopsPassBase<StridedCopyToLoopsPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource()) || !isContiguous(copy.getTarget()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};
} // namespace
