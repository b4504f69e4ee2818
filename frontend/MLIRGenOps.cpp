//===- MLIRGenOps.cpp - Comparisons, norms, embeddings and slices ---------===//
//
// The built-ins that are compositions of nn ops, and the shape constructs
// with ops of their own:
//   - comparisons are nn.compare (bool results); `where` is nn.where;
//   - leaky_relu(x, a) is where(x > 0, x, a * x) (PyTorch's gradient of a
//     at 0);
//   - layernorm(x, eps) normalizes over the last dimension with the biased
//     variance, then scales and shifts by `.weight` and `.bias`
//     (nn.LayerNorm);
//   - embedding(ids, vocab, dim) is one_hot(ids, vocab) @ weight: its
//     gradient is the scatter-add of the output's adjoint into the rows
//     of the ids, and an id outside [0, vocab) reads a row of zeros;
//   - arange(n) is a constant [0, 1, ..., n-1] of i64;
//   - concat is nn.concat, a slice `x[i:j, k]` an nn.slice, then an
//     nn.reshape dropping the indexed dimensions.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "frontend/Sema.h"
#include "ir/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::Value;

Value MLIRGen::genCompare(const BinaryExpr &e) {
  Value lhs, rhs;
  // The element type hint is the result's (bool), not the operands'.
  if (!genPair(*e.lhs, *e.rhs, lhs, rhs))
    return nullptr;
  nn::ComparePredicate p;
  switch (e.op) {
  case BinaryOp::Lt:
    p = nn::ComparePredicate::LT;
    break;
  case BinaryOp::Le:
    p = nn::ComparePredicate::LE;
    break;
  case BinaryOp::Gt:
    p = nn::ComparePredicate::GT;
    break;
  case BinaryOp::Ge:
    p = nn::ComparePredicate::GE;
    break;
  case BinaryOp::Eq:
    p = nn::ComparePredicate::EQ;
    break;
  default:
    p = nn::ComparePredicate::NE;
    break;
  }
  return nn::CompareOp::create(builder, loc(e.getLoc()), p, lhs, rhs);
}

Value MLIRGen::genWhere(const CallExpr &call) {
  Value c = gen(*call.resolved[0]);
  if (!c)
    return nullptr;
  Value a, b;
  if (!genPair(*call.resolved[1], *call.resolved[2], a, b))
    return nullptr;
  return nn::WhereOp::create(builder, loc(call.getLoc()), c, a, b);
}

Value MLIRGen::genLeakyRelu(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  mlir::Type elem = mlir::getElementTypeOrSelf(x.getType());
  double slope = constNumber(call.resolved[1]).value_or(0.01);
  Value positive = nn::CompareOp::create(builder, l, nn::ComparePredicate::GT,
                                         x, constant(0, elem, l));
  Value scaled = nn::MulOp::create(builder, l, x, constant(slope, elem, l));
  return nn::WhereOp::create(builder, l, positive, x, scaled);
}

Value MLIRGen::genLayerNorm(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  auto type = llvm::cast<mlir::RankedTensorType>(x.getType());
  mlir::Type elem = type.getElementType();
  double eps =
      call.resolved[1] ? constNumber(call.resolved[1]).value_or(1e-5) : 1e-5;
  auto last = builder.getDenseI64ArrayAttr({type.getRank() - 1});
  auto keep = builder.getBoolAttr(true);
  Value mean = nn::ReduceMeanOp::create(builder, l, x, last, keep);
  Value centered = nn::SubOp::create(builder, l, x, mean);
  Value square = nn::MulOp::create(builder, l, centered, centered);
  Value var = nn::ReduceMeanOp::create(builder, l, square, last, keep);
  Value inv = nn::RsqrtOp::create(
      builder, l, nn::AddOp::create(builder, l, var, constant(eps, elem, l)));
  Value normed = nn::MulOp::create(builder, l, centered, inv);
  Value w = toCompute(scope.params.lookup(call.params[0].name));
  Value b = toCompute(scope.params.lookup(call.params[1].name));
  return nn::AddOp::create(builder, l, nn::MulOp::create(builder, l, normed, w),
                           b);
}

Value MLIRGen::genEmbedding(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  Value ids = gen(*call.resolved[0]);
  if (!ids)
    return nullptr;
  Value w = toCompute(scope.params.lookup(call.params[0].name));
  auto wType = llvm::cast<mlir::RankedTensorType>(w.getType());
  auto idsType = llvm::cast<mlir::RankedTensorType>(ids.getType());
  // nn.embedding takes ids of rank >= 1: one id is a batch of one.
  if (idsType.getRank() == 0)
    ids = nn::ReshapeOp::create(
        builder, l, mlir::RankedTensorType::get({1}, idsType.getElementType()),
        ids);
  Value rows = nn::EmbeddingOp::create(builder, l, ids, w);
  if (idsType.getRank() == 0)
    rows = nn::ReshapeOp::create(
        builder, l,
        mlir::RankedTensorType::get({wType.getDimSize(1)},
                                    wType.getElementType()),
        rows);
  return rows;
}

Value MLIRGen::genArange(const CallExpr &call) {
  int64_t n = constInt(call.resolved[0]).value_or(1);
  auto type = mlir::RankedTensorType::get({n}, builder.getI64Type());
  llvm::SmallVector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i)
    values[i] = i;
  auto attr = mlir::DenseElementsAttr::get(type, llvm::ArrayRef(values));
  return nn::ConstantOp::create(builder, loc(call.getLoc()),
                                llvm::cast<mlir::ElementsAttr>(attr));
}

Value MLIRGen::genConcat(const CallExpr &call) {
  llvm::SmallVector<Value, 4> inputs;
  size_t n = call.resolved.size() - 1;
  for (size_t i = 0; i < n; ++i) {
    Value v = gen(*call.resolved[i]);
    if (!v)
      return nullptr;
    auto type = llvm::cast<mlir::RankedTensorType>(v.getType());
    if (type.isDynamicDim(call.axes[0]))
      return unsupported(call.resolved[i]->getLoc(),
                         "'concat' along a dimension known only at run time");
    inputs.push_back(v);
  }
  return nn::ConcatOp::create(builder, loc(call.getLoc()), inputs,
                              int64_t(call.axes[0]));
}

Value MLIRGen::genIndex(const IndexExpr &e) {
  mlir::Location l = loc(e.getLoc());
  Value x = gen(*e.base);
  if (!x)
    return nullptr;
  auto type = llvm::cast<mlir::RankedTensorType>(x.getType());
  llvm::SmallVector<int64_t, 4> offsets, sizes, kept;
  bool dropsAny = false, identity = true;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    const IndexExpr::DimSlice &s = e.slices[d];
    const Subscript *sub =
        d < (int64_t)e.subscripts.size() ? &e.subscripts[d] : nullptr;
    bool whole = !sub || (sub->isSlice && !sub->lo && !sub->hi);
    if (whole) {
      offsets.push_back(0);
      sizes.push_back(-1);
      kept.push_back(type.getDimSize(d));
      continue;
    }
    if (type.isDynamicDim(d))
      return unsupported(sub->range.Start,
                         "a subscript of a dimension known only at run time "
                         "(only ':' is)");
    // Sema normalized the bounds of static dimensions.
    offsets.push_back(s.begin);
    sizes.push_back(s.end - s.begin);
    identity &= s.begin == 0 && s.end - s.begin == type.getDimSize(d);
    if (s.dropped)
      dropsAny = true;
    else
      kept.push_back(s.end - s.begin);
  }
  Value v = x;
  if (!identity)
    v = nn::SliceOp::create(builder, l, x, offsets, sizes);
  if (!dropsAny)
    return v;
  if (llvm::count(kept, mlir::ShapedType::kDynamic) > 1)
    return unsupported(e.getLoc(), "an integer subscript of a tensor with "
                                   "several dimensions known only at run time");
  return nn::ReshapeOp::create(
      builder, l, mlir::RankedTensorType::get(kept, type.getElementType()), v);
}

/// `lstm(x, H)` / `gru(x, H)`: the input projection of every step at once,
/// `nn.dense(x, weight_ih_l0, bias_ih_l0)` (one large matmul, whose gradient
/// rule gives x's, W_ih's and b_ih's adjoints), then the recurrence,
/// `nn.lstm` / `nn.gru` on it with `weight_hh_l0` and `bias_hh_l0`.
Value MLIRGen::genRecurrent(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  auto param = [&](unsigned i) {
    return toCompute(scope.params.lookup(call.params[i].name));
  };
  Value projected = nn::DenseOp::create(builder, l, x, param(0), param(2));
  if (call.builtin == Builtin::Lstm)
    return nn::LstmOp::create(builder, l, projected, param(1), param(3),
                              call.reverse)
        .getResult();
  return nn::GruOp::create(builder, l, projected, param(1), param(3),
                           call.reverse)
      .getResult();
}
