//===- MLIRGenLayers.cpp - Convolution and pooling layers -----------------===//
//
// conv1d, conv2d and the pools with the kernel, stride, padding, dilation
// and groups Sema resolved (frontend/SemaLayers.cpp); the convolutions'
// parameters are arguments of the function already, under
// `<binding>.weight` and `<binding>.bias`. The 1-D forms are their 2-D ops
// on a height of 1: `[N, C, L]` is reshaped to `[N, C, 1, L]` and back, and
// a conv1d weight `[F, C, K]` (PyTorch's shape, as stored) to
// `[F, C, 1, K]`. `padding = same` with an odd total pads the extra zeros
// after the input first (nn.pad), as PyTorch does.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "ir/NNOps.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::RankedTensorType;
using mlir::Value;

/// `v` with a dimension of size 1 inserted before dimension 2 (`[N, C, L]`
/// as `[N, C, 1, L]`), or that dimension dropped when `drop`.
static Value unitHeight(mlir::OpBuilder &b, mlir::Location l, Value v,
                        bool drop) {
  auto type = mlir::cast<RankedTensorType>(v.getType());
  llvm::SmallVector<int64_t, 4> shape(type.getShape());
  if (drop)
    shape.erase(shape.begin() + 2);
  else
    shape.insert(shape.begin() + 2, 1);
  return nn::ReshapeOp::create(
      b, l, RankedTensorType::get(shape, type.getElementType()), v);
}

/// The `[out, in]` matrix `m` of a linear resampling along one dimension,
/// `y[i] = sum_k m[i, k] x[k]`, as PyTorch computes it: the mean of bin
/// `[floor(i in / out), ceil((i + 1) in / out))` (adaptive average
/// pooling), `x[floor(i / scale)]` (nearest), or the linear interpolation at
/// `(i + 0.5) / scale - 0.5` clamped at 0 (bilinear, align_corners=False),
/// scale = out / in; `transposed`: the `[in, out]` matrix. Null when it is
/// the identity.
static Value resampleMatrix(mlir::OpBuilder &b, mlir::Location l,
                            mlir::FloatType elem, int64_t out, int64_t in,
                            Builtin kind, bool bilinear, bool transposed) {
  if (out == in)
    return nullptr;
  std::vector<double> m(out * in, 0.0);
  for (int64_t i = 0; i < out; ++i) {
    double *row = &m[i * in];
    if (kind == Builtin::AdaptiveAvgPool2d) {
      int64_t start = i * in / out, end = ((i + 1) * in + out - 1) / out;
      for (int64_t k = start; k < end; ++k)
        row[k] = 1.0 / double(end - start);
    } else if (!bilinear) {
      row[std::min(i * in / out, in - 1)] = 1.0;
    } else {
      // PyTorch's area_pixel_compute_source_index, in f32 as PyTorch's f32
      // kernel.
      float src =
          std::max(float(in) / float(out) * (float(i) + 0.5f) - 0.5f, 0.0f);
      int64_t k0 = std::min(int64_t(src), in - 1);
      int64_t k1 = k0 < in - 1 ? k0 + 1 : k0;
      float w1 = src - float(k0);
      row[k0] += 1.0f - w1;
      row[k1] += w1;
    }
  }
  llvm::SmallVector<llvm::APFloat> values;
  for (int64_t k = 0; k < out * in; ++k) {
    llvm::APFloat f(transposed ? m[k % out * in + k / out] : m[k]);
    bool lost;
    f.convert(elem.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    values.push_back(f);
  }
  auto type = transposed ? RankedTensorType::get({in, out}, elem)
                         : RankedTensorType::get({out, in}, elem);
  return nn::ConstantOp::create(
      b, l,
      llvm::cast<mlir::ElementsAttr>(
          mlir::DenseElementsAttr::get(type, values)));
}

/// adaptive_avgpool2d and upsample2d: `Mh x MwT` on the last two dims of
/// `x[N, C, H, W]` (two nn.matmul with constants, whose gradient rules give
/// the backward pass), and global_avgpool, nn.reduce_mean over H and W.
Value MLIRGen::genResample(const CallExpr &call, Value x) {
  mlir::Location l = loc(call.getLoc());
  if (call.builtin == Builtin::GlobalAvgPool)
    return nn::ReduceMeanOp::create(builder, l, x,
                                    builder.getDenseI64ArrayAttr({2, 3}),
                                    builder.getBoolAttr(false));
  auto type = mlir::cast<RankedTensorType>(x.getType());
  auto elem = mlir::cast<mlir::FloatType>(type.getElementType());
  bool up = call.builtin == Builtin::Upsample2d;
  int64_t h = type.getDimSize(2), w = type.getDimSize(3);
  int64_t oh = up ? h * call.kernel[0] : call.kernel[0];
  int64_t ow = up ? w * call.kernel[1] : call.kernel[1];
  if (Value rows = resampleMatrix(builder, l, elem, oh, h, call.builtin,
                                  call.bilinear, false))
    x = nn::MatmulOp::create(builder, l, rows, x);
  if (Value cols = resampleMatrix(builder, l, elem, ow, w, call.builtin,
                                  call.bilinear, true))
    x = nn::MatmulOp::create(builder, l, x, cols);
  return x;
}

Value MLIRGen::genWindowLayer(const CallExpr &call) {
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  mlir::Location l = loc(call.getLoc());
  if (call.builtin == Builtin::GlobalAvgPool ||
      call.builtin == Builtin::AdaptiveAvgPool2d ||
      call.builtin == Builtin::Upsample2d)
    return genResample(call, x);
  bool oneD = call.builtin == Builtin::Conv1d ||
              call.builtin == Builtin::MaxPool1d ||
              call.builtin == Builtin::AvgPool1d;
  if (oneD)
    x = unitHeight(builder, l, x, false);
  Value result;
  switch (call.builtin) {
  case Builtin::Conv1d:
  case Builtin::Conv2d: {
    Value w = toCompute(scope.params.lookup(call.params[0].name));
    if (oneD)
      w = unitHeight(builder, l, w, false);
    if (call.padExtra[0] || call.padExtra[1])
      x = nn::PadOp::create(builder, l, x, {0, 0, 0, 0},
                            {0, 0, call.padExtra[0], call.padExtra[1]});
    result = nn::Conv2dOp::create(
        builder, l, x, w, toCompute(scope.params.lookup(call.params[1].name)),
        call.stride, call.padding, call.dilation, call.groups);
    break;
  }
  case Builtin::MaxPool1d:
  case Builtin::MaxPool2d:
    result = nn::MaxPool2dOp::create(builder, l, x, call.kernel, call.stride);
    break;
  case Builtin::AvgPool1d:
  case Builtin::AvgPool2d:
    result = nn::AvgPool2dOp::create(builder, l, x, call.kernel, call.stride);
    break;
  default:
    llvm_unreachable("not a window layer");
  }
  return oneD ? unitHeight(builder, l, result, true) : result;
}
