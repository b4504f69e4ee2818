//===- LowerNNConv.cpp - Convolution and pooling to linalg ----------------===//
//
// nn.conv2d is im2col (dilated windows of the zero-padded input) and a
// matmul, or, with stride 1 and few output channels, a direct convolution
// (linalg.conv_2d_nchw_fchw, vectorized by deepc-vectorize-conv); the pools are
// one linalg.generic over their windows. The gradient ops:
//   - conv2d_grad_input: a matmul of the transposed weight and the adjoint,
//     then col2im (one strided add per kernel offset);
//   - conv2d_grad_weight: im2col and a matmul, as the forward pass, or with
//     stride 1 and rows that fill the vectors, one generic that
//     deepc-vectorize-conv turns into sums in vector lanes;
//   - with groups > 1 each of the three becomes one op per group on
//     channel slices (groups = 1), whose results are inserted side by side;
//   - the pools: for each kernel offset (a, b), a strided slice of the input
//     adjoint gets what the windows send to their element (a, b): the whole
//     adjoint where (a, b) is the window's first maximum, or the adjoint
//     over the window size. KH*KW passes over the output, the cost of the
//     forward pass, and windows may overlap.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNConvDirect.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;
using namespace deepc::conv;

/// Index attributes of `values`.
SmallVector<OpFoldResult> deepc::conv::indices(OpBuilder &b,
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

Value deepc::conv::zeros(OpBuilder &b, Location loc, RankedTensorType type,
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
AffineMap deepc::conv::dimMap(MLIRContext *context, unsigned rank, unsigned d) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(d, context)}, context);
}

/// The loops `(n, c, i, a, b, j)` of a window op: the window offsets
/// (a, b) outside the output column j, so the innermost loop runs along a
/// row of the output (a parallel loop LLVM vectorizes) rather than
/// through one window.
static AffineMap windowMap(MLIRContext *context, ArrayRef<int64_t> stride) {
  AffineExpr n, c, i, a, b, j;
  bindDims(context, n, c, i, a, b, j);
  return AffineMap::get(6, 0, {n, c, i * stride[0] + a, j * stride[1] + b},
                        context);
}

/// The iterators of `windowMap`'s loops.
static SmallVector<utils::IteratorType> windowIterators() {
  using utils::IteratorType;
  return {IteratorType::parallel,  IteratorType::parallel,
          IteratorType::parallel,  IteratorType::reduction,
          IteratorType::reduction, IteratorType::parallel};
}

/// In `windowMap`'s loops, the map of the kernel-shaped operand (which
/// gives a and b their sizes) and of the output.
static AffineMap kernelMap(MLIRContext *context) {
  AffineExpr n, c, i, a, b, j;
  bindDims(context, n, c, i, a, b, j);
  return AffineMap::get(6, 0, {a, b}, context);
}
static AffineMap windowOutMap(MLIRContext *context) {
  AffineExpr n, c, i, a, b, j;
  bindDims(context, n, c, i, a, b, j);
  return AffineMap::get(6, 0, {n, c, i, j}, context);
}

/// `x` with its dims permuted: dim d of the result is dim `perm[d]` of `x`
/// (one elementwise generic).
Value deepc::conv::permute(OpBuilder &b, Location loc, Value x,
                           ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(x.getType());
  MLIRContext *context = b.getContext();
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> read(perm.size());
  for (auto [d, from] : llvm::enumerate(perm)) {
    shape.push_back(type.getDimSize(from));
    sizes.push_back(tensor::getMixedSize(b, loc, x, from));
    read[from] = getAffineDimExpr(d, context);
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return elementwise(
      b, loc, emptyTensor(b, loc, resultType, sizes), x,
      AffineMap::get(perm.size(), 0, read, context),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// The reassociation `{0, .., split - 1}, {split, .., rank - 1}`.
static SmallVector<ReassociationIndices> twoGroups(int64_t split,
                                                   int64_t rank) {
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t d = 0; d < rank; ++d)
    groups[d < split ? 0 : 1].push_back(d);
  return groups;
}

/// The patch length C KH KW rounded up to a multiple of 16 (the widest f32
/// vector, and twice deepc-tile's row step): the matmuls below then have no
/// remainder tile along it, whether it is their reduction (conv2d) or their
/// rows (the gradients). The extra patch rows are zeros.
static int64_t paddedPatch(int64_t k) { return (k + 15) / 16 * 16; }

/// The patch matrix of `xpad` ([N, C, Hp, Wp], already zero-padded) under
/// a KH x KW window dilated by `dilation` (d) and moved by `stride` to
/// OH x OW places: col[k, (n, i, j)] = xpad[n, c, i s0 + a d0, j s1 + b d1]
/// for k = (c, a, b) < C KH KW, and 0 for
/// the rows up to paddedPatch. One generic over (k, n, i, j) whose body
/// splits k (loop-invariant in the inner loops) and reads a row of `xpad`
/// along j; the [Kp, N, OH, OW] result is viewed as [Kp, N OH OW].
static Value im2col(OpBuilder &b, Location loc, Value xpad, int64_t kh,
                    int64_t kw, ArrayRef<int64_t> stride,
                    ArrayRef<int64_t> dilation, int64_t oh, int64_t ow) {
  auto type = cast<RankedTensorType>(xpad.getType());
  Type elem = type.getElementType();
  int64_t k = type.getDimSize(1) * kh * kw, kp = paddedPatch(k);
  auto colType = RankedTensorType::get({kp, type.getDimSize(0), oh, ow}, elem);
  SmallVector<OpFoldResult> sizes = indices(b, colType.getShape());
  sizes[1] = tensor::getMixedSize(b, loc, xpad, 0);
  Value col = elementwise(
      b, loc, emptyTensor(b, loc, colType, sizes), {}, {},
      [&](OpBuilder &nb, Location nloc, ValueRange) -> Value {
        auto cst = [&](int64_t v) {
          return arith::ConstantIndexOp::create(nb, nloc, v);
        };
        auto index = [&](unsigned d) {
          return linalg::IndexOp::create(nb, nloc, d);
        };
        Value row = index(0);
        Value inside = arith::CmpIOp::create(
            nb, nloc, arith::CmpIPredicate::ult, row, cst(k));
        // Rows past k read (0, 0, 0) of the patch, then select zero.
        row = arith::SelectOp::create(nb, nloc, inside, row, cst(0));
        Value c = arith::DivUIOp::create(nb, nloc, row, cst(kh * kw));
        Value ab = arith::RemUIOp::create(nb, nloc, row, cst(kh * kw));
        Value a = arith::DivUIOp::create(nb, nloc, ab, cst(kw));
        Value bb = arith::RemUIOp::create(nb, nloc, ab, cst(kw));
        Value h = arith::AddIOp::create(
            nb, nloc, arith::MulIOp::create(nb, nloc, index(2), cst(stride[0])),
            arith::MulIOp::create(nb, nloc, a, cst(dilation[0])));
        Value w = arith::AddIOp::create(
            nb, nloc, arith::MulIOp::create(nb, nloc, index(3), cst(stride[1])),
            arith::MulIOp::create(nb, nloc, bb, cst(dilation[1])));
        Value v = tensor::ExtractOp::create(nb, nloc, xpad,
                                            ValueRange{index(1), c, h, w});
        return arith::SelectOp::create(nb, nloc, inside, v,
                                       scalarConstant(nb, nloc, elem, 0.0));
      });
  return tensor::CollapseShapeOp::create(b, loc, col, twoGroups(1, 4));
}

/// `lhs * rhs` into a zero-filled [M, N] accumulator: a linalg.matmul,
/// which deepc-tile tiles and vectorizes.
static Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto type = RankedTensorType::get(
      {lhsType.getDimSize(0), rhsType.getDimSize(1)}, lhsType.getElementType());
  Value acc = zeros(b, loc, type,
                    {tensor::getMixedSize(b, loc, lhs, 0),
                     tensor::getMixedSize(b, loc, rhs, 1)});
  return linalg::MatmulOp::create(b, loc, TypeRange{type}, ValueRange{lhs, rhs},
                                  ValueRange{acc})
      .getResult(0);
}

/// The weight [F, C, KH, KW] as the [F, Kp] matrix (`transposed`: [Kp,
/// F]) of its flattened filters, zero past C KH KW.
static Value weightMatrix(OpBuilder &b, Location loc, Value w,
                          bool transposed) {
  auto wType = cast<RankedTensorType>(w.getType());
  int64_t f = wType.getDimSize(0);
  int64_t k = wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3);
  int64_t kp = paddedPatch(k);
  Value rows = tensor::CollapseShapeOp::create(b, loc, w, twoGroups(1, 4));
  if (transposed)
    rows = permute(b, loc, rows, {1, 0});
  SmallVector<int64_t> shape =
      transposed ? SmallVector<int64_t>{kp, f} : SmallVector<int64_t>{f, kp};
  if (kp == k)
    return rows;
  auto type = RankedTensorType::get(shape, wType.getElementType());
  Value padded = zeros(b, loc, type, indices(b, shape));
  return tensor::InsertSliceOp::create(
      b, loc, rows, padded, indices(b, {0, 0}),
      indices(b, transposed ? SmallVector<int64_t>{k, f}
                            : SmallVector<int64_t>{f, k}),
      indices(b, {1, 1}));
}

/// `v` restricted to `[offset, offset + size)` along `dim`, whole along the
/// other dims.
static Value sliceDim(OpBuilder &b, Location loc, Value v, int64_t dim,
                      int64_t offset, int64_t size) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  offsets[dim] = b.getIndexAttr(offset);
  sizes[dim] = b.getIndexAttr(size);
  return tensor::ExtractSliceOp::create(b, loc, v, offsets, sizes, strides);
}

/// A grouped convolution op's result of `type` (batch of `like` where it is
/// dynamic) assembled from `groups` results, `build(g)` giving group g's:
/// slice `g` of `groups` equal slices along `dim`.
static Value perGroup(OpBuilder &b, Location loc, RankedTensorType type,
                      Value like, int64_t groups, int64_t dim,
                      function_ref<Value(int64_t)> build) {
  SmallVector<OpFoldResult> sizes = indices(b, type.getShape());
  if (type.isDynamicDim(0))
    sizes[0] = tensor::getMixedSize(b, loc, like, 0);
  Value acc = emptyTensor(b, loc, type, sizes);
  int64_t size = type.getDimSize(dim) / groups;
  for (int64_t g = 0; g < groups; ++g) {
    Value part = build(g);
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> partSizes = sizes;
    offsets[dim] = b.getIndexAttr(g * size);
    partSizes[dim] = b.getIndexAttr(size);
    acc = tensor::InsertSliceOp::create(b, loc, part, acc, offsets, partSizes,
                                        indices(b, {1, 1, 1, 1}));
  }
  return acc;
}

namespace {

/// conv2d as im2col and a matmul: out[f, (n, i, j)] = sum_k w[f, k] *
/// col[k, (n, i, j)], k = (c, a, b), then one generic that adds the bias
/// while transposing the [F, N, OH, OW] product to NCHW (and into which
/// deepc-tile fuses an elementwise consumer such as the ReLU).
struct Conv2dLowering : OpConversionPattern<nn::Conv2dOp> {
  using OpConversionPattern::OpConversionPattern;
  /// Groups > 1 become ops of this kind with groups = 1.
  void initialize() { setHasBoundedRewriteRecursion(); }

  LogicalResult
  matchAndRewrite(nn::Conv2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    MLIRContext *context = b.getContext();
    RankedTensorType type = op.getType();
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto wType = cast<RankedTensorType>(w.getType());
    int64_t f = wType.getDimSize(0), oh = type.getDimSize(2),
            ow = type.getDimSize(3);
    if (int64_t groups = op.getGroups(); groups > 1) {
      int64_t cg = wType.getDimSize(1), fg = f / groups;
      Value bias = adaptor.getBias();
      rewriter.replaceOp(
          op, perGroup(b, loc, type, x, groups, 1, [&](int64_t g) -> Value {
            return nn::Conv2dOp::create(
                b, loc, sliceDim(b, loc, x, 1, g * cg, cg),
                sliceDim(b, loc, w, 0, g * fg, fg),
                bias ? sliceDim(b, loc, bias, 0, g * fg, fg) : Value(),
                op.getStride(), op.getPadding(), op.getDilation(), 1);
          }));
      return success();
    }
    switch (chooseConvKind(op, type, cast<RankedTensorType>(x.getType()), wType,
                           op.getStride(), op.getDilation())) {
    case ConvKind::Rows:
      rewriter.replaceOp(
          op, directConv(b, loc, type, pad2d(b, loc, x, op.getPadding()), w,
                         adaptor.getBias(), sizesLike(b, loc, type, x)));
      return success();
    case ConvKind::ChannelsLast:
      rewriter.replaceOp(
          op, channelsLastConv(b, loc, type, pad2d(b, loc, x, op.getPadding()),
                               w, adaptor.getBias(), sizesLike(b, loc, type, x),
                               op.getStride(), op.getDilation()));
      return success();
    case ConvKind::Im2col:
      break;
    }
    Value col =
        im2col(b, loc, pad2d(b, loc, x, op.getPadding()), wType.getDimSize(2),
               wType.getDimSize(3), op.getStride(), op.getDilation(), oh, ow);
    Value product = matmul(b, loc, weightMatrix(b, loc, w, false), col);
    SmallVector<OpFoldResult> sizes = sizesLike(b, loc, type, x);
    auto productType = RankedTensorType::get({f, type.getDimSize(0), oh, ow},
                                             type.getElementType());
    product = tensor::ExpandShapeOp::create(
        b, loc, productType, product, twoGroups(1, 4),
        SmallVector<OpFoldResult>{b.getIndexAttr(f), sizes[0],
                                  b.getIndexAttr(oh), b.getIndexAttr(ow)});
    AffineExpr n, o, i, j;
    bindDims(context, n, o, i, j);
    SmallVector<Value> inputs = {product};
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {o, n, i, j}, context)};
    if (Value bias = adaptor.getBias()) {
      inputs.push_back(bias);
      maps.push_back(dimMap(context, 4, 1));
    }
    rewriter.replaceOp(
        op, elementwise(
                b, loc, emptyTensor(b, loc, type, sizes), inputs, maps,
                [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
                  if (inputs.size() == 1)
                    return args[0];
                  return arith::AddFOp::create(nb, nloc, args[0], args[1]);
                }));
    return success();
  }
};

/// conv2d_grad_input: the patch adjoints dcol[k, (n, i, j)] = sum_f
/// wT[k, f] g[f, (n, i, j)] (a matmul of the transposed weight and the
/// adjoint as [F, N OH OW]), then col2im: for each kernel offset (a, b),
/// the rows and columns of the input that offset reaches (a strided
/// window, clipped to the unpadded input) add their patch adjoints. KH * KW
/// passes over parts of the input adjoint, with static bounds. (As a direct
/// convolution of the adjoint padded by K - 1 - pad, with the filters
/// flipped, it did twice the products of LeNet's second convolution's
/// adjoint, most of them with the padding's zeros, and took longer.)
struct Conv2dGradInputLowering : OpConversionPattern<nn::Conv2dGradInputOp> {
  using OpConversionPattern::OpConversionPattern;
  /// Groups > 1 become ops of this kind with groups = 1.
  void initialize() { setHasBoundedRewriteRecursion(); }

  LogicalResult
  matchAndRewrite(nn::Conv2dGradInputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    MLIRContext *context = b.getContext();
    Value g = adaptor.getGrad(), w = adaptor.getWeight();
    auto gType = cast<RankedTensorType>(g.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    RankedTensorType type = op.getType();
    Type elem = type.getElementType();
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPadding(),
                      dilation = op.getDilation();
    int64_t c = wType.getDimSize(1);
    if (int64_t groups = op.getGroups(); groups > 1) {
      int64_t fg = wType.getDimSize(0) / groups;
      auto partType = RankedTensorType::get(
          {type.getDimSize(0), c, type.getDimSize(2), type.getDimSize(3)},
          elem);
      rewriter.replaceOp(
          op, perGroup(b, loc, type, g, groups, 1, [&](int64_t k) -> Value {
            return nn::Conv2dGradInputOp::create(
                b, loc, partType, sliceDim(b, loc, g, 1, k * fg, fg),
                sliceDim(b, loc, w, 0, k * fg, fg), stride, pad, dilation, 1);
          }));
      return success();
    }
    int64_t kernel[2] = {wType.getDimSize(2), wType.getDimSize(3)};
    int64_t out[2] = {gType.getDimSize(2), gType.getDimSize(3)};
    int64_t in[2] = {type.getDimSize(2), type.getDimSize(3)};
    int64_t kp = paddedPatch(c * kernel[0] * kernel[1]);

    Value gRows = tensor::CollapseShapeOp::create(
        b, loc, permute(b, loc, g, {1, 0, 2, 3}), twoGroups(1, 4));
    Value dcol = matmul(b, loc, weightMatrix(b, loc, w, true), gRows);
    SmallVector<OpFoldResult> sizes = sizesLike(b, loc, type, g);
    OpFoldResult n = sizes[0];
    auto dcolType =
        RankedTensorType::get({kp, gType.getDimSize(0), out[0], out[1]}, elem);
    dcol = tensor::ExpandShapeOp::create(
        b, loc, dcolType, dcol, twoGroups(1, 4),
        SmallVector<OpFoldResult>{b.getIndexAttr(kp), n, b.getIndexAttr(out[0]),
                                  b.getIndexAttr(out[1])});

    Value dx = zeros(b, loc, type, sizes);
    AffineExpr dn, dc, di, dj;
    bindDims(context, dn, dc, di, dj);
    for (int64_t a = 0; a < kernel[0]; ++a) {
      for (int64_t bb = 0; bb < kernel[1]; ++bb) {
        // Output positions i with 0 <= i s + offset - pad < in.
        int64_t offset[2] = {a * dilation[0], bb * dilation[1]}, first[2],
                count[2];
        bool empty = false;
        for (int d = 0; d < 2; ++d) {
          int64_t lo = pad[d] - offset[d];
          first[d] = lo <= 0 ? 0 : (lo + stride[d] - 1) / stride[d];
          int64_t hi = in[d] - 1 + pad[d] - offset[d];
          int64_t last = hi < 0 ? -1 : std::min(out[d] - 1, hi / stride[d]);
          count[d] = last - first[d] + 1;
          empty |= count[d] <= 0;
        }
        if (empty)
          continue;
        // The patch adjoints of those output positions, rows (c, a, b) for
        // every c: row c KH KW + a KW + b. (The slice, not an offset in the
        // map: linalg sizes the loops i, j from the first operand that
        // reads them plainly, so the operand must have the window's size.)
        Value window = tensor::ExtractSliceOp::create(
            b, loc, dcol, indices(b, {0, 0, first[0], first[1]}),
            SmallVector<OpFoldResult>{b.getIndexAttr(kp), n,
                                      b.getIndexAttr(count[0]),
                                      b.getIndexAttr(count[1])},
            indices(b, {1, 1, 1, 1}));
        AffineMap read = AffineMap::get(
            4, 0,
            {dc * (kernel[0] * kernel[1]) + a * kernel[1] + bb, dn, di, dj},
            context);
        SmallVector<OpFoldResult> dstOffsets =
            indices(b, {0, 0, first[0] * stride[0] + offset[0] - pad[0],
                        first[1] * stride[1] + offset[1] - pad[1]});
        SmallVector<OpFoldResult> dstSizes = {n, b.getIndexAttr(c),
                                              b.getIndexAttr(count[0]),
                                              b.getIndexAttr(count[1])};
        SmallVector<OpFoldResult> dstStrides =
            indices(b, {1, 1, stride[0], stride[1]});
        auto dstType = RankedTensorType::get(
            {gType.getDimSize(0), c, count[0], count[1]}, elem);
        Value dst = tensor::ExtractSliceOp::create(
            b, loc, dstType, dx, dstOffsets, dstSizes, dstStrides);
        Value sum = elementwise(
            b, loc, dst, window, read,
            [](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
              return arith::AddFOp::create(nb, nloc, args[1], args[0]);
            });
        dx = tensor::InsertSliceOp::create(b, loc, sum, dx, dstOffsets,
                                           dstSizes, dstStrides);
      }
    }
    rewriter.replaceOp(op, dx);
    return success();
  }
};

/// conv2d_grad_weight as a matmul: dwT[k, f] = sum_{(n, i, j)} col[k,
/// (n, i, j)] gT[(n, i, j), f], with the same patch matrix as conv2d (one
/// im2col for both after CSE) and the adjoint transposed to [N OH OW, F];
/// one generic reads dwT back as [F, C, KH, KW].
struct Conv2dGradWeightLowering : OpConversionPattern<nn::Conv2dGradWeightOp> {
  using OpConversionPattern::OpConversionPattern;
  /// Groups > 1 become ops of this kind with groups = 1.
  void initialize() { setHasBoundedRewriteRecursion(); }

  LogicalResult
  matchAndRewrite(nn::Conv2dGradWeightOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = op.getLoc();
    MLIRContext *context = b.getContext();
    RankedTensorType type = op.getType();
    Value g = adaptor.getGrad();
    auto gType = cast<RankedTensorType>(g.getType());
    int64_t kh = type.getDimSize(2), kw = type.getDimSize(3);
    Value x = adaptor.getInput();
    if (int64_t groups = op.getGroups(); groups > 1) {
      int64_t fg = type.getDimSize(0) / groups, cg = type.getDimSize(1);
      auto partType =
          RankedTensorType::get({fg, cg, kh, kw}, type.getElementType());
      rewriter.replaceOp(
          op, perGroup(b, loc, type, g, groups, 0, [&](int64_t k) -> Value {
            return nn::Conv2dGradWeightOp::create(
                b, loc, partType, sliceDim(b, loc, g, 1, k * fg, fg),
                sliceDim(b, loc, x, 1, k * cg, cg), op.getStride(),
                op.getPadding(), op.getDilation(), 1);
          }));
      return success();
    }
    switch (chooseGradWeightKind(op, type, gType,
                                 cast<RankedTensorType>(x.getType()),
                                 op.getStride(), op.getDilation())) {
    case ConvKind::Rows:
      rewriter.replaceOp(
          op,
          directGradWeight(b, loc, type, g, pad2d(b, loc, x, op.getPadding())));
      return success();
    case ConvKind::ChannelsLast:
      rewriter.replaceOp(
          op, channelsLastGradWeight(b, loc, type, g,
                                     pad2d(b, loc, x, op.getPadding()),
                                     op.getStride(), op.getDilation()));
      return success();
    case ConvKind::Im2col:
      break;
    }
    Value col = im2col(b, loc, pad2d(b, loc, x, op.getPadding()), kh, kw,
                       op.getStride(), op.getDilation(), gType.getDimSize(2),
                       gType.getDimSize(3));
    Value gCols = tensor::CollapseShapeOp::create(
        b, loc, permute(b, loc, g, {0, 2, 3, 1}), twoGroups(3, 4));
    Value dwT = matmul(b, loc, col, gCols);
    AffineExpr f, c, a, bb;
    bindDims(context, f, c, a, bb);
    rewriter.replaceOp(
        op,
        elementwise(
            b, loc, emptyTensor(b, loc, type, indices(b, type.getShape())), dwT,
            AffineMap::get(4, 0, {c * (kh * kw) + a * kw + bb, f}, context),
            [](OpBuilder &, Location, ValueRange args) { return args[0]; }));
    return success();
  }
};

/// The pools: one generic over `windowMap`'s loops, the maximum from -inf
/// (arith.maximumf, which propagates NaN as PyTorch does), or the sum from
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
    MLIRContext *context = b.getContext();
    Value result =
        linalg::GenericOp::create(
            b, loc, TypeRange{type}, ValueRange{x, window}, ValueRange{init},
            {windowMap(context, op.getStride()), kernelMap(context),
             windowOutMap(context)},
            windowIterators(),
            [](OpBuilder &nb, Location nloc, ValueRange args) {
              Value next =
                  IsMax ? arith::MaximumFOp::create(nb, nloc, args[2], args[0])
                              .getResult()
                        : arith::AddFOp::create(nb, nloc, args[2], args[0])
                              .getResult();
              linalg::YieldOp::create(nb, nloc, next);
            })
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
    auto indexType = gType.clone(b.getI32Type());
    Value minusInf = arith::ConstantOp::create(
        b, loc,
        b.getFloatAttr(elem, APFloat::getInf(elem.getFloatSemantics(), true)));
    Value best = filledTensor(b, loc, gType, sizes, minusInf);
    Value where = filledTensor(b, loc, indexType, sizes,
                               scalarConstant(b, loc, b.getI32Type(), 0));
    Value window = tensor::EmptyOp::create(b, loc, kernel, elem);
    SmallVector<AffineMap> maps = {windowMap(context, stride),
                                   kernelMap(context), windowOutMap(context),
                                   windowOutMap(context)};
    SmallVector<utils::IteratorType> iterators = windowIterators();
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
          Value row = linalg::IndexOp::create(nb, nloc, 3);
          Value col = linalg::IndexOp::create(nb, nloc, 4);
          Value pos = arith::AddIOp::create(
              nb, nloc,
              arith::MulIOp::create(
                  nb, nloc, row, arith::ConstantIndexOp::create(nb, nloc, kw)),
              col);
          Value pos32 =
              arith::IndexCastOp::create(nb, nloc, nb.getI32Type(), pos);
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{arith::SelectOp::create(nb, nloc, take, v, cur),
                         arith::SelectOp::create(nb, nloc, take, pos32, idx)});
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
                      scalarConstant(nb, nloc, nb.getI32Type(), r * kw + s));
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
