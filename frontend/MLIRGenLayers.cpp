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

Value MLIRGen::genWindowLayer(const CallExpr &call) {
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  mlir::Location l = loc(call.getLoc());
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
