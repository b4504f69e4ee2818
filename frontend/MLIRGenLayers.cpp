//===- MLIRGenLayers.cpp - Convolution and pooling layers -----------------===//
//
// conv2d, maxpool2d and avgpool2d with the kernel, stride and padding Sema
// resolved (frontend/SemaLayers.cpp); conv2d's parameters are arguments of
// the function already, under `<binding>.weight` and `<binding>.bias`.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "ir/NNOps.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::Value;

Value MLIRGen::genWindowLayer(const CallExpr &call) {
  Value x = gen(*call.resolved[0]);
  if (!x)
    return nullptr;
  mlir::Location l = loc(call.getLoc());
  switch (call.builtin) {
  case Builtin::Conv2d:
    return nn::Conv2dOp::create(
        builder, l, x, toCompute(scope.params.lookup(call.params[0].name)),
        toCompute(scope.params.lookup(call.params[1].name)), call.stride,
        call.padding);
  case Builtin::MaxPool2d:
    return nn::MaxPool2dOp::create(builder, l, x, call.kernel, call.stride);
  case Builtin::AvgPool2d:
    return nn::AvgPool2dOp::create(builder, l, x, call.kernel, call.stride);
  default:
    llvm_unreachable("not a window layer");
  }
}
