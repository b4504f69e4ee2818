//===- NNGradients.cpp - Gradient rules of the other nn ops ---------------===//
//
// Contractions, reductions, softmax, shapes and losses. The elementwise
// family and the shared helpers are in NNGradientsElementwise.cpp.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace deepc::nn;

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

/// `x` with its last two dimensions swapped.
static Value transposeLast2(OpBuilder &b, Location loc, Value x) {
  int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
  SmallVector<int64_t> perm = allAxes(rank);
  std::swap(perm[rank - 1], perm[rank - 2]);
  return TransposeOp::create(b, loc, x, perm);
}

/// C = A @ B: dA = dC @ B^T, dB = A^T @ dC, each summed over the batch
/// dimensions its operand was broadcast along.
LogicalResult MatmulOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                             SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Location loc = getLoc();
  Value lhs = getLhs(), rhs = getRhs();
  Value dl = MatmulOp::create(b, loc, g, transposeLast2(b, loc, rhs));
  Value dr = MatmulOp::create(b, loc, transposeLast2(b, loc, lhs), g);
  out.push_back(gb.sumToType(dl, lhs.getType()));
  out.push_back(gb.sumToType(dr, rhs.getType()));
  return success();
}

/// `x[..., n]` as a matrix `[rows, n]` (a vector becomes one row).
static Value asMatrix(GradientBuilder &gb, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() == 2)
    return x;
  int64_t rows = 1;
  for (int64_t d : type.getShape().drop_back())
    rows = ShapedType::isDynamic(d) || ShapedType::isDynamic(rows)
               ? ShapedType::kDynamic
               : rows * d;
  return gb.reshape(x, RankedTensorType::get({rows, type.getShape().back()},
                                             type.getElementType()));
}

/// y = x @ w^T + b: dx = dy @ w, dw = dy^T @ x over all rows, db = the sum
/// of dy over all rows.
LogicalResult DenseOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                            SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Location loc = getLoc();
  Value x = getInput(), w = getWeight();
  Value g2 = asMatrix(gb, g), x2 = asMatrix(gb, x);
  // dy[..., out] @ w[out, in] keeps the leading dims; a vector goes as a row.
  bool vector = cast<RankedTensorType>(g.getType()).getRank() == 1;
  Value dx = MatmulOp::create(b, loc, vector ? g2 : g, w);
  out.push_back(gb.sumToType(dx, x.getType()));
  Value dw =
      MatmulOp::create(b, loc, TransposeOp::create(b, loc, g2, {1, 0}), x2);
  out.push_back(gb.sumToType(dw, w.getType()));
  if (Value bias = getBias())
    out.push_back(
        gb.sumToType(gb.sum(g2, {0}, /*keepdims=*/false), bias.getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// The adjoint of a reduction's result broadcast back to its input (over
/// the reduced axes, which are gone unless `keepdims`).
template <typename OpTy>
static Value broadcastBack(GradientBuilder &gb, OpTy op, Value reduced) {
  if (op.getKeepdims())
    return gb.broadcastTo(reduced, op.getInput());
  return gb.broadcastTo(reduced, op.getInput(), op.getAxes());
}

LogicalResult ReduceSumOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(broadcastBack(gb, *this, g));
  return success();
}

LogicalResult ReduceMeanOp::buildOperandAdjoints(OpBuilder &b,
                                                 ValueRange adjoints,
                                                 SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(gb.mul(broadcastBack(gb, *this, g),
                       gb.inverseCount(getInput(), getAxes())));
  return success();
}

/// max/min over axes as torch.amax/amin: the gradient is shared evenly
/// among the elements equal to the extremum.
template <typename OpTy>
static void buildExtremumAdjoint(OpBuilder &b, OpTy op, ValueRange adjoints,
                                 SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, op, adjoints);
  Value x = op.getInput();
  Value hit =
      gb.cmp(ComparePredicate::EQ, x, broadcastBack(gb, op, op.getResult()));
  Value mask = gb.where(hit, gb.cst(1.0), gb.cst(0.0));
  Value count = gb.sum(mask, op.getAxes(), /*keepdims=*/true);
  out.push_back(gb.div(gb.mul(mask, broadcastBack(gb, op, g)), count));
}

LogicalResult ReduceMaxOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  buildExtremumAdjoint(b, *this, adjoints, out);
  return success();
}

LogicalResult ReduceMinOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  buildExtremumAdjoint(b, *this, adjoints, out);
  return success();
}

/// y = softmax(x): dx = y * (dy - sum(dy * y)).
LogicalResult SoftmaxOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                              SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value y = getResult();
  int64_t axis = getAxis();
  Value dot = gb.sum(gb.mul(g, y), {axis}, /*keepdims=*/true);
  out.push_back(gb.mul(y, gb.sub(g, dot)));
  return success();
}

/// y = log_softmax(x): dx = dy - exp(y) * sum(dy).
LogicalResult LogSoftmaxOp::buildOperandAdjoints(OpBuilder &b,
                                                 ValueRange adjoints,
                                                 SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  int64_t axis = getAxis();
  Value total = gb.sum(g, {axis}, /*keepdims=*/true);
  out.push_back(gb.sub(g, gb.mul(gb.exp(getResult()), total)));
  return success();
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                              SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  auto type = cast<RankedTensorType>(getInput().getType());
  if (type.getNumDynamicDims() > 1)
    return emitOpError("no gradient: reshaping back to ")
           << type << " needs more than one dynamic dimension";
  out.push_back(gb.reshape(g, type));
  return success();
}

LogicalResult TransposeOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  Value g = adjoints.front();
  ArrayRef<int64_t> perm = getPerm();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  out.push_back(TransposeOp::create(b, getLoc(), g, inverse));
  return success();
}

//===----------------------------------------------------------------------===//
// Embedding
//===----------------------------------------------------------------------===//

/// d weight = the adjoint's rows added into the rows the ids name; no
/// gradient for the ids.
LogicalResult EmbeddingOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  Value g = adjoints.front();
  out.push_back(nullptr);
  out.push_back(EmbeddingGradOp::create(b, getLoc(), getWeight().getType(), g,
                                        getIds()));
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

/// d logits = (softmax(logits) - one_hot(labels)) * dl / N.
LogicalResult
CrossEntropyOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                     SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Location loc = getLoc();
  Value logits = getLogits();
  auto type = cast<RankedTensorType>(logits.getType());
  Value p = SoftmaxOp::create(b, loc, logits, 1);
  Value onehot = OneHotOp::create(b, loc, type, getLabels());
  Value scale = gb.mul(g, gb.inverseCount(getLabels(), {0}));
  out.push_back(gb.mul(gb.sub(p, onehot), scale));
  out.push_back(nullptr);
  return success();
}

/// mean((a - b)^2): da = 2 (a - b) dl / n, db = -da (before reducing each
/// to its operand's shape).
LogicalResult MseOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value d = gb.sub(getLhs(), getRhs());
  int64_t rank = cast<RankedTensorType>(d.getType()).getRank();
  Value scale =
      gb.mul(gb.mul(g, gb.cst(2.0)), gb.inverseCount(d, allAxes(rank)));
  Value da = gb.mul(d, scale);
  out.push_back(gb.sumToType(da, getLhs().getType()));
  out.push_back(gb.sumToType(gb.neg(da), getRhs().getType()));
  return success();
}

/// mean(max(x, 0) - x y + log(1 + exp(-|x|))): dx = (sigmoid(x) - y) dl / n,
/// dy = -x dl / n.
LogicalResult
BceWithLogitsOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                      SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Value x = getLhs(), y = getRhs();
  Value d = gb.sub(SigmoidOp::create(b, getLoc(), x), y);
  int64_t rank = cast<RankedTensorType>(d.getType()).getRank();
  Value scale = gb.broadcastTo(gb.mul(g, gb.inverseCount(d, allAxes(rank))), d);
  out.push_back(gb.sumToType(gb.mul(d, scale), x.getType()));
  out.push_back(gb.sumToType(gb.mul(gb.neg(x), scale), y.getType()));
  return success();
}
