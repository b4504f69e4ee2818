//===- NNGradientsNorm.cpp - Gradient rules of batchnorm and dropout ------===//
//
// Batch normalization, in both modes, and dropout. The running statistics
// are not trained: the training op gives them no adjoint.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace deepc::nn;

/// The axes a batchnorm reduces over: every one but the channel (1).
static SmallVector<int64_t> statAxes(Value input) {
  SmallVector<int64_t> axes =
      allAxes(cast<RankedTensorType>(input.getType()).getRank());
  axes.erase(axes.begin() + 1);
  return axes;
}

/// y = (x - m) s w + b with s = 1 / sqrt(v + eps), per channel:
/// dx = dy s w, dw = sum(dy (x - m)) s, db = sum(dy), dm = -db s w,
/// dv = -sum(dy (x - m)) w s^3 / 2.
LogicalResult BatchNormOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Location loc = getLoc();
  Value x = getInput(), w = getWeight();
  SmallVector<int64_t> axes = statAxes(x);
  auto perChannel = [&](Value c) { return gb.broadcastTo(c, x, axes); };
  Value s = RsqrtOp::create(
      b, loc, gb.add(getRunningVar(), gb.cst(getEps().convertToDouble())));
  Value sw = gb.mul(s, w);
  Value db = gb.sum(g, axes, /*keepdims=*/false);
  Value centred = gb.sub(x, perChannel(getRunningMean()));
  Value dyc = gb.sum(gb.mul(g, centred), axes, /*keepdims=*/false);
  out.push_back(gb.mul(g, perChannel(sw)));
  out.push_back(gb.mul(dyc, s));
  out.push_back(db);
  out.push_back(gb.neg(gb.mul(db, sw)));
  out.push_back(gb.mul(gb.mul(dyc, gb.cst(-0.5)), gb.mul(sw, gb.mul(s, s))));
  return success();
}

/// With the batch statistics, x^ = (x - mean) s, y = x^ w + b over the M
/// elements of each channel:
/// dx = w s (dy - sum(dy) / M - x^ sum(dy x^) / M), dw = sum(dy x^),
/// db = sum(dy).
LogicalResult
BatchNormTrainOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                       SmallVectorImpl<Value> &out) {
  if (!adjoints.front()) {
    out.append(getNumOperands(), Value());
    return success();
  }
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Location loc = getLoc();
  Value x = getInput(), w = getWeight();
  SmallVector<int64_t> axes = statAxes(x);
  auto perChannel = [&](Value c) { return gb.broadcastTo(c, x, axes); };
  Value mean = ReduceMeanOp::create(b, loc, x, axes, false);
  Value centred = gb.sub(x, perChannel(mean));
  Value var =
      ReduceMeanOp::create(b, loc, gb.mul(centred, centred), axes, false);
  Value s =
      RsqrtOp::create(b, loc, gb.add(var, gb.cst(getEps().convertToDouble())));
  Value xhat = gb.mul(centred, perChannel(s));
  Value db = gb.sum(g, axes, /*keepdims=*/false);
  Value dw = gb.sum(gb.mul(g, xhat), axes, /*keepdims=*/false);
  Value inner =
      gb.sub(gb.sub(g, gb.mul(perChannel(db), gb.inverseCount(x, axes))),
             gb.mul(gb.mul(xhat, perChannel(dw)), gb.inverseCount(x, axes)));
  out.push_back(gb.mul(inner, perChannel(gb.mul(s, w))));
  out.push_back(dw);
  out.push_back(db);
  out.push_back(nullptr);
  out.push_back(nullptr);
  return success();
}

/// The mask depends on the counter and the element's index only, so the
/// adjoint is the same dropout of the result's adjoint.
LogicalResult DropoutOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                              SmallVectorImpl<Value> &out) {
  out.push_back(DropoutOp::create(b, getLoc(), adjoints.front(), getCounter(),
                                  getPAttr(), getSeedAttr(), getStreamAttr()));
  out.push_back(nullptr);
  return success();
}
