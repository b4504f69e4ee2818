//===- LowerNNReductions.cpp - nn reductions, argmax and softmax ----------===//
//
// Reductions start from the identity of their combiner (0, -inf, +inf) and
// drop the reduced dims; `keepdims` re-inserts them with expand_shape. Float
// sums carry fastmath<reassoc>: LLVM then keeps several partial sums in
// vector registers instead of adding each element to one scalar after the
// other (a chain of dependent adds, 17% of the STREAM triad's bandwidth in
// bench/RESULTS.md), so their last bits depend on that order.
// Softmax and log_softmax subtract the maximum before exp.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

namespace {
enum class Kind { Sum, Mean, Max, Min };
} // namespace

/// The identity of the combiner of `kind` for element type `type`: 0 for
/// sums, -inf (or the least integer) for max, +inf (or the greatest) for min.
static Value identity(OpBuilder &b, Location loc, Kind kind, Type type) {
  if (kind == Kind::Sum || kind == Kind::Mean)
    return scalarConstant(b, loc, type, 0.0);
  bool isMax = kind == Kind::Max;
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(floatType, APFloat::getInf(floatType.getFloatSemantics(),
                                                  /*Negative=*/isMax)));
  unsigned width = type.getIntOrFloatBitWidth();
  APInt bound =
      isMax ? APInt::getSignedMinValue(width) : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, bound));
}

static Value combine(OpBuilder &b, Location loc, Kind kind, Value x,
                     Value acc) {
  switch (kind) {
  case Kind::Sum:
  case Kind::Mean:
    if (isa<FloatType>(x.getType()))
      return arith::AddFOp::create(b, loc, x, acc,
                                   arith::FastMathFlags::reassoc);
    return addScalar(b, loc, x, acc);
  case Kind::Max:
    return maxScalar(b, loc, x, acc);
  case Kind::Min:
    return minScalar(b, loc, x, acc);
  }
  llvm_unreachable("unknown reduction kind");
}

/// The type and run-time sizes of `input` without the dims in `axes`.
static std::pair<RankedTensorType, SmallVector<OpFoldResult>>
reducedShape(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (llvm::is_contained(axes, d))
      continue;
    shape.push_back(type.getDimSize(d));
    sizes.push_back(tensor::getMixedSize(b, loc, input, d));
  }
  return {RankedTensorType::get(shape, type.getElementType()), sizes};
}

/// The iterator types of a loop nest of `rank` dims reducing `axes`.
static SmallVector<utils::IteratorType> iterators(int64_t rank,
                                                  ArrayRef<int64_t> axes) {
  SmallVector<utils::IteratorType> types(rank, utils::IteratorType::parallel);
  for (int64_t axis : axes)
    types[axis] = utils::IteratorType::reduction;
  return types;
}

/// A `linalg.generic` reducing `input` over `axes` with the combiner of
/// `kind` (a generic rather than `linalg.reduce`, so that deepc-fuse can
/// fuse the elementwise op that computes `input` into it: `sum(x * x)`
/// then reads x once and writes nothing but the sums).
static Value reduceOnce(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> axes, Kind kind) {
  auto [type, sizes] = reducedShape(b, loc, input, axes);
  Value init = filledTensor(b, loc, type, sizes,
                            identity(b, loc, kind, type.getElementType()));
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank),
                                 dropDimsMap(b.getContext(), rank, axes)};
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{input}, ValueRange{init}, maps,
      iterators(rank, axes),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                combine(nb, nloc, kind, args[0], args[1]));
      });
  return op.getResult(0);
}

/// The passes of a float sum over `axes` of a tensor of `shape`, as groups
/// of the original dims, in order: the reduced dims but the innermost from
/// the innermost out, then the innermost dim of the tensor if it is
/// reduced (so the first passes run along the contiguous dim with
/// independent accumulators, which LLVM vectorizes). Neighbours in that
/// order share a pass while their static sizes multiply to at most
/// kMergeUpTo (a dim of size 1 always joins one); a dynamic dim (the batch)
/// has a pass of its own.
static constexpr int64_t kMergeUpTo = 16;
static SmallVector<SmallVector<int64_t>> sumPasses(ArrayRef<int64_t> shape,
                                                   ArrayRef<int64_t> axes) {
  int64_t last = static_cast<int64_t>(shape.size()) - 1;
  SmallVector<int64_t> order;
  for (int64_t axis : llvm::reverse(axes))
    if (axis != last)
      order.push_back(axis);
  if (llvm::is_contained(axes, last))
    order.push_back(last);
  SmallVector<SmallVector<int64_t>> passes;
  int64_t product = 1; // of the last pass's sizes, -1 when one is dynamic
  for (int64_t axis : order) {
    int64_t size = ShapedType::isDynamic(shape[axis]) ? -1 : shape[axis];
    bool join = !passes.empty() &&
                (size == 1 || product == 1 ||
                 (size > 0 && product > 0 && product * size <= kMergeUpTo));
    if (!join) {
      passes.emplace_back();
      product = 1;
    }
    passes.back().push_back(axis);
    product = product < 0 || size < 0 ? -1 : product * size;
  }
  return passes;
}

/// `input` reduced over `axes` with the combiner of `kind`.
///
/// A float sum is a cascade of passes (sumPasses), each reducing one or a
/// few dims of the last one's result into partial sums: `sum(x, axis = (0,
/// 2, 3))` of [N, C, H, W] sums each column of 28 rows (H), then the N
/// partials of each (c, w), then the 28 of each channel (W), where one
/// running sum per element of the result would add N H W = 25,088 values
/// one after the other. The rounding error of a running sum grows with its
/// length, so each value now takes at most a few dozen adds (the longest
/// dim) where it took thousands: as accurate as PyTorch's cascade sums on
/// batchnorm statistics and bias gradients, whose training drifted from a
/// float64 twin without it (test/e2e/norm/stem-sum.test). The first pass
/// reads the whole input (and the elementwise producer that deepc-fuse puts
/// into it); each later one reads a tensor a dim's size smaller.
///
/// Maximum, minimum and integer sums are exact in any order: the outer
/// dims are reduced first, into one partial result per inner index, then
/// the inner dim, so that the first loop nest runs along the contiguous
/// inner dim (one nest over all the axes would combine every element into
/// one scalar, each step waiting for the last).
static Value reduce(OpBuilder &b, Location loc, Value input,
                    ArrayRef<int64_t> axes, Kind kind) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t last = type.getRank() - 1;
  if (axes.size() < 2)
    return reduceOnce(b, loc, input, axes, kind);
  if (kind != Kind::Max && kind != Kind::Min &&
      isa<FloatType>(type.getElementType())) {
    // The original dims still present in the partial result, in order.
    SmallVector<int64_t> present =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    Value partial = input;
    for (ArrayRef<int64_t> pass : sumPasses(type.getShape(), axes)) {
      SmallVector<int64_t> local;
      for (int64_t axis : pass)
        local.push_back(llvm::find(present, axis) - present.begin());
      llvm::sort(local);
      partial = reduceOnce(b, loc, partial, local, kind);
      for (int64_t d : llvm::reverse(local))
        present.erase(present.begin() + d);
    }
    return partial;
  }
  if (!llvm::is_contained(axes, last))
    return reduceOnce(b, loc, input, axes, kind);
  SmallVector<int64_t> outer;
  for (int64_t axis : axes)
    if (axis != last)
      outer.push_back(axis);
  Value partial = reduceOnce(b, loc, input, outer, kind);
  int64_t inner = last - static_cast<int64_t>(outer.size());
  return reduceOnce(b, loc, partial, {inner}, kind);
}

/// 1 / (the number of elements of `input` over `axes`), of float type
/// `type`, from run-time sizes.
static Value inverseCount(OpBuilder &b, Location loc, Value input,
                          ArrayRef<int64_t> axes, Type type) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t known = 1;
  Value dynamic;
  for (int64_t axis : axes) {
    if (!inputType.isDynamicDim(axis)) {
      known *= inputType.getDimSize(axis);
      continue;
    }
    Value dim = tensor::DimOp::create(b, loc, input, axis);
    dynamic = dynamic ? arith::MulIOp::create(b, loc, dynamic, dim) : dim;
  }
  Value count = scalarConstant(b, loc, type, static_cast<double>(known));
  if (dynamic) {
    Value asInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), dynamic);
    count = arith::MulFOp::create(b, loc, count,
                                  arith::SIToFPOp::create(b, loc, type, asInt));
  }
  return arith::DivFOp::create(b, loc, scalarConstant(b, loc, type, 1.0),
                               count);
}

namespace {

/// nn.reduce_{sum,mean,max,min} -> linalg.reduce (+ a scaling generic for
/// the mean, + expand_shape for keepdims).
template <typename OpTy, Kind kind>
struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    ArrayRef<int64_t> axes = op.getAxes();
    Value result = reduce(rewriter, loc, input, axes, kind);
    if (kind == Kind::Mean) {
      auto type = cast<RankedTensorType>(result.getType());
      Value scale =
          inverseCount(rewriter, loc, input, axes, type.getElementType());
      Value init = emptyTensor(rewriter, loc, type,
                               tensor::getMixedSizes(rewriter, loc, result));
      result = elementwise(rewriter, loc, init, result,
                           rewriter.getMultiDimIdentityMap(type.getRank()),
                           [&](OpBuilder &b, Location l, ValueRange args) {
                             return arith::MulFOp::create(b, l, args[0], scale);
                           });
    }
    if (op.getKeepdims())
      result = insertUnitDims(rewriter, loc, result, op.getType(), axes);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// nn.argmax -> one linalg.generic with a value and an index output; a
/// strictly greater element replaces the running maximum, so the first
/// maximum wins.
struct ArgmaxLowering : OpConversionPattern<nn::ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::ArgmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t axis = op.getAxis(), rank = inputType.getRank();
    Type elementType = inputType.getElementType();

    auto [valueType, sizes] = reducedShape(rewriter, loc, input, {axis});
    Value values =
        filledTensor(rewriter, loc, valueType, sizes,
                     identity(rewriter, loc, Kind::Max, elementType));
    auto indexType =
        RankedTensorType::get(valueType.getShape(), rewriter.getI64Type());
    Value indices =
        filledTensor(rewriter, loc, indexType, sizes,
                     scalarConstant(rewriter, loc, rewriter.getI64Type(), 0));

    AffineMap reduced = dropDimsMap(rewriter.getContext(), rank, {axis});
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, input,
        ValueRange{values, indices},
        {rewriter.getMultiDimIdentityMap(rank), reduced, reduced},
        iterators(rank, {axis}),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value greater = isa<FloatType>(elementType)
                              ? arith::CmpFOp::create(
                                    b, l, arith::CmpFPredicate::OGT, x, best)
                                    .getResult()
                              : arith::CmpIOp::create(
                                    b, l, arith::CmpIPredicate::sgt, x, best)
                                    .getResult();
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, greater, x, best),
                  arith::SelectOp::create(b, l, greater, index, bestIndex)});
        });
    Value result = generic.getResult(1);
    if (op.getKeepdims())
      result = insertUnitDims(rewriter, loc, result, op.getType(), {axis});
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// nn.softmax / nn.log_softmax: m = max(x), s = sum(exp(x - m)), then
/// exp(x - m) / s or (x - m) - log(s), each along `axis`.
template <typename OpTy, bool isLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    AffineMap identityMap = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = dropDimsMap(context, rank, {axis});

    Value max = reduce(rewriter, loc, x, {axis}, Kind::Max);
    auto [sumType, sizes] = reducedShape(rewriter, loc, x, {axis});
    Value zero = scalarConstant(rewriter, loc, type.getElementType(), 0.0);
    Value sumInit = filledTensor(rewriter, loc, sumType, sizes, zero);
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, sumType, ValueRange{x, max}, sumInit,
            {identityMap, reduced, reduced}, iterators(rank, {axis}),
            [](OpBuilder &b, Location l, ValueRange args) {
              Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
              Value e = math::ExpOp::create(b, l, shifted);
              linalg::YieldOp::create(
                  b, l, ValueRange{arith::AddFOp::create(b, l, e, args[2])});
            })
            .getResult(0);

    Value init = emptyTensor(rewriter, loc, type,
                             tensor::getMixedSizes(rewriter, loc, x));
    Value result = elementwise(
        rewriter, loc, init, {x, max, sum}, {identityMap, reduced, reduced},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
          if (isLog)
            return arith::SubFOp::create(b, l, shifted,
                                         math::LogOp::create(b, l, args[2]));
          return arith::DivFOp::create(b, l, math::ExpOp::create(b, l, shifted),
                                       args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void deepc::lowering::populateReductionPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<nn::ReduceSumOp, Kind::Sum>,
               ReduceLowering<nn::ReduceMeanOp, Kind::Mean>,
               ReduceLowering<nn::ReduceMaxOp, Kind::Max>,
               ReduceLowering<nn::ReduceMinOp, Kind::Min>, ArgmaxLowering,
               SoftmaxLowering<nn::SoftmaxOp, /*isLog=*/false>,
               SoftmaxLowering<nn::LogSoftmaxOp, /*isLog=*/true>>(
      patterns.getContext());
}
