//===- LowerNNNorm.cpp - batchnorm and dropout to linalg ------------------===//
//
// Batch normalization lowers by decomposition into `nn` ops (reductions
// over every dimension but the channel, per-channel vectors broadcast back),
// which the other patterns of the pass then lower, as the losses do:
//
//   inference: a = w / sqrt(running_var + eps), y = x a + (b - running_mean a)
//   training:  mean, var (biased) over the batch; y = (x - mean) w / sqrt(var
//              + eps) + b; running stats (1 - m) r + m stat, the variance
//              taken unbiased (times M / (M - 1), M the elements per channel)
//
// Dropout lowers to one linalg.generic whose body hashes (seed, stream,
// counter, row-major index) into 24 random bits (docs/DIALECT.md,
// "Dropout"): an element is kept when they are at least round(p 2^24).
//
//===----------------------------------------------------------------------===//

#include "ir/NNOps.h"
#include "passes/LowerNNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace deepc;
using namespace deepc::lowering;

/// Every axis of `x` but the channel (1).
static SmallVector<int64_t> statAxes(Value x) {
  SmallVector<int64_t> axes = llvm::to_vector(
      llvm::seq<int64_t>(0, cast<RankedTensorType>(x.getType()).getRank()));
  axes.erase(axes.begin() + 1);
  return axes;
}

/// M / max(M - 1, 1) as a rank-0 tensor of `type`, M being the number of
/// elements of `x` over `axes` (read at run time where dynamic).
static Value besselFactor(OpBuilder &b, Location loc, Value x,
                          ArrayRef<int64_t> axes, Type type) {
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t axis : axes)
    count = arith::MulIOp::create(b, loc, count,
                                  tensor::DimOp::create(b, loc, x, axis));
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value less = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, count, one), one);
  auto toFloat = [&](Value index) {
    Value i = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
    return arith::SIToFPOp::create(b, loc, type, i);
  };
  Value factor = arith::DivFOp::create(b, loc, toFloat(count), toFloat(less));
  return tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, type),
                                        ValueRange{factor});
}

namespace {

struct BatchNormLowering : OpConversionPattern<nn::BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Type elt = op.getType().getElementType();
    SmallVector<int64_t> axes = statAxes(x);
    auto perChannel = [&](Value c) {
      return nn::BroadcastToOp::create(rewriter, loc, c, x, axes);
    };
    Value s = nn::RsqrtOp::create(
        rewriter, loc,
        nn::AddOp::create(
            rewriter, loc, adaptor.getRunningVar(),
            nnScalar(rewriter, loc, elt, op.getEps().convertToDouble())));
    Value a = nn::MulOp::create(rewriter, loc, adaptor.getWeight(), s);
    Value shift = nn::SubOp::create(
        rewriter, loc, adaptor.getBias(),
        nn::MulOp::create(rewriter, loc, adaptor.getRunningMean(), a));
    Value y = nn::AddOp::create(
        rewriter, loc, nn::MulOp::create(rewriter, loc, x, perChannel(a)),
        perChannel(shift));
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct BatchNormTrainLowering : OpConversionPattern<nn::BatchNormTrainOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::BatchNormTrainOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Type elt = op.getResult().getType().getElementType();
    SmallVector<int64_t> axes = statAxes(x);
    auto perChannel = [&](Value c) {
      return nn::BroadcastToOp::create(rewriter, loc, c, x, axes);
    };
    auto cst = [&](double v) { return nnScalar(rewriter, loc, elt, v); };
    auto mul = [&](Value p, Value q) {
      return nn::MulOp::create(rewriter, loc, p, q);
    };
    auto add = [&](Value p, Value q) {
      return nn::AddOp::create(rewriter, loc, p, q);
    };
    Value mean = nn::ReduceMeanOp::create(rewriter, loc, x, axes, false);
    Value centred = nn::SubOp::create(rewriter, loc, x, perChannel(mean));
    Value var = nn::ReduceMeanOp::create(rewriter, loc, mul(centred, centred),
                                         axes, false);
    Value s = nn::RsqrtOp::create(rewriter, loc,
                                  add(var, cst(op.getEps().convertToDouble())));
    Value y = add(mul(centred, perChannel(mul(s, adaptor.getWeight()))),
                  perChannel(adaptor.getBias()));
    double m = op.getMomentum().convertToDouble();
    Value newMean =
        add(mul(cst(1 - m), adaptor.getRunningMean()), mul(cst(m), mean));
    Value unbiased = mul(var, besselFactor(rewriter, loc, x, axes, elt));
    Value newVar =
        add(mul(cst(1 - m), adaptor.getRunningVar()), mul(cst(m), unbiased));
    rewriter.replaceOp(op, {y, newMean, newVar});
    return success();
  }
};

} // namespace

/// MurmurHash3's 64-bit finalizer, in arith ops on i64.
static Value fmix64(OpBuilder &b, Location loc, Value h) {
  auto c = [&](uint64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(int64_t(v)));
  };
  auto xorShift = [&](Value v) {
    return arith::XOrIOp::create(b, loc, v,
                                 arith::ShRUIOp::create(b, loc, v, c(33)));
  };
  h = xorShift(h);
  h = arith::MulIOp::create(b, loc, h, c(0xff51afd7ed558ccdULL));
  h = xorShift(h);
  h = arith::MulIOp::create(b, loc, h, c(0xc4ceb9fe1a85ec53ULL));
  return xorShift(h);
}

/// The same finalizer on the host, for the compile-time part of the key.
static uint64_t fmix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

namespace {

struct DropoutLowering : OpConversionPattern<nn::DropoutOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(nn::DropoutOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    double p = op.getP().convertToDouble();
    uint64_t key = fmix64(uint64_t(op.getSeed()) * 0x9E3779B97F4A7C15ULL +
                          uint64_t(op.getStream()));
    uint64_t threshold = uint64_t(std::llround(p * 16777216.0));
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      sizes.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    auto body = [&](OpBuilder &b, Location l, ValueRange args) -> Value {
      auto c = [&](uint64_t v) {
        return arith::ConstantOp::create(b, l, b.getI64IntegerAttr(int64_t(v)));
      };
      Value index = arith::ConstantIndexOp::create(b, l, 0);
      for (int64_t d = 0; d < type.getRank(); ++d)
        index = arith::AddIOp::create(
            b, l, arith::MulIOp::create(b, l, index, sizes[d]),
            linalg::IndexOp::create(b, l, d));
      Value i64 = arith::IndexCastOp::create(b, l, b.getI64Type(), index);
      Value counter = arith::FPToUIOp::create(b, l, b.getI64Type(), args[1]);
      Value h = fmix64(
          b, l,
          arith::XOrIOp::create(
              b, l, c(key),
              arith::MulIOp::create(b, l, counter, c(0xBF58476D1CE4E5B9ULL))));
      h = fmix64(
          b, l,
          arith::XOrIOp::create(
              b, l, h,
              arith::MulIOp::create(b, l, i64, c(0x94D049BB133111EBULL))));
      Value bits = arith::ShRUIOp::create(b, l, h, c(40));
      Value keep = arith::CmpIOp::create(b, l, arith::CmpIPredicate::uge, bits,
                                         c(threshold));
      Type elt = args[0].getType();
      Value scaled = arith::MulFOp::create(
          b, l, args[0], scalarConstant(b, l, elt, 1.0 / (1.0 - p)));
      return arith::SelectOp::create(b, l, keep, scaled,
                                     scalarConstant(b, l, elt, 0.0));
    };
    rewriter.replaceOp(op,
                       broadcastElementwise(rewriter, loc, type,
                                            {x, adaptor.getCounter()}, body));
    return success();
  }
};

} // namespace

void deepc::lowering::populateNormPatterns(RewritePatternSet &patterns) {
  patterns.add<BatchNormLowering, BatchNormTrainLowering, DropoutLowering>(
      patterns.getContext());
}
