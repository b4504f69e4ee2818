//===- NNGradientsConv.cpp - Gradient rules of convolution and pooling ----===//
//
// Each rule hands its adjoint to a gradient op (nn.conv2d_grad_input,
// nn.conv2d_grad_weight, nn.maxpool2d_grad, nn.avgpool2d_grad), lowered
// in passes/LowerNNConv.cpp, as PyTorch's convolution_backward and
// max_pool2d_with_indices_backward are kernels of their own.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

using namespace mlir;
using namespace deepc::nn;

/// y = conv2d(x, w, b): dx is the transposed convolution of dy with w, dw
/// the correlation of dy with the padded x (both with y's dilation and
/// groups), db the sum of dy over N, H, W.
LogicalResult Conv2dOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                             SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  Location loc = getLoc();
  Value x = getInput(), w = getWeight();
  out.push_back(Conv2dGradInputOp::create(b, loc, x.getType(), g, w,
                                          getStride(), getPadding(),
                                          getDilation(), getGroups()));
  out.push_back(Conv2dGradWeightOp::create(b, loc, w.getType(), g, x,
                                           getStride(), getPadding(),
                                           getDilation(), getGroups()));
  if (Value bias = getBias())
    out.push_back(
        gb.sumToType(gb.sum(g, {0, 2, 3}, /*keepdims=*/false), bias.getType()));
  return success();
}

/// The adjoint goes to the first maximum of each window.
LogicalResult MaxPool2dOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(MaxPool2dGradOp::create(b, getLoc(), g, getInput(), getKernel(),
                                        getStride()));
  return success();
}

/// The adjoint is spread evenly over each window.
LogicalResult AvgPool2dOp::buildOperandAdjoints(OpBuilder &b,
                                                ValueRange adjoints,
                                                SmallVectorImpl<Value> &out) {
  auto [g, gb] = singleAdjoint(b, *this, adjoints);
  out.push_back(AvgPool2dGradOp::create(b, getLoc(), getInput().getType(), g,
                                        getKernel(), getStride()));
  return success();
}
