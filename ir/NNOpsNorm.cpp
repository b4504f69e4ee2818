//===- NNOpsNorm.cpp - Verifiers of batchnorm and dropout -----------------===//
//
// The ops that behave differently in training and inference
// (docs/DIALECT.md, "Training and inference").
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace deepc::nn;

/// The shape rules both batchnorm ops share: `input[N, C, ...]` of rank 2
/// to 4, per-channel operands `[C]`, a positive `eps`.
static LogicalResult verifyBatchNorm(Operation *op, Type input, Type channel,
                                     double eps) {
  auto x = cast<RankedTensorType>(input);
  auto w = cast<RankedTensorType>(channel);
  if (x.getRank() < 2 || x.getRank() > 4)
    return op->emitOpError("expects an input of rank 2 to 4 ([N, C, ...]), "
                           "got ")
           << x;
  if (w.getRank() != 1)
    return op->emitOpError("expects per-channel operands of rank 1, got ") << w;
  int64_t c = x.getDimSize(1);
  if (!ShapedType::isDynamic(c) && !w.isDynamicDim(0) && w.getDimSize(0) != c)
    return op->emitOpError("has ")
           << w.getDimSize(0) << " per-channel values for " << c
           << " channels (dimension 1)";
  if (!(eps > 0))
    return op->emitOpError("expects a positive eps, got ") << eps;
  return success();
}

LogicalResult BatchNormOp::verify() {
  return verifyBatchNorm(*this, getInput().getType(), getWeight().getType(),
                         getEps().convertToDouble());
}

LogicalResult BatchNormTrainOp::verify() {
  if (failed(verifyBatchNorm(*this, getInput().getType(), getWeight().getType(),
                             getEps().convertToDouble())))
    return failure();
  double m = getMomentum().convertToDouble();
  if (!(m >= 0 && m <= 1))
    return emitOpError("expects a momentum in [0, 1], got ") << m;
  return success();
}

LogicalResult DropoutOp::verify() {
  double p = getP().convertToDouble();
  if (!(p >= 0 && p < 1))
    return emitOpError("expects p in [0, 1), got ") << p;
  if (getElementTypeOrSelf(getCounter().getType()) !=
      getElementTypeOrSelf(getInput().getType()))
    return emitOpError("expects a counter of the input's element type");
  return success();
}
