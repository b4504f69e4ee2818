//===- LowerNNRecurrent.cpp - nn.lstm, nn.gru and their gradients ---------===//
//
// Each recurrent op becomes one scf.for over time whose tensors are the
// carried states and the [N, T, ...] sequences it fills one step at a time
// (tensor.extract_slice / insert_slice at the step, which bufferize in
// place). The body is written in nn ops, lowered in turn by this pass, so
// the step's matmul (h W_hh^T in the forward, dA W_hh in the backward) is
// an ordinary linalg.matmul that deepc-tile sees. What does not depend on
// the previous step stays outside the loop: the input projection (an
// nn.dense before the op, from the frontend) and, in the gradient, the
// weight's adjoint, one matmul of the step adjoints against the hidden
// states shifted by one step, after the loop.
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

namespace {

/// The shapes of one recurrent op: N and T (run-time values), H, and the
/// element type.
struct Recurrence {
  Recurrence(OpBuilder &b, Location loc, Value sequence, int64_t hidden)
      : loc(loc), hidden(hidden) {
    auto type = cast<RankedTensorType>(sequence.getType());
    elementType = type.getElementType();
    staticN = type.getDimSize(0);
    staticT = type.getDimSize(1);
    n = tensor::DimOp::create(b, loc, sequence, 0);
    t = tensor::DimOp::create(b, loc, sequence, 1);
  }

  /// `[N, width]`, the type of one step of a sequence.
  RankedTensorType stepType(int64_t width) const {
    return RankedTensorType::get({staticN, width}, elementType);
  }
  RankedTensorType sequenceType(int64_t width) const {
    return RankedTensorType::get({staticN, staticT, width}, elementType);
  }

  /// `seq[:, step, offset : offset + width]` as `[N, width]`, copied into
  /// a contiguous tensor: a step is strided in `[N, T, ...]`, and a strided
  /// operand in the epilogue of a tiled matmul would reach
  /// expand-strided-metadata as an expand_shape of a dynamic stride.
  Value step(OpBuilder &b, Value seq, Value step, int64_t offset,
             int64_t width) const {
    Value slice = tensor::ExtractSliceOp::create(
        b, loc, stepType(width), seq,
        {b.getIndexAttr(0), step, b.getIndexAttr(offset)},
        {n, b.getIndexAttr(1), b.getIndexAttr(width)}, ones(b));
    Value into =
        emptyTensor(b, loc, stepType(width), {n, b.getIndexAttr(width)});
    return linalg::CopyOp::create(b, loc, slice, into).getResult(0);
  }
  /// `seq` with `value[N, width]` written at `[:, step, offset:]`.
  Value insert(OpBuilder &b, Value value, Value seq, Value step,
               int64_t offset) const {
    int64_t width = cast<RankedTensorType>(value.getType()).getDimSize(1);
    return tensor::InsertSliceOp::create(
        b, loc, value, seq, {b.getIndexAttr(0), step, b.getIndexAttr(offset)},
        {n, b.getIndexAttr(1), b.getIndexAttr(width)}, ones(b));
  }
  SmallVector<OpFoldResult> ones(OpBuilder &b) const {
    return {b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1)};
  }

  /// An uninitialized `[N, T, width]` (every step is written by the loop).
  Value emptySequence(OpBuilder &b, int64_t width) const {
    return emptyTensor(b, loc, sequenceType(width),
                       {n, t, b.getIndexAttr(width)});
  }
  Value zeros(OpBuilder &b, RankedTensorType type,
              ArrayRef<OpFoldResult> sizes) const {
    return filledTensor(b, loc, type, sizes,
                        scalarConstant(b, loc, elementType, 0.0));
  }
  /// `value` written into the loop-carried `state`: what the loop yields
  /// for a state, so that one-shot bufferization keeps the state in one
  /// buffer across iterations (a fresh tensor yielded is refused).
  Value carry(OpBuilder &b, Value value, Value state) const {
    return linalg::CopyOp::create(b, loc, value, state).getResult(0);
  }
  /// The `[N, H]` zero state.
  Value zeroState(OpBuilder &b) const {
    return zeros(b, stepType(hidden), {n, b.getIndexAttr(hidden)});
  }

  /// The index of the forward's `i`-th step: `T - 1 - i` with `reverse`.
  Value forwardStep(OpBuilder &b, Value i, bool reverse) const {
    if (!reverse)
      return i;
    return arith::SubIOp::create(b, loc,
                                 arith::SubIOp::create(b, loc, t, one(b)), i);
  }
  Value one(OpBuilder &b) const {
    return arith::ConstantIndexOp::create(b, loc, 1);
  }

  /// Block `k` of width H of `[N, G H]` (nn.slice of the last dimension).
  Value block(OpBuilder &b, Value x, int64_t k) const {
    return nn::SliceOp::create(b, loc, x, {0, k * hidden}, {-1, hidden});
  }

  /// The hidden state each step started from, `[N, T, H]`: `y` shifted one
  /// step along time (later for `reverse`), zeros where the first step
  /// read the zero state.
  Value previousStates(OpBuilder &b, Value y, bool reverse) const {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value len = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, t, one(b)), zero);
    Value from =
        reverse ? Value(arith::MinSIOp::create(b, loc, one(b), t)) : zero;
    Value to = reverse ? zero : one(b);
    Value out = zeros(b, sequenceType(hidden), {n, t, b.getIndexAttr(hidden)});
    auto partType = RankedTensorType::get(
        {staticN, ShapedType::kDynamic, hidden}, elementType);
    SmallVector<OpFoldResult> sizes = {n, len, b.getIndexAttr(hidden)};
    Value part = tensor::ExtractSliceOp::create(
        b, loc, partType, y, {b.getIndexAttr(0), from, b.getIndexAttr(0)},
        sizes, ones(b));
    return tensor::InsertSliceOp::create(
        b, loc, part, out, {b.getIndexAttr(0), to, b.getIndexAttr(0)}, sizes,
        ones(b));
  }

  /// The adjoint of W_hh, `sum over n, t of dA[n, t]^T previous[n, t]`,
  /// and of b_hh, `sum of dA`, from the step adjoints of `W_hh h + b_hh`
  /// and the states the steps started from.
  std::pair<Value, Value> weightAdjoints(OpBuilder &b, Value dA,
                                         Value previous) const {
    int64_t width = cast<RankedTensorType>(dA.getType()).getDimSize(2);
    auto rows = [&](int64_t w) {
      return RankedTensorType::get({ShapedType::kDynamic, w}, elementType);
    };
    Value a = nn::ReshapeOp::create(b, loc, rows(width), dA);
    Value h = nn::ReshapeOp::create(b, loc, rows(hidden), previous);
    Value dw = nn::MatmulOp::create(
        b, loc, nn::TransposeOp::create(b, loc, a, ArrayRef<int64_t>{1, 0}), h);
    Value db = nn::ReduceSumOp::create(b, loc, dA, ArrayRef<int64_t>{0, 1},
                                       /*keepdims=*/false);
    return {dw, db};
  }

  /// The index of the step the backward loop's iteration `i` takes: the
  /// forward's steps from its last to its first.
  Value backwardStep(OpBuilder &b, Value i, bool reverse) const {
    if (reverse)
      return i;
    return arith::SubIOp::create(b, loc,
                                 arith::SubIOp::create(b, loc, t, one(b)), i);
  }

  Location loc;
  int64_t hidden;
  Type elementType;
  int64_t staticN, staticT;
  Value n, t;
};

int64_t hiddenOf(Value weight) {
  return cast<RankedTensorType>(weight.getType()).getDimSize(1);
}

/// Elementwise nn helpers at one location.
struct Nn {
  OpBuilder &b;
  Location loc;
  Type elementType;
  Value add(Value x, Value y) { return nn::AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return nn::SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return nn::MulOp::create(b, loc, x, y); }
  Value sigmoid(Value x) { return nn::SigmoidOp::create(b, loc, x); }
  Value tanh(Value x) { return nn::TanhOp::create(b, loc, x); }
  Value one() { return nnScalar(b, loc, elementType, 1.0); }
  /// `s (1 - s)`, the derivative of the sigmoid at its value `s`.
  Value dsigmoid(Value s) { return mul(s, sub(one(), s)); }
  /// `1 - t^2`, the derivative of tanh at its value `t`.
  Value dtanh(Value t) { return sub(one(), mul(t, t)); }
};

struct LstmLowering : OpConversionPattern<nn::LstmOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::LstmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value xp = adaptor.getInput(), w = adaptor.getWeightHh(),
          bias = adaptor.getBiasHh();
    int64_t h = hiddenOf(w);
    bool reverse = op.getReverse();
    Recurrence r(rewriter, loc, xp, h);
    Value zero = r.zeroState(rewriter);
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    SmallVector<Value> inits = {zero, zero, r.emptySequence(rewriter, h),
                                r.emptySequence(rewriter, h),
                                r.emptySequence(rewriter, 4 * h)};
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, r.t, r.one(rewriter), inits,
        [&](OpBuilder &b, Location l, Value i, ValueRange it) {
          Nn e{b, l, r.elementType};
          Value t = r.forwardStep(b, i, reverse);
          Value a = e.add(r.step(b, xp, t, 0, 4 * h),
                          nn::DenseOp::create(b, l, it[0], w, bias));
          Value ig = e.sigmoid(r.block(b, a, 0));
          Value fg = e.sigmoid(r.block(b, a, 1));
          Value gg = e.tanh(r.block(b, a, 2));
          Value og = e.sigmoid(r.block(b, a, 3));
          Value c = e.add(e.mul(fg, it[1]), e.mul(ig, gg));
          Value hn = e.mul(og, e.tanh(c));
          Value gates = it[4];
          Value blocks[] = {ig, fg, gg, og};
          for (auto [k, g] : llvm::enumerate(blocks))
            gates = r.insert(b, g, gates, t, k * h);
          scf::YieldOp::create(b, l,
                               ValueRange{r.carry(b, hn, it[0]),
                                          r.carry(b, c, it[1]),
                                          r.insert(b, hn, it[2], t, 0),
                                          r.insert(b, c, it[3], t, 0), gates});
        });
    rewriter.replaceOp(op, loop.getResults().drop_front(2));
    return success();
  }
};

/// Backwards over the steps, with the adjoints of h and c carried:
/// dh = dy_t + dh', tc = tanh(c_t), do = dh tc, dc = dc' + dh o (1 - tc^2),
/// the pre-activation adjoints di g i(1-i) (with di = dc), dc c_prev
/// f(1-f), dc i (1-g^2), do o(1-o) = dA, and the carried dh' = dA W_hh,
/// dc' = dc f.
struct LstmGradLowering : OpConversionPattern<nn::LstmGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::LstmGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getGrad(), y = adaptor.getResult(),
          cells = adaptor.getCell(), gates = adaptor.getGates(),
          w = adaptor.getWeightHh();
    int64_t h = hiddenOf(w);
    bool reverse = op.getReverse();
    Recurrence r(rewriter, loc, dy, h);
    Value zero = r.zeroState(rewriter);
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    // The states each step started from, read by the step and by W_hh's
    // adjoint: no branch on the first step in the loop.
    Value cPrevious = r.previousStates(rewriter, cells, reverse);
    SmallVector<Value> inits = {zero, zero, r.emptySequence(rewriter, 4 * h)};
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, r.t, r.one(rewriter), inits,
        [&](OpBuilder &b, Location l, Value i, ValueRange it) {
          Nn e{b, l, r.elementType};
          Value t = r.backwardStep(b, i, reverse);
          Value cPrev = r.step(b, cPrevious, t, 0, h);
          Value dh = e.add(r.step(b, dy, t, 0, h), it[0]);
          Value ig = r.step(b, gates, t, 0, h), fg = r.step(b, gates, t, h, h),
                gg = r.step(b, gates, t, 2 * h, h),
                og = r.step(b, gates, t, 3 * h, h);
          Value tc = e.tanh(r.step(b, cells, t, 0, h));
          Value dout = e.mul(dh, tc);
          Value dc = e.add(it[1], e.mul(e.mul(dh, og), e.dtanh(tc)));
          Value dA = nn::ConcatOp::create(
              b, l,
              ValueRange{e.mul(e.mul(dc, gg), e.dsigmoid(ig)),
                         e.mul(e.mul(dc, cPrev), e.dsigmoid(fg)),
                         e.mul(e.mul(dc, ig), e.dtanh(gg)),
                         e.mul(dout, e.dsigmoid(og))},
              1);
          Value dhPrev = nn::MatmulOp::create(b, l, dA, w);
          scf::YieldOp::create(b, l,
                               ValueRange{r.carry(b, dhPrev, it[0]),
                                          r.carry(b, e.mul(dc, fg), it[1]),
                                          r.insert(b, dA, it[2], t, 0)});
        });
    Value dA = loop.getResult(2);
    auto [dw, db] =
        r.weightAdjoints(rewriter, dA, r.previousStates(rewriter, y, reverse));
    rewriter.replaceOp(op, ValueRange{dA, dw, db});
    return success();
  }
};

struct GruLowering : OpConversionPattern<nn::GruOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::GruOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value xp = adaptor.getInput(), w = adaptor.getWeightHh(),
          bias = adaptor.getBiasHh();
    int64_t h = hiddenOf(w);
    bool reverse = op.getReverse();
    Recurrence r(rewriter, loc, xp, h);
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    SmallVector<Value> inits = {r.zeroState(rewriter),
                                r.emptySequence(rewriter, h),
                                r.emptySequence(rewriter, 4 * h)};
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, r.t, r.one(rewriter), inits,
        [&](OpBuilder &b, Location l, Value i, ValueRange it) {
          Nn e{b, l, r.elementType};
          Value t = r.forwardStep(b, i, reverse);
          Value a = nn::DenseOp::create(b, l, it[0], w, bias);
          auto x = [&](int64_t k) { return r.step(b, xp, t, k * h, h); };
          Value rg = e.sigmoid(e.add(x(0), r.block(b, a, 0)));
          Value zg = e.sigmoid(e.add(x(1), r.block(b, a, 1)));
          Value hn = r.block(b, a, 2);
          Value ng = e.tanh(e.add(x(2), e.mul(rg, hn)));
          Value hNew = e.add(ng, e.mul(zg, e.sub(it[0], ng)));
          Value gates = it[2];
          Value blocks[] = {rg, zg, ng, hn};
          for (auto [k, g] : llvm::enumerate(blocks))
            gates = r.insert(b, g, gates, t, k * h);
          scf::YieldOp::create(b, l,
                               ValueRange{r.carry(b, hNew, it[0]),
                                          r.insert(b, hNew, it[1], t, 0),
                                          gates});
        });
    rewriter.replaceOp(op, loop.getResults().drop_front(1));
    return success();
  }
};

/// Backwards over the steps, with the adjoint of h carried: dh = dy_t +
/// dh', dn = dh (1 - z), dz = dh (h_prev - n), da_n = dn (1 - n^2),
/// dr = da_n hn, d(hn) = da_n r. The input's adjoint is (dr r(1-r),
/// dz z(1-z), da_n), that of W_hh h + b_hh the same with d(hn) last, and
/// dh' = dh z + that W_hh.
struct GruGradLowering : OpConversionPattern<nn::GruGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::GruGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value dy = adaptor.getGrad(), y = adaptor.getResult(),
          gates = adaptor.getGates(), w = adaptor.getWeightHh();
    int64_t h = hiddenOf(w);
    bool reverse = op.getReverse();
    Recurrence r(rewriter, loc, dy, h);
    Value zero = r.zeroState(rewriter);
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value hPrevious = r.previousStates(rewriter, y, reverse);
    SmallVector<Value> inits = {zero, r.emptySequence(rewriter, 3 * h),
                                r.emptySequence(rewriter, 3 * h)};
    auto loop = scf::ForOp::create(
        rewriter, loc, c0, r.t, r.one(rewriter), inits,
        [&](OpBuilder &b, Location l, Value i, ValueRange it) {
          Nn e{b, l, r.elementType};
          Value t = r.backwardStep(b, i, reverse);
          Value dh = e.add(r.step(b, dy, t, 0, h), it[0]);
          Value rg = r.step(b, gates, t, 0, h), zg = r.step(b, gates, t, h, h),
                ng = r.step(b, gates, t, 2 * h, h),
                hn = r.step(b, gates, t, 3 * h, h);
          Value dz = e.mul(dh, e.sub(r.step(b, hPrevious, t, 0, h), ng));
          Value dan = e.mul(e.mul(dh, e.sub(e.one(), zg)), e.dtanh(ng));
          Value dar = e.mul(e.mul(dan, hn), e.dsigmoid(rg));
          Value daz = e.mul(dz, e.dsigmoid(zg));
          Value dx = nn::ConcatOp::create(b, l, ValueRange{dar, daz, dan}, 1);
          Value dhh = nn::ConcatOp::create(
              b, l, ValueRange{dar, daz, e.mul(dan, rg)}, 1);
          Value dhPrev =
              e.add(e.mul(dh, zg), nn::MatmulOp::create(b, l, dhh, w));
          scf::YieldOp::create(b, l,
                               ValueRange{r.carry(b, dhPrev, it[0]),
                                          r.insert(b, dx, it[1], t, 0),
                                          r.insert(b, dhh, it[2], t, 0)});
        });
    auto [dw, db] = r.weightAdjoints(rewriter, loop.getResult(2), hPrevious);
    rewriter.replaceOp(op, ValueRange{loop.getResult(1), dw, db});
    return success();
  }
};

} // namespace

void deepc::lowering::populateRecurrentPatterns(RewritePatternSet &patterns) {
  patterns.add<LstmLowering, LstmGradLowering, GruLowering, GruGradLowering>(
      patterns.getContext());
}
