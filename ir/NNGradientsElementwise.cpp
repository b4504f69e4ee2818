//===- NNGradientsElementwise.cpp - Gradient rules of elementwise ops -----===//
//
// The helpers every rule shares (GradientBuilder), and the rules of the
// elementwise family: binary ops with broadcasting (an operand's adjoint is
// summed over the dimensions it was broadcast along), unary ops, where and
// broadcast_to. Each rule follows PyTorch's derivatives.yaml.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace deepc::nn;

//===----------------------------------------------------------------------===//
// GradientBuilder
//===----------------------------------------------------------------------===//

SmallVector<int64_t> deepc::nn::allAxes(int64_t rank) {
  return llvm::to_vector(llvm::seq<int64_t>(0, rank));
}

Value GradientBuilder::cst(double value) {
  auto type = RankedTensorType::get({}, elementType);
  auto floatType = cast<FloatType>(elementType);
  return ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, b.getFloatAttr(floatType, value)));
}

Value GradientBuilder::broadcastTo(Value x, Value like,
                                   std::optional<ArrayRef<int64_t>> axes) {
  if (!axes && x.getType() == like.getType())
    return x;
  return BroadcastToOp::create(b, loc, x, like,
                               axes ? *axes : ArrayRef<int64_t>());
}

Value GradientBuilder::reshape(Value x, RankedTensorType type) {
  if (x.getType() == type)
    return x;
  return ReshapeOp::create(b, loc, type, x);
}

Value GradientBuilder::sumToType(Value grad, Type type,
                                 std::optional<ArrayRef<int64_t>> addedAxes) {
  auto target = cast<RankedTensorType>(type);
  auto from = cast<RankedTensorType>(grad.getType());
  if (from.getRank() < target.getRank())
    return reshape(grad, target); // not a broadcast; the pass reports it
  SmallVector<int64_t> added;
  if (addedAxes)
    added.assign(addedAxes->begin(), addedAxes->end());
  else
    added = allAxes(from.getRank() - target.getRank());
  if (!added.empty())
    grad = sum(grad, added, /*keepdims=*/false);
  from = cast<RankedTensorType>(grad.getType());
  SmallVector<int64_t> stretched;
  for (int64_t d = 0; d < target.getRank(); ++d)
    if (target.getDimSize(d) == 1 && from.getDimSize(d) != 1)
      stretched.push_back(d);
  if (!stretched.empty())
    grad = sum(grad, stretched, /*keepdims=*/true);
  return reshape(grad, target);
}

Value GradientBuilder::inverseCount(Value like, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(like.getType());
  double known = 1;
  bool dynamic = false;
  for (int64_t axis : axes) {
    if (type.isDynamicDim(axis))
      dynamic = true;
    else
      known *= type.getDimSize(axis);
  }
  if (!dynamic)
    return cst(1.0 / known);
  Value ones = BroadcastToOp::create(b, loc, cst(1.0), like);
  return div(cst(1.0), sum(ones, axes, /*keepdims=*/true));
}

std::pair<Value, GradientBuilder>
deepc::nn::singleAdjoint(OpBuilder &b, Operation *op,
                         ValueRange resultAdjoints) {
  Value g = resultAdjoints.front();
  return {g, GradientBuilder(b, op, getElementTypeOrSelf(g.getType()))};
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

LogicalResult AddOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.sumToType(g, getLhs().getType()));
  out.push_back(gb.sumToType(g, getRhs().getType()));
  return success();
}

LogicalResult SubOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.sumToType(g, getLhs().getType()));
  out.push_back(gb.sumToType(gb.neg(g), getRhs().getType()));
  return success();
}

LogicalResult MulOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.sumToType(gb.mul(g, getRhs()), getLhs().getType()));
  out.push_back(gb.sumToType(gb.mul(g, getLhs()), getRhs().getType()));
  return success();
}

/// d(a/b) = g/b, -g*(a/b)/b.
LogicalResult DivOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.sumToType(gb.div(g, getRhs()), getLhs().getType()));
  Value rhs = gb.neg(gb.div(gb.mul(g, getResult()), getRhs()));
  out.push_back(gb.sumToType(rhs, getRhs().getType()));
  return success();
}

/// max/min as torch.maximum/minimum: the gradient goes to the operand that
/// wins, and is split in halves where the two are equal.
static void buildMaxMinAdjoints(OpBuilder &b, Operation *op,
                                ValueRange adjoints, ComparePredicate wins,
                                SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, op, adjoints);
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value tie = gb.where(gb.cmp(ComparePredicate::EQ, lhs, rhs), gb.cst(0.5),
                       gb.cst(0.0));
  Value share = gb.where(gb.cmp(wins, lhs, rhs), gb.cst(1.0), tie);
  out.push_back(gb.sumToType(gb.mul(g, share), lhs.getType()));
  out.push_back(
      gb.sumToType(gb.mul(g, gb.sub(gb.cst(1.0), share)), rhs.getType()));
}

LogicalResult MaxOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  buildMaxMinAdjoints(b, *this, adjoints, ComparePredicate::GT, out);
  return success();
}

LogicalResult MinOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  buildMaxMinAdjoints(b, *this, adjoints, ComparePredicate::LT, out);
  return success();
}

/// d(a**p) = g*p*a**(p-1) (0 where p == 0), g*(a**p)*log(a) (0 where a == 0
/// and p >= 0), as PyTorch's pow_backward_self / pow_backward_exponent.
LogicalResult PowOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value a = getLhs(), p = getRhs(), zero = gb.cst(0.0);
  Value lower = PowOp::create(b, getLoc(), a, gb.sub(p, gb.cst(1.0)));
  Value da = gb.where(gb.cmp(ComparePredicate::EQ, p, zero), zero,
                      gb.mul(g, gb.mul(p, lower)));
  out.push_back(gb.sumToType(da, a.getType()));
  Value dp = gb.mul(g, gb.mul(getResult(), LogOp::create(b, getLoc(), a)));
  Value atZero = gb.cmp(ComparePredicate::EQ, a, zero);
  Value nonNegative = gb.cmp(ComparePredicate::GE, p, zero);
  dp = gb.where(atZero, gb.where(nonNegative, zero, dp), dp);
  out.push_back(gb.sumToType(dp, p.getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

LogicalResult NegOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.neg(g));
  return success();
}

/// relu: the gradient passes where x > 0 (0 at x == 0, as PyTorch).
LogicalResult ReluOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                           SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value zero = gb.cst(0.0);
  out.push_back(
      gb.where(gb.cmp(ComparePredicate::GT, getInput(), zero), g, zero));
  return success();
}

/// tanh' = 1 - y^2.
LogicalResult TanhOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                           SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value y = getResult();
  out.push_back(gb.mul(g, gb.sub(gb.cst(1.0), gb.mul(y, y))));
  return success();
}

/// sigmoid' = y (1 - y).
LogicalResult SigmoidOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                              SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value y = getResult();
  out.push_back(gb.mul(g, gb.mul(y, gb.sub(gb.cst(1.0), y))));
  return success();
}

/// Exact gelu' = Phi(x) + x phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2,
/// phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
LogicalResult GeluOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                           SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value x = getInput();
  Value erf =
      ErfOp::create(b, getLoc(), gb.mul(x, gb.cst(llvm::numbers::inv_sqrt2)));
  Value cdf = gb.mul(gb.cst(0.5), gb.add(gb.cst(1.0), erf));
  Value pdf =
      gb.mul(gb.cst(llvm::numbers::inv_sqrtpi * llvm::numbers::inv_sqrt2),
             gb.exp(gb.mul(gb.cst(-0.5), gb.mul(x, x))));
  out.push_back(gb.mul(g, gb.add(cdf, gb.mul(x, pdf))));
  return success();
}

LogicalResult ExpOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.mul(g, getResult()));
  return success();
}

LogicalResult LogOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.div(g, getInput()));
  return success();
}

/// sqrt' = 1 / (2 y).
LogicalResult SqrtOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                           SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.div(g, gb.mul(gb.cst(2.0), getResult())));
  return success();
}

/// rsqrt' = -y^3 / 2.
LogicalResult RsqrtOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                            SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value y = getResult();
  out.push_back(gb.mul(g, gb.mul(gb.cst(-0.5), gb.mul(y, gb.mul(y, y)))));
  return success();
}

/// abs' = sign(x), 0 at 0.
LogicalResult AbsOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value x = getInput(), zero = gb.cst(0.0);
  Value sign = gb.where(
      gb.cmp(ComparePredicate::GT, x, zero), gb.cst(1.0),
      gb.where(gb.cmp(ComparePredicate::LT, x, zero), gb.cst(-1.0), zero));
  out.push_back(gb.mul(g, sign));
  return success();
}

/// erf' = 2 / sqrt(pi) exp(-x^2).
LogicalResult ErfOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value x = getInput();
  out.push_back(gb.mul(g, gb.mul(gb.cst(2 * llvm::numbers::inv_sqrtpi),
                                 gb.exp(gb.neg(gb.mul(x, x))))));
  return success();
}

//===----------------------------------------------------------------------===//
// where and broadcast_to
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                            SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value zero = gb.cst(0.0), c = getCondition();
  out.push_back(nullptr);
  out.push_back(gb.sumToType(gb.where(c, g, zero), getTrueValue().getType()));
  out.push_back(gb.sumToType(gb.where(c, zero, g), getFalseValue().getType()));
  return success();
}

LogicalResult BroadcastToOp::buildOperandAdjoints(OpBuilder &b,
                                                  ValueRange adjoints,
                                                  SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  SmallVector<int64_t> added;
  SmallVector<int64_t> kept = getInputToResultDims();
  for (int64_t d = 0; d < getType().getRank(); ++d)
    if (!llvm::is_contained(kept, d))
      added.push_back(d);
  out.push_back(gb.sumToType(g, getInput().getType(), ArrayRef(added)));
  out.push_back(nullptr);
  return success();
}
