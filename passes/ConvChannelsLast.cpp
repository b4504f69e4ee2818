//===- ConvChannelsLast.cpp - Convolutions vectorized along channels ------===//
//
// The second kernel of deepc-vectorize-conv: a convolution LowerNNConv
// wrote channels-last,
//
//   out[n, i, j, f] += x[n, c, row(i, a), col(j, b)] * wt[c, a, b, f]
//
// (loops n, i, j, f parallel, c, a, b reductions; row and col any affine
// function of the output index and the kernel offset: strides and
// dilations), becomes, for each batch element and output row, tiles of P
// pixels by FV vectors of output channels:
//
//   acc[p][v] = out[n, i, j + p, f + v VW ...]      (the bias, or 0)
//   for c, for a, for b (unrolled):
//     w[v] = wt[c, a, b, f + v VW ...]              (FV loads)
//     acc[p][v] += broadcast(x[n, c, row, col(j + p, b)]) * w[v]
//   out[n, i, j + p, f + v VW ...] = acc[p][v]
//
// The vectors run along the output channels, so no lane is lost at the
// end of a short row (LeNet's second convolution: rows of 10, 16
// channels, two full vectors at 8 lanes), and one input element feeds FV
// vectors of products.
//
//===----------------------------------------------------------------------===//

#include "passes/ConvKernels.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace deepc {

/// Whether the body of `op` is yield(out + in0 * in1), either way round.
bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc   ? add.getRhs()
                  : add.getRhs() == acc ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  Value in0 = body.getArgument(0), in1 = body.getArgument(1);
  return mul && ((mul.getLhs() == in0 && mul.getRhs() == in1) ||
                 (mul.getLhs() == in1 && mul.getRhs() == in0));
}

Value laneMask(OpBuilder &b, Location loc, int64_t lanes, int64_t valid) {
  SmallVector<bool> bits(lanes, false);
  for (int64_t l = 0; l < valid; ++l)
    bits[l] = true;
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                             ArrayRef<bool>(bits)));
}

Value KernelBuilder::index(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

VectorType KernelBuilder::vecType() {
  return VectorType::get({lanes}, b.getF32Type());
}

Value KernelBuilder::plus(Value base, int64_t offset) {
  return offset == 0
             ? base
             : arith::AddIOp::create(b, loc, base, index(offset)).getResult();
}

Value KernelBuilder::apply(AffineMap map, unsigned outDim, Value o,
                           unsigned kDim, Value k) {
  SmallVector<Value> operands(7, index(0));
  operands[outDim] = o;
  operands[kDim] = k;
  return affine::AffineApplyOp::create(b, loc, map, operands);
}

/// Whether `memref`'s innermost stride is 1.
static bool unitInner(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// Whether `e` reads only the dims `a` and `b` of its map.
static bool onlyDims(AffineExpr e, unsigned a, unsigned b) {
  bool ok = true;
  e.walk([&](AffineExpr sub) {
    if (auto dim = dyn_cast<AffineDimExpr>(sub))
      ok &= dim.getPosition() == a || dim.getPosition() == b;
  });
  return ok;
}

/// What the two channels-last generics share past their maps, with `what`
/// naming the kind for the message: loops 4 parallel then 3 reductions, a
/// multiply-accumulate body, f32 operands static but their first dim, the
/// init's first dim static when `staticInit`, contiguous channels in the
/// second input and the init. Nullptr when all hold.
static const char *rejectChannelsLastShape(linalg::GenericOp op,
                                           const char *what, bool staticInit) {
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < 7; ++d)
    if ((iterators[d] == utils::IteratorType::parallel) != (d < 4))
      return what;
  if (!isMultiplyAccumulate(op))
    return what;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = cast<MemRefType>(operand.get().getType());
    if (!type.getElementType().isF32())
      return "not f32";
    for (int64_t d = 1; d < 4; ++d)
      if (type.isDynamicDim(d))
        return "a dynamic size other than the batch";
  }
  Value fixed = staticInit ? op.getDpsInitOperand(0)->get()
                           : op.getDpsInputOperand(1)->get();
  if (cast<MemRefType>(fixed.getType()).isDynamicDim(0))
    return "a filter or gradient of dynamic shape";
  if (!unitInner(op.getDpsInputOperand(1)->get()) ||
      !unitInner(op.getDpsInitOperand(0)->get()))
    return "channels that are not contiguous";
  return nullptr;
}

const char *rejectChannelsLastConv(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 7)
    return "not a channels-last convolution";
  MLIRContext *context = op.getContext();
  AffineExpr n, i, j, f, c, a, b;
  bindDims(context, n, i, j, f, c, a, b);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[1] != AffineMap::get(7, 0, {c, a, b, f}, context) ||
      maps[2] != AffineMap::get(7, 0, {n, i, j, f}, context) ||
      maps[0].getNumResults() != 4 || maps[0].getResult(0) != n ||
      maps[0].getResult(1) != c || !onlyDims(maps[0].getResult(2), 1, 5) ||
      !onlyDims(maps[0].getResult(3), 2, 6))
    return "not a channels-last convolution";
  return rejectChannelsLastShape(op, "not a channels-last convolution",
                                 /*staticInit=*/false);
}

namespace {

class Emitter : KernelBuilder {
public:
  Emitter(linalg::GenericOp op, int64_t lanes, ConvBlock block)
      : KernelBuilder(op, lanes), op(op), block(block) {
    x = op.getDpsInputOperand(0)->get();
    wt = op.getDpsInputOperand(1)->get();
    out = op.getDpsInitOperand(0)->get();
    auto wType = cast<MemRefType>(wt.getType());
    auto outType = cast<MemRefType>(out.getType());
    c = wType.getDimSize(0);
    kh = wType.getDimSize(1);
    kw = wType.getDimSize(2);
    f = wType.getDimSize(3);
    oh = outType.getDimSize(1);
    ow = outType.getDimSize(2);
    AffineMap xMap = op.getIndexingMapsArray()[0];
    rowMap = AffineMap::get(7, 0, xMap.getResult(2), op.getContext());
    colMap = AffineMap::get(7, 0, xMap.getResult(3), op.getContext());
  }

  void run() {
    Value n = memref::DimOp::create(b, loc, out, 0);
    auto batch = scf::ForOp::create(b, loc, index(0), n, index(1));
    b.setInsertionPointToStart(batch.getBody());
    Value nIv = batch.getInductionVar();
    auto rows = scf::ForOp::create(b, loc, index(0), index(oh), index(1));
    b.setInsertionPointToStart(rows.getBody());
    Value i = rows.getInductionVar();
    int64_t p = block.vectors, full = ow / p * p;
    if (full > 0) {
      OpBuilder::InsertionGuard guard(b);
      auto cols = scf::ForOp::create(b, loc, index(0), index(full), index(p));
      b.setInsertionPointToStart(cols.getBody());
      channelTiles(nIv, i, cols.getInductionVar(), p);
    }
    if (full < ow)
      channelTiles(nIv, i, index(full), ow - full);
    op->erase();
  }

private:
  linalg::GenericOp op;
  ConvBlock block;
  Value x, wt, out;
  int64_t c, kh, kw, f, oh, ow;
  AffineMap rowMap, colMap;

  /// Pixels j0 .. j0 + p of row i, every output channel: tiles of FV
  /// vectors, then the channels left (the last vector masked).
  void channelTiles(Value n, Value i, Value j0, int64_t p) {
    int64_t fv = block.channels, step = fv * lanes, full = f / step * step;
    if (full > 0) {
      OpBuilder::InsertionGuard guard(b);
      auto loop =
          scf::ForOp::create(b, loc, index(0), index(full), index(step));
      b.setInsertionPointToStart(loop.getBody());
      tile(n, i, j0, p, loop.getInductionVar(), fv, 0);
    }
    if (full < f) {
      int64_t rest = f - full;
      tile(n, i, j0, p, index(full), (rest + lanes - 1) / lanes, rest % lanes);
    }
  }

  /// One register tile: pixels j0 .. j0 + p, channels from f0 in `fv`
  /// vectors, the last with `partial` valid lanes (0: all).
  void tile(Value n, Value i, Value j0, int64_t p, Value f0, int64_t fv,
            int64_t partial) {
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType(), b.getF32FloatAttr(0.0f)));
    Value mask = partial > 0 ? laneMask(b, loc, lanes, partial) : Value();
    auto load = [&](Value buf, SmallVector<Value> idx, int64_t v) -> Value {
      if (mask && v == fv - 1)
        return vector::MaskedLoadOp::create(b, loc, vecType(), buf, idx, mask,
                                            zero);
      return vector::LoadOp::create(b, loc, vecType(), buf, idx);
    };
    SmallVector<Value> pixel(p), channel(fv);
    for (int64_t q = 0; q < p; ++q)
      pixel[q] = plus(j0, q);
    for (int64_t v = 0; v < fv; ++v)
      channel[v] = plus(f0, v * lanes);
    SmallVector<Value> accs;
    for (int64_t q = 0; q < p; ++q)
      for (int64_t v = 0; v < fv; ++v)
        accs.push_back(load(out, {n, i, pixel[q], channel[v]}, v));

    auto cLoop = scf::ForOp::create(b, loc, index(0), index(c), index(1), accs);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(cLoop.getBody());
      Value ci = cLoop.getInductionVar();
      auto aLoop = scf::ForOp::create(b, loc, index(0), index(kh), index(1),
                                      cLoop.getRegionIterArgs());
      b.setInsertionPointToStart(aLoop.getBody());
      Value a = aLoop.getInductionVar();
      Value row = apply(rowMap, 1, i, 5, a);
      SmallVector<Value> acc(aLoop.getRegionIterArgs());
      for (int64_t kb = 0; kb < kw; ++kb) {
        SmallVector<Value> w;
        for (int64_t v = 0; v < fv; ++v)
          w.push_back(load(wt, {ci, a, index(kb), channel[v]}, v));
        for (int64_t q = 0; q < p; ++q) {
          Value col = apply(colMap, 2, pixel[q], 6, index(kb));
          Value s =
              memref::LoadOp::create(b, loc, x, ValueRange{n, ci, row, col});
          Value splat = vector::BroadcastOp::create(b, loc, vecType(), s);
          for (int64_t v = 0; v < fv; ++v) {
            Value &sum = acc[q * fv + v];
            sum = vector::FMAOp::create(b, loc, splat, w[v], sum);
          }
        }
      }
      scf::YieldOp::create(b, loc, acc);
      b.setInsertionPointAfter(aLoop);
      scf::YieldOp::create(b, loc, aLoop.getResults());
    }
    for (int64_t q = 0; q < p; ++q)
      for (int64_t v = 0; v < fv; ++v) {
        Value value = cLoop.getResult(q * fv + v);
        SmallVector<Value> idx = {n, i, pixel[q], channel[v]};
        if (mask && v == fv - 1)
          vector::MaskedStoreOp::create(b, loc, out, idx, mask, value);
        else
          vector::StoreOp::create(b, loc, value, out, idx);
      }
  }
};

/// The weight gradient channels-last: dwt[c, a, b, f] += x[n, c, row(i, a),
/// col(j, b)] * gt[n, i, j, f], loops (c, a, b, f) parallel, (n, i, j)
/// reductions. Tiles of P kernel taps t = (c, a, b) (in that order,
/// consecutive) by FV vectors of channels whose accumulators stay in
/// registers over the whole batch:
///
///   acc[t][v] = dwt[t, f + v VW ...]
///   for n, for i, for j:
///     g[v] = gt[n, i, j, f + v VW ...]                      (FV loads)
///     acc[t][v] += broadcast(x[n, c_t, row(i, a_t), col(j, b_t)]) * g[v]
///   dwt[t, f + v VW ...] = acc[t][v]
class GradWeightEmitter : KernelBuilder {
public:
  GradWeightEmitter(linalg::GenericOp op, int64_t lanes, ConvBlock block)
      : KernelBuilder(op, lanes), op(op), block(block) {
    x = op.getDpsInputOperand(0)->get();
    gt = op.getDpsInputOperand(1)->get();
    dwt = op.getDpsInitOperand(0)->get();
    auto dwType = cast<MemRefType>(dwt.getType());
    auto gType = cast<MemRefType>(gt.getType());
    c = dwType.getDimSize(0);
    kh = dwType.getDimSize(1);
    kw = dwType.getDimSize(2);
    f = dwType.getDimSize(3);
    oh = gType.getDimSize(1);
    ow = gType.getDimSize(2);
    AffineMap xMap = op.getIndexingMapsArray()[0];
    rowMap = AffineMap::get(7, 0, xMap.getResult(2), op.getContext());
    colMap = AffineMap::get(7, 0, xMap.getResult(3), op.getContext());
  }

  void run() {
    int64_t taps = c * kh * kw, p = block.vectors, full = taps / p * p;
    if (full > 0) {
      OpBuilder::InsertionGuard guard(b);
      auto loop = scf::ForOp::create(b, loc, index(0), index(full), index(p));
      b.setInsertionPointToStart(loop.getBody());
      channelTiles(loop.getInductionVar(), p);
    }
    if (full < taps)
      channelTiles(index(full), taps - full);
    op->erase();
  }

private:
  linalg::GenericOp op;
  ConvBlock block;
  Value x, gt, dwt;
  int64_t c, kh, kw, f, oh, ow;
  AffineMap rowMap, colMap;

  void channelTiles(Value t0, int64_t p) {
    int64_t fv = block.channels, step = fv * lanes, full = f / step * step;
    if (full > 0) {
      OpBuilder::InsertionGuard guard(b);
      auto loop =
          scf::ForOp::create(b, loc, index(0), index(full), index(step));
      b.setInsertionPointToStart(loop.getBody());
      tile(t0, p, loop.getInductionVar(), fv, 0);
    }
    if (full < f) {
      int64_t rest = f - full;
      tile(t0, p, index(full), (rest + lanes - 1) / lanes, rest % lanes);
    }
  }

  void tile(Value t0, int64_t p, Value f0, int64_t fv, int64_t partial) {
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType(), b.getF32FloatAttr(0.0f)));
    Value mask = partial > 0 ? laneMask(b, loc, lanes, partial) : Value();
    auto load = [&](Value buf, SmallVector<Value> idx, int64_t v) -> Value {
      if (mask && v == fv - 1)
        return vector::MaskedLoadOp::create(b, loc, vecType(), buf, idx, mask,
                                            zero);
      return vector::LoadOp::create(b, loc, vecType(), buf, idx);
    };
    // The taps' (c, a, b), once per tile.
    SmallVector<Value> tc(p), ta(p), tb(p), channel(fv);
    for (int64_t q = 0; q < p; ++q) {
      Value t =
          q == 0 ? t0 : arith::AddIOp::create(b, loc, t0, index(q)).getResult();
      tc[q] = arith::DivUIOp::create(b, loc, t, index(kh * kw));
      Value ab = arith::RemUIOp::create(b, loc, t, index(kh * kw));
      ta[q] = arith::DivUIOp::create(b, loc, ab, index(kw));
      tb[q] = arith::RemUIOp::create(b, loc, ab, index(kw));
    }
    for (int64_t v = 0; v < fv; ++v)
      channel[v] =
          v == 0
              ? f0
              : arith::AddIOp::create(b, loc, f0, index(v * lanes)).getResult();
    SmallVector<Value> accs;
    for (int64_t q = 0; q < p; ++q)
      for (int64_t v = 0; v < fv; ++v)
        accs.push_back(load(dwt, {tc[q], ta[q], tb[q], channel[v]}, v));

    Value n = memref::DimOp::create(b, loc, gt, 0);
    auto nLoop = scf::ForOp::create(b, loc, index(0), n, index(1), accs);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(nLoop.getBody());
      Value nIv = nLoop.getInductionVar();
      auto iLoop = scf::ForOp::create(b, loc, index(0), index(oh), index(1),
                                      nLoop.getRegionIterArgs());
      b.setInsertionPointToStart(iLoop.getBody());
      Value i = iLoop.getInductionVar();
      SmallVector<Value> rows(p);
      for (int64_t q = 0; q < p; ++q)
        rows[q] = apply(rowMap, 5, i, 1, ta[q]);
      auto jLoop = scf::ForOp::create(b, loc, index(0), index(ow), index(1),
                                      iLoop.getRegionIterArgs());
      b.setInsertionPointToStart(jLoop.getBody());
      Value j = jLoop.getInductionVar();
      SmallVector<Value> acc(jLoop.getRegionIterArgs());
      SmallVector<Value> g;
      for (int64_t v = 0; v < fv; ++v)
        g.push_back(load(gt, {nIv, i, j, channel[v]}, v));
      for (int64_t q = 0; q < p; ++q) {
        Value col = apply(colMap, 6, j, 2, tb[q]);
        Value s = memref::LoadOp::create(b, loc, x,
                                         ValueRange{nIv, tc[q], rows[q], col});
        Value splat = vector::BroadcastOp::create(b, loc, vecType(), s);
        for (int64_t v = 0; v < fv; ++v) {
          Value &sum = acc[q * fv + v];
          sum = vector::FMAOp::create(b, loc, splat, g[v], sum);
        }
      }
      scf::YieldOp::create(b, loc, acc);
      b.setInsertionPointAfter(jLoop);
      scf::YieldOp::create(b, loc, jLoop.getResults());
      b.setInsertionPointAfter(iLoop);
      scf::YieldOp::create(b, loc, iLoop.getResults());
    }
    for (int64_t q = 0; q < p; ++q)
      for (int64_t v = 0; v < fv; ++v) {
        Value value = nLoop.getResult(q * fv + v);
        SmallVector<Value> idx = {tc[q], ta[q], tb[q], channel[v]};
        if (mask && v == fv - 1)
          vector::MaskedStoreOp::create(b, loc, dwt, idx, mask, value);
        else
          vector::StoreOp::create(b, loc, value, dwt, idx);
      }
  }
};

} // namespace

const char *rejectChannelsLastGradWeight(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 7)
    return "not a channels-last weight gradient";
  MLIRContext *context = op.getContext();
  AffineExpr c, a, b, f, n, i, j;
  bindDims(context, c, a, b, f, n, i, j);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[1] != AffineMap::get(7, 0, {n, i, j, f}, context) ||
      maps[2] != AffineMap::get(7, 0, {c, a, b, f}, context) ||
      maps[0].getNumResults() != 4 || maps[0].getResult(0) != n ||
      maps[0].getResult(1) != c || !onlyDims(maps[0].getResult(2), 5, 1) ||
      !onlyDims(maps[0].getResult(3), 6, 2))
    return "not a channels-last weight gradient";
  return rejectChannelsLastShape(op, "not a channels-last weight gradient",
                                 /*staticInit=*/true);
}

void emitChannelsLastGradWeight(linalg::GenericOp op, int64_t lanes,
                                ConvBlock block) {
  GradWeightEmitter(op, lanes, block).run();
}

void emitChannelsLastConv(linalg::GenericOp op, int64_t lanes,
                          ConvBlock block) {
  Emitter(op, lanes, block).run();
}

} // namespace deepc
