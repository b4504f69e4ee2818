//===- VectorizeConv.cpp - Direct convolutions in target-width vectors ----===//
//
// deepc-vectorize-conv (passes/Passes.td): a linalg.conv_2d_nchw_fchw on
// buffers (stride and dilation 1, the padded input, LowerNNConv's
// takesDirectConv) becomes register-blocked vector loops of the target's
// width instead of convert-linalg-to-loops' scalar nest:
//
//   for n, for each block of FB output channels, for each output row i:
//     for each block of JB vectors along the row (the last one masked):
//       acc[f][v] = out[n, f, i, j + v VW ...]         (the bias, or 0)
//       for c, for a (kernel row), for b (kernel column, unrolled):
//         x[v] = in[n, c, i + a, j + v VW + b ...]     (JB loads)
//         acc[f][v] += broadcast(w[f, c, a, b]) * x[v] (FB broadcasts)
//       out[n, f, i, j + v VW ...] = acc[f][v]
//
// FB x JB accumulators, JB input vectors and one broadcast stay in the
// target's vector registers (FB JB + JB + 1 of them); ConvBlock.h has the
// rule that picks the block. The input rows and the block's filters are read
// from L1, and no patch matrix is written: LeNet's first convolution (1 input
// channel, 6 outputs) would otherwise write and read 25 floats a pixel.
//
// The sum over (c, a, b) runs in that order for every output element.
// Anything else (other strides or layouts, dynamic sizes but the batch) is
// left to convert-linalg-to-loops.
//
//===----------------------------------------------------------------------===//

#include "passes/ConvBlock.h"
#include "passes/ConvKernels.h"
#include "passes/Passes.h"
#include "passes/TargetModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "deepc-vectorize-conv"

namespace deepc {
#define GEN_PASS_DEF_VECTORIZECONVPASS
#include "passes/Passes.h.inc"
} // namespace deepc

using namespace mlir;

namespace {

bool unitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// Why `op` is not a convolution this pass takes (for -debug-only), or
/// nullptr.
const char *reject(linalg::Conv2DNchwFchwOp op) {
  if (!op.hasPureBufferSemantics())
    return "not on buffers";
  auto ones = [](DenseIntElementsAttr attr) {
    return llvm::all_of(attr.getValues<int64_t>(),
                        [](int64_t v) { return v == 1; });
  };
  if (!ones(op.getStrides()) || !ones(op.getDilations()))
    return "a stride or dilation other than 1";
  auto in = cast<MemRefType>(op.getDpsInputOperand(0)->get().getType());
  auto w = cast<MemRefType>(op.getDpsInputOperand(1)->get().getType());
  auto out = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
  for (MemRefType t : {in, w, out})
    if (!t.getElementType().isF32())
      return "not f32";
  if (!w.hasStaticShape())
    return "a filter of dynamic shape";
  for (int64_t d = 1; d < 4; ++d)
    if (in.isDynamicDim(d) || out.isDynamicDim(d))
      return "a dynamic size other than the batch";
  for (MemRefType t : {in, w, out})
    if (!unitInnerStride(t))
      return "rows that are not contiguous";
  return nullptr;
}

class Emitter : deepc::KernelBuilder {
public:
  Emitter(linalg::Conv2DNchwFchwOp op, int64_t lanes, deepc::ConvBlock block)
      : KernelBuilder(op, lanes), op(op), block(block) {
    in = op.getDpsInputOperand(0)->get();
    w = op.getDpsInputOperand(1)->get();
    out = op.getDpsInitOperand(0)->get();
    auto wType = cast<MemRefType>(w.getType());
    auto outType = cast<MemRefType>(out.getType());
    f = wType.getDimSize(0);
    c = wType.getDimSize(1);
    kh = wType.getDimSize(2);
    kw = wType.getDimSize(3);
    oh = outType.getDimSize(2);
    ow = outType.getDimSize(3);
  }

  void run() {
    Value n = memref::DimOp::create(b, loc, out, 0);
    auto batch = scf::ForOp::create(b, loc, index(0), n, index(1));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(batch.getBody());
      Value nIv = batch.getInductionVar();
      int64_t full = f / block.channels * block.channels;
      if (full > 0)
        channelBlocks(nIv, 0, full, block.channels);
      if (full < f)
        channelBlocks(nIv, full, f, f - full);
    }
    op->erase();
  }

private:
  linalg::Conv2DNchwFchwOp op;
  deepc::ConvBlock block;
  Value in, w, out;
  int64_t f, c, kh, kw, oh, ow;

  /// Output channels [lo, hi) in blocks of `fb`, every output row.
  void channelBlocks(Value n, int64_t lo, int64_t hi, int64_t fb) {
    auto channels = scf::ForOp::create(b, loc, index(lo), index(hi), index(fb));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(channels.getBody());
    Value f0 = channels.getInductionVar();
    auto rows = scf::ForOp::create(b, loc, index(0), index(oh), index(1));
    b.setInsertionPointToStart(rows.getBody());
    Value i = rows.getInductionVar();
    int64_t step = block.vectors * lanes;
    int64_t full = ow / step * step;
    if (full > 0) {
      auto cols =
          scf::ForOp::create(b, loc, index(0), index(full), index(step));
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(cols.getBody());
      tile(n, f0, fb, i, cols.getInductionVar(), block.vectors, 0);
    }
    if (full < ow) {
      int64_t rest = ow - full;
      tile(n, f0, fb, i, index(full), (rest + lanes - 1) / lanes, rest % lanes);
    }
  }

  /// Vector `v` of a row of `buf` at `idx` (the last of `vectors` masked to
  /// `partial` lanes when partial > 0).
  Value load(Value buf, ValueRange idx, int64_t v, int64_t vectors,
             int64_t partial, Value lastMask, Value zero) {
    if (partial > 0 && v == vectors - 1)
      return vector::MaskedLoadOp::create(b, loc, vecType(), buf, idx, lastMask,
                                          zero);
    return vector::LoadOp::create(b, loc, vecType(), buf, idx);
  }

  /// One register block: output channels f0 .. f0 + fb, row i, `vectors`
  /// vectors from column j0, the last with `partial` valid lanes (0: all).
  void tile(Value n, Value f0, int64_t fb, Value i, Value j0, int64_t vectors,
            int64_t partial) {
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType(), b.getF32FloatAttr(0.0f)));
    Value lastMask =
        partial > 0 ? deepc::laneMask(b, loc, lanes, partial) : Value();
    auto col = [&](Value base, int64_t offset) {
      return offset == 0 ? base
                         : arith::AddIOp::create(b, loc, base, index(offset))
                               .getResult();
    };
    SmallVector<Value> channel(fb);
    for (int64_t k = 0; k < fb; ++k)
      channel[k] = col(f0, k);
    SmallVector<Value> accs;
    for (int64_t k = 0; k < fb; ++k)
      for (int64_t v = 0; v < vectors; ++v)
        accs.push_back(load(out, {n, channel[k], i, col(j0, v * lanes)}, v,
                            vectors, partial, lastMask, zero));

    auto cLoop = scf::ForOp::create(b, loc, index(0), index(c), index(1), accs);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(cLoop.getBody());
      Value ci = cLoop.getInductionVar();
      auto aLoop = scf::ForOp::create(b, loc, index(0), index(kh), index(1),
                                      cLoop.getRegionIterArgs());
      b.setInsertionPointToStart(aLoop.getBody());
      Value a = aLoop.getInductionVar();
      Value row = arith::AddIOp::create(b, loc, i, a);
      SmallVector<Value> acc(aLoop.getRegionIterArgs());
      for (int64_t kb = 0; kb < kw; ++kb) {
        SmallVector<Value> x;
        for (int64_t v = 0; v < vectors; ++v)
          x.push_back(load(in, {n, ci, row, col(j0, v * lanes + kb)}, v,
                           vectors, partial, lastMask, zero));
        for (int64_t k = 0; k < fb; ++k) {
          Value s = memref::LoadOp::create(
              b, loc, w, ValueRange{channel[k], ci, a, index(kb)});
          Value splat = vector::BroadcastOp::create(b, loc, vecType(), s);
          for (int64_t v = 0; v < vectors; ++v) {
            Value &sum = acc[k * vectors + v];
            sum = vector::FMAOp::create(b, loc, splat, x[v], sum);
          }
        }
      }
      scf::YieldOp::create(b, loc, acc);
      b.setInsertionPointAfter(aLoop);
      scf::YieldOp::create(b, loc, aLoop.getResults());
    }
    for (int64_t k = 0; k < fb; ++k)
      for (int64_t v = 0; v < vectors; ++v) {
        Value value = cLoop.getResult(k * vectors + v);
        SmallVector<Value> idx = {n, channel[k], i, col(j0, v * lanes)};
        if (partial > 0 && v == vectors - 1)
          vector::MaskedStoreOp::create(b, loc, out, idx, lastMask, value);
        else
          vector::StoreOp::create(b, loc, value, out, idx);
      }
  }
};

/// Why `op` is not the weight gradient LowerNNConv's directGradWeight
/// emits (dw[f, c, a, b] += g[n, f, i, j] * xpad[n, c, i + a, j + b]), on
/// buffers, f32, static but the batch, with contiguous rows; or nullptr.
const char *rejectGradWeight(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 7)
    return "not a weight gradient";
  MLIRContext *context = op.getContext();
  AffineExpr f, c, a, bb, n, i, j;
  bindDims(context, f, c, a, bb, n, i, j);
  SmallVector<AffineMap> expected = {
      AffineMap::get(7, 0, {n, f, i, j}, context),
      AffineMap::get(7, 0, {n, c, i + a, j + bb}, context),
      AffineMap::get(7, 0, {f, c, a, bb}, context)};
  if (op.getIndexingMapsArray() != expected)
    return "not a weight gradient";
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < 7; ++d)
    if ((iterators[d] == utils::IteratorType::parallel) != (d < 4))
      return "not a weight gradient";
  if (!deepc::isMultiplyAccumulate(op))
    return "not a weight gradient";
  auto g = cast<MemRefType>(op.getDpsInputOperand(0)->get().getType());
  auto x = cast<MemRefType>(op.getDpsInputOperand(1)->get().getType());
  auto dw = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
  for (MemRefType t : {g, x, dw})
    if (!t.getElementType().isF32())
      return "not f32";
  if (!dw.hasStaticShape())
    return "a weight of dynamic shape";
  for (int64_t d = 1; d < 4; ++d)
    if (g.isDynamicDim(d) || x.isDynamicDim(d))
      return "a dynamic size other than the batch";
  for (MemRefType t : {g, x})
    if (!unitInnerStride(t))
      return "rows that are not contiguous";
  return nullptr;
}

/// The weight gradient as vector loops:
///
///   for n, for c, for a (kernel row), for each block of FB channels f:
///     acc[f][b] = 0                              (FB KW vectors)
///     for i, for each vector along the row (the last one masked to 0):
///       x[b] = xpad[n, c, i + a, j + b ...]      (KW loads)
///       acc[f][b] += g[n, f, i, j ...] * x[b]    (FB loads)
///     dw[f, c, a, b] += sum of acc[f][b]'s lanes
class GradWeightEmitter : deepc::KernelBuilder {
public:
  GradWeightEmitter(linalg::GenericOp op, int64_t lanes, int64_t fb)
      : KernelBuilder(op, lanes), op(op), fb(fb) {
    g = op.getDpsInputOperand(0)->get();
    x = op.getDpsInputOperand(1)->get();
    dw = op.getDpsInitOperand(0)->get();
    auto dwType = cast<MemRefType>(dw.getType());
    auto gType = cast<MemRefType>(g.getType());
    f = dwType.getDimSize(0);
    c = dwType.getDimSize(1);
    kh = dwType.getDimSize(2);
    kw = dwType.getDimSize(3);
    oh = gType.getDimSize(2);
    ow = gType.getDimSize(3);
  }

  void run() {
    Value n = memref::DimOp::create(b, loc, g, 0);
    auto batch = scf::ForOp::create(b, loc, index(0), n, index(1));
    b.setInsertionPointToStart(batch.getBody());
    Value nIv = batch.getInductionVar();
    auto channels = scf::ForOp::create(b, loc, index(0), index(c), index(1));
    b.setInsertionPointToStart(channels.getBody());
    Value ci = channels.getInductionVar();
    auto rows = scf::ForOp::create(b, loc, index(0), index(kh), index(1));
    b.setInsertionPointToStart(rows.getBody());
    Value a = rows.getInductionVar();
    int64_t full = f / fb * fb;
    if (full > 0)
      channelBlocks(nIv, ci, a, 0, full, fb);
    if (full < f)
      channelBlocks(nIv, ci, a, full, f, f - full);
    op->erase();
  }

private:
  linalg::GenericOp op;
  int64_t fb;
  Value g, x, dw;
  int64_t f, c, kh, kw, oh, ow;

  /// Channels [lo, hi) in blocks of `blockFb`.
  void channelBlocks(Value n, Value ci, Value a, int64_t lo, int64_t hi,
                     int64_t blockFb) {
    OpBuilder::InsertionGuard guard(b);
    auto loop =
        scf::ForOp::create(b, loc, index(lo), index(hi), index(blockFb));
    b.setInsertionPointToStart(loop.getBody());
    Value f0 = loop.getInductionVar();
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType(), b.getF32FloatAttr(0.0f)));
    SmallVector<Value> accs(blockFb * kw, zero);
    auto rowLoop =
        scf::ForOp::create(b, loc, index(0), index(oh), index(1), accs);
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(rowLoop.getBody());
      Value i = rowLoop.getInductionVar();
      Value row = arith::AddIOp::create(b, loc, i, a);
      SmallVector<Value> acc(rowLoop.getRegionIterArgs());
      int64_t full = ow / lanes * lanes;
      if (full > 0) {
        auto cols = scf::ForOp::create(b, loc, index(0), index(full),
                                       index(lanes), acc);
        OpBuilder::InsertionGuard colGuard(b);
        b.setInsertionPointToStart(cols.getBody());
        SmallVector<Value> sums(cols.getRegionIterArgs());
        step(n, ci, f0, blockFb, i, row, cols.getInductionVar(), Value(), zero,
             sums);
        scf::YieldOp::create(b, loc, sums);
        acc = SmallVector<Value>(cols.getResults());
      }
      if (full < ow) {
        Value mask = deepc::laneMask(b, loc, lanes, ow - full);
        step(n, ci, f0, blockFb, i, row, index(full), mask, zero, acc);
      }
      scf::YieldOp::create(b, loc, acc);
    }
    for (int64_t k = 0; k < blockFb; ++k) {
      Value fk = plus(f0, k);
      for (int64_t kb = 0; kb < kw; ++kb) {
        Value sum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, rowLoop.getResult(k * kw + kb),
            arith::FastMathFlags::reassoc);
        SmallVector<Value> idx = {fk, ci, a, index(kb)};
        Value old = memref::LoadOp::create(b, loc, dw, idx);
        memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, sum),
                                dw, idx);
      }
    }
  }

  /// One vector along the row from column j (masked to 0 past the row's
  /// end when `mask` is given) into `acc`.
  void step(Value n, Value ci, Value f0, int64_t blockFb, Value i, Value row,
            Value j, Value mask, Value zero, SmallVector<Value> &acc) {
    auto load = [&](Value buf, SmallVector<Value> idx) -> Value {
      if (mask)
        return vector::MaskedLoadOp::create(b, loc, vecType(), buf, idx, mask,
                                            zero);
      return vector::LoadOp::create(b, loc, vecType(), buf, idx);
    };
    SmallVector<Value> xs;
    for (int64_t kb = 0; kb < kw; ++kb)
      xs.push_back(load(x, {n, ci, row, plus(j, kb)}));
    for (int64_t k = 0; k < blockFb; ++k) {
      Value d = load(g, {n, plus(f0, k), i, j});
      for (int64_t kb = 0; kb < kw; ++kb) {
        Value &sum = acc[k * kw + kb];
        sum = vector::FMAOp::create(b, loc, d, xs[kb], sum);
      }
    }
  }
};

struct VectorizeConvPass
    : deepc::impl::VectorizeConvPassBase<VectorizeConvPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<deepc::TargetModel> target =
        deepc::getTargetModel(getOperation());
    if (failed(target))
      return signalPassFailure();
    int64_t bits = vectorBits ? int64_t(vectorBits) : target->vectorBits;
    int64_t registers =
        vectorRegisters ? int64_t(vectorRegisters) : target->vectorRegisters;
    if (bits < 128) {
      LLVM_DEBUG(llvm::dbgs() << "deepc-vectorize-conv: a target of " << bits
                              << "-bit vectors: nothing taken\n");
      return;
    }
    int64_t lanes = bits / 32;
    SmallVector<linalg::Conv2DNchwFchwOp> found;
    getOperation().walk([&](linalg::Conv2DNchwFchwOp op) {
      if (const char *why = reject(op)) {
        (void)why; // read by LLVM_DEBUG only
        LLVM_DEBUG(llvm::dbgs() << "deepc-vectorize-conv: leave "
                                << op->getLoc() << ": " << why << "\n");
        return;
      }
      found.push_back(op);
    });
    SmallVector<linalg::GenericOp> gradWeights, channelsLast, channelsLastGrads;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.getNumLoops() != 7)
        return;
      if (!deepc::rejectChannelsLastConv(op)) {
        channelsLast.push_back(op);
        return;
      }
      if (!deepc::rejectChannelsLastGradWeight(op)) {
        channelsLastGrads.push_back(op);
        return;
      }
      if (const char *why = rejectGradWeight(op)) {
        (void)why; // read by LLVM_DEBUG only
        LLVM_DEBUG(llvm::dbgs() << "deepc-vectorize-conv: leave "
                                << op->getLoc() << ": " << why << "\n");
        return;
      }
      gradWeights.push_back(op);
    });
    for (linalg::GenericOp op : gradWeights) {
      auto dw = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
      auto gType = cast<MemRefType>(op.getDpsInputOperand(0)->get().getType());
      deepc::ConvBlock block = deepc::chooseConvGradWeightBlock(
          dw.getDimSize(0), dw.getDimSize(3), gType.getDimSize(3), lanes,
          registers);
      if (block.channels == 0) {
        LLVM_DEBUG(llvm::dbgs()
                   << "deepc-vectorize-conv: leave " << op->getLoc()
                   << ": a kernel too wide for the registers\n");
        continue;
      }
      LLVM_DEBUG(llvm::dbgs()
                 << "deepc-vectorize-conv: take the weight gradient "
                 << op->getLoc() << ": " << block.channels << " channels x "
                 << dw.getDimSize(3) << " columns of " << lanes << " lanes, "
                 << int(100 * block.efficiency) << "% of the FMA slots\n");
      GradWeightEmitter(op, lanes, block.channels).run();
    }
    for (linalg::GenericOp op : channelsLast) {
      auto wt = cast<MemRefType>(op.getDpsInputOperand(1)->get().getType());
      auto outType = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
      deepc::ConvBlock block = deepc::chooseChannelConvBlock(
          wt.getDimSize(3), outType.getDimSize(2), lanes, registers);
      LLVM_DEBUG(llvm::dbgs()
                 << "deepc-vectorize-conv: take the channels-last "
                 << op->getLoc() << ": " << block.vectors << " pixels x "
                 << block.channels << " vectors of " << lanes << " lanes, "
                 << int(100 * block.efficiency) << "% of the FMA slots\n");
      deepc::emitChannelsLastConv(op, lanes, block);
    }
    for (linalg::GenericOp op : channelsLastGrads) {
      auto dwt = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
      int64_t taps = dwt.getDimSize(0) * dwt.getDimSize(1) * dwt.getDimSize(2);
      deepc::ConvBlock block = deepc::chooseChannelConvBlock(
          dwt.getDimSize(3), taps, lanes, registers);
      LLVM_DEBUG(llvm::dbgs()
                 << "deepc-vectorize-conv: take the channels-last weight "
                    "gradient "
                 << op->getLoc() << ": " << block.vectors << " taps x "
                 << block.channels << " vectors of " << lanes << " lanes, "
                 << int(100 * block.efficiency) << "% of the FMA slots\n");
      deepc::emitChannelsLastGradWeight(op, lanes, block);
    }
    for (linalg::Conv2DNchwFchwOp op : found) {
      auto wType = cast<MemRefType>(op.getDpsInputOperand(1)->get().getType());
      auto outType = cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
      deepc::ConvBlock block = deepc::chooseConvBlock(
          wType.getDimSize(0), outType.getDimSize(3), lanes, registers);
      LLVM_DEBUG(llvm::dbgs()
                 << "deepc-vectorize-conv: take " << op->getLoc() << ": "
                 << block.channels << " channels x " << block.vectors
                 << " vectors of " << lanes << " lanes, "
                 << int(100 * block.efficiency) << "% of the FMA slots\n");
      Emitter(op, lanes, block).run();
    }
  }
};

} // namespace
