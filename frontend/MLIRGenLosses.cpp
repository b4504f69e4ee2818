//===- MLIRGenLosses.cpp - The losses -------------------------------------===//
//
// `cross_entropy` (without options), `mse` and `bce_with_logits` are ops of
// their own (docs/DIALECT.md). The others are compositions of `nn` ops,
// each of which has its gradient rule, as `layernorm` is; they follow
// PyTorch's definitions with mean reduction:
//
//   l1_loss(a, b)          = mean(|a - b|)
//   huber(a, b, delta)     = mean(|d| < delta ? d^2 / 2
//                                             : delta (|d| - delta / 2)),
//                            d = a - b
//   cross_entropy(x, y, weight = w, ignore_index = k, label_smoothing = e)
//   nll(logp, y, weight = w, ignore_index = k)
//                          = -sum_i m_i sum_c w_c q_ic logp_ic / D
//
// where logp = log_softmax(x) for cross_entropy, q = (1 - e) one_hot(y) +
// e / C (or, for soft targets, the given probabilities smoothed alike),
// m_i = (y_i != k) (else 1), w_c = 1 without weights, and D = sum_i m_i
// w_{y_i} for labels, N for probabilities (PyTorch's normalization of
// weighted and ignored samples; with neither, D = N).
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "frontend/Sema.h"
#include "ir/NNOps.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::Value;

Value MLIRGen::meanAll(Value x, mlir::Location l) {
  int64_t rank = llvm::cast<mlir::RankedTensorType>(x.getType()).getRank();
  if (rank == 0)
    return x;
  return nn::ReduceMeanOp::create(builder, l, x,
                                  builder.getDenseI64ArrayAttr(llvm::to_vector(
                                      llvm::seq<int64_t>(0, rank))),
                                  builder.getBoolAttr(false));
}

Value MLIRGen::genLoss(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  bool classes =
      call.builtin == Builtin::CrossEntropy || call.builtin == Builtin::Nll;
  Value a, b;
  if (classes) {
    // Integer labels or f32 probabilities: no literal to type.
    a = gen(*call.resolved[0]);
    b = a ? gen(*call.resolved[1]) : Value();
    if (!b)
      return nullptr;
  } else if (!genPair(*call.resolved[0], *call.resolved[1], a, b)) {
    return nullptr;
  }
  if (&call == logitsCall)
    logits = a;
  mlir::Type elem = mlir::getElementTypeOrSelf(a.getType());
  switch (call.builtin) {
  case Builtin::CrossEntropy:
  case Builtin::Nll: {
    bool plain =
        call.builtin == Builtin::CrossEntropy &&
        llvm::isa<mlir::IntegerType>(mlir::getElementTypeOrSelf(b.getType())) &&
        llvm::all_of(llvm::drop_begin(call.resolved, 2),
                     [](Expr *e) { return e == nullptr; });
    if (plain)
      return nn::CrossEntropyOp::create(builder, l, a, b);
    return genClassLoss(call, a, b);
  }
  case Builtin::Mse:
    return nn::MseOp::create(builder, l, a, b);
  case Builtin::BceWithLogits:
    return nn::BceWithLogitsOp::create(builder, l, a, b);
  case Builtin::L1Loss:
    return meanAll(
        nn::AbsOp::create(builder, l, nn::SubOp::create(builder, l, a, b)), l);
  case Builtin::Huber: {
    double delta =
        call.resolved[2] ? constNumber(call.resolved[2]).value_or(1.0) : 1.0;
    Value d = nn::SubOp::create(builder, l, a, b);
    Value ad = nn::AbsOp::create(builder, l, d);
    Value small = nn::CompareOp::create(builder, l, nn::ComparePredicate::LT,
                                        ad, constant(delta, elem, l));
    Value quadratic =
        nn::MulOp::create(builder, l, nn::MulOp::create(builder, l, d, d),
                          constant(0.5, elem, l));
    Value linear = nn::MulOp::create(
        builder, l,
        nn::SubOp::create(builder, l, ad, constant(delta / 2, elem, l)),
        constant(delta, elem, l));
    return meanAll(nn::WhereOp::create(builder, l, small, quadratic, linear),
                   l);
  }
  default:
    llvm_unreachable("not a loss");
  }
}

Value MLIRGen::genClassLoss(const CallExpr &call, Value input, Value target) {
  mlir::Location l = loc(call.getLoc());
  auto type = llvm::cast<mlir::RankedTensorType>(input.getType());
  mlir::Type elem = type.getElementType();
  int64_t classes = type.getDimSize(1);
  bool ce = call.builtin == Builtin::CrossEntropy;
  auto arg = [&](unsigned i) -> const Expr * {
    return i < call.resolved.size() ? call.resolved[i] : nullptr;
  };
  bool soft =
      llvm::isa<mlir::FloatType>(mlir::getElementTypeOrSelf(target.getType()));
  double eps = ce && arg(4) ? constNumber(arg(4)).value_or(0) : 0;
  auto axis = [&](int64_t a) { return builder.getDenseI64ArrayAttr({a}); };
  auto noKeep = builder.getBoolAttr(false);

  Value logp =
      ce ? Value(nn::LogSoftmaxOp::create(builder, l, input, 1)) : input;
  Value onehot =
      soft ? Value() : Value(nn::OneHotOp::create(builder, l, type, target));
  Value q = soft ? target : onehot;
  if (eps > 0)
    q = nn::AddOp::create(
        builder, l,
        nn::MulOp::create(builder, l, q, constant(1 - eps, elem, l)),
        constant(eps / double(classes), elem, l));
  Value weights;
  if (const Expr *w = arg(2)) {
    llvm::SmallVector<llvm::APFloat> values;
    auto elements = llvm::isa<ListExpr>(w)
                        ? llvm::ArrayRef(llvm::cast<ListExpr>(w)->elements)
                        : llvm::ArrayRef(llvm::cast<TupleExpr>(w)->elements);
    auto f = llvm::cast<mlir::FloatType>(elem);
    for (const ExprPtr &e : elements) {
      llvm::APFloat v(constNumber(e.get()).value_or(0));
      bool lost;
      v.convert(f.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
      values.push_back(v);
    }
    auto wtype = mlir::RankedTensorType::get({1, classes}, elem);
    weights = nn::ConstantOp::create(
        builder, l,
        llvm::cast<mlir::ElementsAttr>(
            mlir::DenseElementsAttr::get(wtype, values)));
  }

  Value terms = nn::MulOp::create(builder, l, q, logp);
  if (weights)
    terms = nn::MulOp::create(builder, l, terms, weights);
  Value perSample = nn::ReduceSumOp::create(builder, l, terms, axis(1), noKeep);

  // The denominator: N, or the weights of the samples that count.
  Value count;
  if (!soft && (weights || arg(3))) {
    if (weights)
      count = nn::ReduceSumOp::create(
          builder, l, nn::MulOp::create(builder, l, onehot, weights), axis(1),
          noKeep);
    if (const Expr *k = arg(3)) {
      mlir::Type labelType = mlir::getElementTypeOrSelf(target.getType());
      Value keep = nn::CompareOp::create(
          builder, l, nn::ComparePredicate::NE, target,
          constant(double(constInt(k).value_or(0)), labelType, l));
      Value mask = nn::WhereOp::create(builder, l, keep, constant(1, elem, l),
                                       constant(0, elem, l));
      perSample = nn::MulOp::create(builder, l, perSample, mask);
      count = count ? Value(nn::MulOp::create(builder, l, count, mask)) : mask;
    }
  }
  Value loss;
  if (count)
    loss = nn::DivOp::create(
        builder, l,
        nn::ReduceSumOp::create(builder, l, perSample, axis(0), noKeep),
        nn::ReduceSumOp::create(builder, l, count, axis(0), noKeep));
  else
    loss = nn::ReduceMeanOp::create(builder, l, perSample, axis(0), noKeep);
  return nn::NegOp::create(builder, l, loss);
}
