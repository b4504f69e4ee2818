//===- LowerNNConv.cpp - Convolution and pooling to linalg ----------------===//
//
// nn.conv2d is one linalg.generic (see `convolve`) on the zero-padded input,
// starting from the broadcast bias; the pools are linalg.pooling_nchw_max/sum.
// The gradient ops:
//   - conv2d_grad_input: the adjoint spread out by the stride, framed by
//     KH-1, KW-1 zeros less the padding, and correlated (stride 1, by
//     `convolve`) with the weight read flipped in space and with its
//     channel dims swapped;
//   - conv2d_grad_weight: one linalg.generic reducing over N, OH, OW;
//   - the pools: for each kernel offset (a, b), a strided slice of the input
//     adjoint gets what the windows send to their element (a, b): the whole
//     adjoint where (a, b) is the window's first maximum, or the adjoint
//     over the window size. KH*KW passes over the output, the cost of the
//     forward pass, and windows may overlap.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

/// `[a, b]` as the `tensor<2xi64>` attribute of linalg's pooling ops.
static DenseIntElementsAttr pairAttr(OpBuilder &b, ArrayRef<int64_t> pair) {
  return DenseIntElementsAttr::get(RankedTensorType::get({2}, b.getI64Type()),
                                   pair);
}

/// Index attributes of `values`.
static SmallVector<OpFoldResult> indices(OpBuilder &b,
                                         ArrayRef<int64_t> values) {
  SmallVector<OpFoldResult> result;
  for (int64_t v : values)
    result.push_back(b.getIndexAttr(v));
  return result;
}

/// The sizes of the NCHW tensor of `type` whose batch is that of `like`.
static SmallVector<OpFoldResult> sizesLike(OpBuilder &b, Location loc,
                                           RankedTensorType type, Value like) {
  SmallVector<OpFoldResult> sizes = indices(b, type.getShape());
  sizes[0] = tensor::getMixedSize(b, loc, like, 0);
  return sizes;
}

static Value zeros(OpBuilder &b, Location loc, RankedTensorType type,
                   ArrayRef<OpFoldResult> sizes) {
  return filledTensor(b, loc, type, sizes,
                      scalarConstant(b, loc, type.getElementType(), 0.0));
}

/// A tensor of `type` (NCHW, batch of `x`) holding `x[n, c, i, j]` at
/// `(n, c, offset[0] + i * stride[0], offset[1] + j * stride[1])` and zeros
/// elsewhere: zero padding, or the spreading out of a strided adjoint. One
/// linalg.generic that gathers (tensor.extract where a source element
/// lands), so no strided copy and no shared zero tensor is written to.
static Value spread(OpBuilder &b, Location loc, Value x, RankedTensorType type,
                    ArrayRef<int64_t> offset, ArrayRef<int64_t> stride) {
  auto xType = cast<RankedTensorType>(x.getType());
  Value init = emptyTensor(b, loc, type, sizesLike(b, loc, type, x));
  return elementwise(
      b, loc, init, {}, {},
      [&](OpBuilder &nb, Location nloc, ValueRange) -> Value {
        auto cst = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, nloc, v);
        };
        Value zero = cst(0);
        Value inside;
        SmallVector<Value> at = {linalg::IndexOp::create(nb, nloc, 0),
                                 linalg::IndexOp::create(nb, nloc, 1)};
        for (int d = 0; d < 2; ++d) {
          // k = (index - offset) / stride, when that divides and is in
          // [0, size).
          Value shifted = arith::SubIOp::create(
              nb, nloc, linalg::IndexOp::create(nb, nloc, d + 2),
              cst(offset[d]));
          Value k = arith::DivSIOp::create(nb, nloc, shifted, cst(stride[d]));
          Value rem = arith::RemSIOp::create(nb, nloc, shifted, cst(stride[d]));
          Value ok = arith::AndIOp::create(
              nb, nloc,
              arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sge,
                                    shifted, zero),
              arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::eq, rem,
                                    zero));
          ok = arith::AndIOp::create(
              nb, nloc, ok,
              arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::slt, k,
                                    cst(xType.getDimSize(d + 2))));
          inside = inside ? arith::AndIOp::create(nb, nloc, inside, ok) : ok;
          at.push_back(k);
        }
        // Clamp the indices of positions outside, whose load is discarded.
        for (int d = 2; d < 4; ++d)
          at[d] = arith::SelectOp::create(nb, nloc, inside, at[d], zero);
        Value v = tensor::ExtractOp::create(nb, nloc, x, at);
        return arith::SelectOp::create(
            nb, nloc, inside, v,
            scalarConstant(nb, nloc, type.getElementType(), 0.0));
      });
}

/// `x` (NCHW) with `pad[0]` rows and `pad[1]` columns of zeros on each side.
static Value pad2d(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pad) {
  if (pad[0] == 0 && pad[1] == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += 2 * pad[0];
  shape[3] += 2 * pad[1];
  return spread(b, loc, x, RankedTensorType::get(shape, type.getElementType()),
                pad, {1, 1});
}

/// A 4-D loop nest's map reading a vector indexed by dimension `d`.
static AffineMap dimMap(MLIRContext *context, unsigned rank, unsigned d) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(d, context)}, context);
}

/// A loop nest `(n, c, i, j, a, b)`'s map reading the window element
/// `(n, c, i * stride[0] + a, j * stride[1] + b)`.
static AffineMap windowMap(MLIRContext *context, ArrayRef<int64_t> stride) {
  AffineExpr n, c, i, j, a, b;
  bindDims(context, n, c, i, j, a, b);
  return AffineMap::get(6, 0, {n, c, i * stride[0] + a, j * stride[1] + b},
                        context);
}

/// `init[n, o, i, j] + sum_{k, a, b} x[n, k, i s0 + a, j s1 + b] *
/// w[wIndex(o, k, a, b)]`: a convolution whose filter is read through
/// `wIndex` (the flip of conv2d_grad_input needs no copy). One
/// linalg.generic with loops (n, o, i, k, a, b, j): the innermost loop runs
/// along a row of the result and of `x`, a parallel loop that LLVM
/// vectorizes, where linalg.conv_2d_nchw_fchw's order (reductions inside)
/// stores the accumulator at every multiply-add. An operand of the kernel's
/// shape gives the loops a and b their sizes.
static Value
convolve(OpBuilder &b, Location loc, Value x, Value w, int64_t kh, int64_t kw,
         function_ref<SmallVector<AffineExpr>(AffineExpr, AffineExpr,
                                              AffineExpr, AffineExpr)>
             wIndex,
         Value init, ArrayRef<int64_t> stride) {
  MLIRContext *context = b.getContext();
  AffineExpr n, o, i, k, a, bb, j;
  bindDims(context, n, o, i, k, a, bb, j);
  Type elem = getElementTypeOrSelf(init.getType());
  Value window = tensor::EmptyOp::create(b, loc, {kh, kw}, elem);
  SmallVector<AffineMap> maps = {
      AffineMap::get(7, 0, {n, k, i * stride[0] + a, j * stride[1] + bb},
                     context),
      AffineMap::get(7, 0, wIndex(o, k, a, bb), context),
      AffineMap::get(7, 0, {a, bb}, context),
      AffineMap::get(7, 0, {n, o, i, j}, context)};
  using utils::IteratorType;
  SmallVector<IteratorType> iterators = {
      IteratorType::parallel,  IteratorType::parallel,  IteratorType::parallel,
      IteratorType::reduction, IteratorType::reduction, IteratorType::reduction,
      IteratorType::parallel};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x, w, window},
             ValueRange{init}, maps, iterators,
             [](OpBuilder &nb, Location nloc, ValueRange args) {
               Value product =
                   arith::MulFOp::create(nb, nloc, args[0], args[1]);
               linalg::YieldOp::create(nb, nloc,
                                       ValueRange{arith::AddFOp::create(
                                           nb, nloc, args[3], product)});
             })
      .getResult(0);
}

namespace {

struct Conv2dLowering : OpConversionPattern<nn::Conv2dOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::Conv2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value x = adaptor.getInput();
    SmallVector<OpFoldResult> sizes = sizesLike(rewriter, loc, type, x);
    Value init;
    if (Value bias = adaptor.getBias()) {
      MLIRContext *context = rewriter.getContext();
      init = elementwise(
          rewriter, loc, emptyTensor(rewriter, loc, type, sizes), bias,
          dimMap(context, 4, 1),
          [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    } else {
      init = zeros(rewriter, loc, type, sizes);
    }
    Value padded = pad2d(rewriter, loc, x, op.getPadding());
    auto wType = cast<RankedTensorType>(adaptor.getWeight().getType());
    rewriter.replaceOp(
        op, convolve(
                rewriter, loc, padded, adaptor.getWeight(), wType.getDimSize(2),
                wType.getDimSize(3),
                [](AffineExpr o, AffineExpr k, AffineExpr a, AffineExpr bb) {
                  return SmallVector<AffineExpr>{o, k, a, bb};
                },
                init, op.getStride()));
    return success();
  }
};

struct Conv2dGradInputLowering : OpConversionPattern<nn::Conv2dGradInputOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::Conv2dGradInputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    Value g = adaptor.getGrad(), w = adaptor.getWeight();
    auto gType = cast<RankedTensorType>(g.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    RankedTensorType type = op.getType();
    Type elem = type.getElementType();
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPadding();
    int64_t f = wType.getDimSize(0);
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);

    // The adjoint spread out by the stride in a frame of KH-1, KW-1 zeros,
    // from row and column (padding[0], padding[1]) of that frame on: only
    // the rows and columns of the unpadded input are computed.
    auto frameType = RankedTensorType::get({gType.getDimSize(0), f,
                                            type.getDimSize(2) + kh - 1,
                                            type.getDimSize(3) + kw - 1},
                                           elem);
    Value frame = spread(b, loc, g, frameType,
                         {kh - 1 - pad[0], kw - 1 - pad[1]}, stride);

    // Correlated with flipped[c, f, a, b] = w[f, c, KH-1-a, KW-1-b].
    Value init = zeros(b, loc, type, sizesLike(b, loc, type, g));
    rewriter.replaceOp(
        op, convolve(
                b, loc, frame, w, kh, kw,
                [&](AffineExpr o, AffineExpr k, AffineExpr a, AffineExpr bb) {
                  return SmallVector<AffineExpr>{k, o, kh - 1 - a, kw - 1 - bb};
                },
                init, {1, 1}));
    return success();
  }
};

struct Conv2dGradWeightLowering : OpConversionPattern<nn::Conv2dGradWeightOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::Conv2dGradWeightOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    MLIRContext *context = b.getContext();
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> stride = op.getStride();
    Value padded = pad2d(b, loc, adaptor.getInput(), op.getPadding());
    // dw[f, c, a, b] = sum_{n, i, j} g[n, f, i, j] * xpad[n, c, i s0 + a,
    // j s1 + b], loops (f, c, n, i, j, a, b): the kernel's loops innermost
    // are KH * KW independent multiply-adds (each element still sums over
    // n, i, j in order), where reductions innermost would be one chain of
    // dependent additions.
    AffineExpr f, c, a, bb, n, i, j;
    bindDims(context, f, c, n, i, j, a, bb);
    SmallVector<AffineMap> maps = {
        AffineMap::get(7, 0, {n, f, i, j}, context),
        AffineMap::get(7, 0, {n, c, i * stride[0] + a, j * stride[1] + bb},
                       context),
        AffineMap::get(7, 0, {f, c, a, bb}, context)};
    using utils::IteratorType;
    SmallVector<IteratorType> iterators = {
        IteratorType::parallel,  IteratorType::parallel,
        IteratorType::reduction, IteratorType::reduction,
        IteratorType::reduction, IteratorType::parallel,
        IteratorType::parallel};
    Value init = zeros(b, loc, type, indices(b, type.getShape()));
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{type}, ValueRange{adaptor.getGrad(), padded},
        ValueRange{init}, maps, iterators,
        [](OpBuilder &nb, Location nloc, ValueRange args) {
          Value product = arith::MulFOp::create(nb, nloc, args[0], args[1]);
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{arith::AddFOp::create(nb, nloc, args[2], product)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// The pools: linalg.pooling_nchw_max from -inf, or pooling_nchw_sum from
/// 0 times 1 / (KH KW).
template <typename OpTy, bool IsMax>
struct Pool2dLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    auto elem = cast<FloatType>(type.getElementType());
    Value x = adaptor.getInput();
    ArrayRef<int64_t> kernel = op.getKernel();
    Value window = tensor::EmptyOp::create(b, loc, kernel, elem);
    Value start =
        IsMax ? arith::ConstantOp::create(
                    b, loc,
                    b.getFloatAttr(
                        elem, APFloat::getInf(elem.getFloatSemantics(), true)))
              : scalarConstant(b, loc, elem, 0.0);
    Value init = filledTensor(b, loc, type, sizesLike(b, loc, type, x), start);
    Attribute strides = pairAttr(b, op.getStride());
    Attribute dilations = pairAttr(b, {1, 1});
    Value result;
    if (IsMax)
      result = linalg::PoolingNchwMaxOp::create(
                   b, loc, TypeRange{type}, ValueRange{x, window},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    else
      result = linalg::PoolingNchwSumOp::create(
                   b, loc, TypeRange{type}, ValueRange{x, window},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    if (!IsMax) {
      Value scale = scalarConstant(b, loc, elem, 1.0 / (kernel[0] * kernel[1]));
      result = elementwise(
          b, loc, emptyTensor(b, loc, type, sizesLike(b, loc, type, x)), result,
          b.getMultiDimIdentityMap(4),
          [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
            return arith::MulFOp::create(nb, nloc, args[0], scale);
          });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Adds to `acc[n, c, i s0 + a, j s1 + b]` (every a, b of the kernel)
/// `share(a, b, inputs at [n, c, i, j])`, inputs being `[N, C, OH, OW]`.
static Value scatterWindows(
    OpBuilder &b, Location loc, Value acc, ValueRange inputs,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
    function_ref<Value(OpBuilder &, Location, int64_t, int64_t, ValueRange)>
        share) {
  auto outType = cast<RankedTensorType>(inputs.back().getType());
  SmallVector<OpFoldResult> sizes = sizesLike(b, loc, outType, inputs.back());
  SmallVector<AffineMap> maps(inputs.size(), b.getMultiDimIdentityMap(4));
  for (int64_t a = 0; a < kernel[0]; ++a) {
    for (int64_t c = 0; c < kernel[1]; ++c) {
      SmallVector<OpFoldResult> offsets = indices(b, {0, 0, a, c});
      SmallVector<OpFoldResult> strides =
          indices(b, {1, 1, stride[0], stride[1]});
      Value slice = tensor::ExtractSliceOp::create(b, loc, outType, acc,
                                                   offsets, sizes, strides);
      Value sum = elementwise(
          b, loc, slice, inputs, maps,
          [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
            Value add = share(nb, nloc, a, c, args.drop_back());
            return arith::AddFOp::create(nb, nloc, args.back(), add);
          });
      acc = tensor::InsertSliceOp::create(b, loc, sum, acc, offsets, sizes,
                                          strides);
    }
  }
  return acc;
}

struct MaxPool2dGradLowering : OpConversionPattern<nn::MaxPool2dGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::MaxPool2dGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    MLIRContext *context = b.getContext();
    Value g = adaptor.getGrad(), x = adaptor.getInput();
    auto gType = cast<RankedTensorType>(g.getType());
    auto elem = cast<FloatType>(gType.getElementType());
    ArrayRef<int64_t> kernel = op.getKernel(), stride = op.getStride();
    SmallVector<OpFoldResult> sizes = sizesLike(b, loc, gType, g);

    // The first maximum of each window, as a * KW + b: strictly greater
    // replaces (or NaN, which PyTorch's max pooling propagates).
    auto indexType = gType.clone(b.getI64Type());
    Value minusInf = arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(elem, APFloat::getInf(elem.getFloatSemantics(), true)));
    Value best = filledTensor(b, loc, gType, sizes, minusInf);
    Value where = filledTensor(b, loc, indexType, sizes,
                               scalarConstant(b, loc, b.getI64Type(), 0));
    Value window = tensor::EmptyOp::create(b, loc, kernel, elem);
    AffineExpr n, c, i, j, a, bb;
    bindDims(context, n, c, i, j, a, bb);
    SmallVector<AffineMap> maps = {windowMap(context, stride),
                                   AffineMap::get(6, 0, {a, bb}, context),
                                   AffineMap::get(6, 0, {n, c, i, j}, context),
                                   AffineMap::get(6, 0, {n, c, i, j}, context)};
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    int64_t kw = kernel[1];
    auto argmax = linalg::GenericOp::create(
        b, loc, TypeRange{gType, indexType}, ValueRange{x, window},
        ValueRange{best, where}, maps, iterators,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value v = args[0], cur = args[2], idx = args[3];
          Value greater = arith::CmpFOp::create(
              nb, nloc, arith::CmpFPredicate::OGT, v, cur);
          Value isNan =
              arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::UNO, v, v);
          Value take = arith::OrIOp::create(nb, nloc, greater, isNan);
          Value row = linalg::IndexOp::create(nb, nloc, 4);
          Value col = linalg::IndexOp::create(nb, nloc, 5);
          Value pos = arith::AddIOp::create(
              nb, nloc,
              arith::MulIOp::create(
                  nb, nloc, row, arith::ConstantIndexOp::create(nb, nloc, kw)),
              col);
          Value pos64 =
              arith::IndexCastOp::create(nb, nloc, nb.getI64Type(), pos);
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{arith::SelectOp::create(nb, nloc, take, v, cur),
                         arith::SelectOp::create(nb, nloc, take, pos64, idx)});
        });
    Value positions = argmax.getResult(1);

    RankedTensorType type = op.getType();
    Value acc = zeros(b, loc, type, sizesLike(b, loc, type, x));
    rewriter.replaceOp(
        op, scatterWindows(
                b, loc, acc, ValueRange{positions, g}, kernel, stride,
                [&](OpBuilder &nb, Location nloc, int64_t r, int64_t s,
                    ValueRange args) -> Value {
                  Value here = arith::CmpIOp::create(
                      nb, nloc, arith::CmpIPredicate::eq, args[0],
                      scalarConstant(nb, nloc, nb.getI64Type(), r * kw + s));
                  return arith::SelectOp::create(
                      nb, nloc, here, args[1],
                      scalarConstant(nb, nloc, elem, 0.0));
                }));
    return success();
  }
};

struct AvgPool2dGradLowering : OpConversionPattern<nn::AvgPool2dGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::AvgPool2dGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    Value g = adaptor.getGrad();
    RankedTensorType type = op.getType();
    ArrayRef<int64_t> kernel = op.getKernel();
    Value scale = scalarConstant(b, loc, type.getElementType(),
                                 1.0 / (kernel[0] * kernel[1]));
    Value acc = zeros(b, loc, type, sizesLike(b, loc, type, g));
    rewriter.replaceOp(
        op, scatterWindows(b, loc, acc, ValueRange{g}, kernel, op.getStride(),
                           [&](OpBuilder &nb, Location nloc, int64_t, int64_t,
                               ValueRange args) -> Value {
                             return arith::MulFOp::create(nb, nloc, args[0],
                                                          scale);
                           }));
    return success();
  }
};

} // namespace

void deepc::lowering::populateConvPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2dLowering, Conv2dGradInputLowering,
               Conv2dGradWeightLowering, Pool2dLowering<nn::MaxPool2dOp, true>,
               Pool2dLowering<nn::AvgPool2dOp, false>, MaxPool2dGradLowering,
               AvgPool2dGradLowering>(patterns.getContext());
}
