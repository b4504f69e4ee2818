// RUN: deepc-opt %s --deepc-autodiff=mode=split | FileCheck %s

// mode=split (docs/DISTRIBUTED.md): the train function keeps its loss and
// other results and returns the gradients of the parameters the loss
// reaches (not `u`); @fit_update takes the parameters, those gradients, the
// state of every parameter and the rate, clips by the norm of all the
// gradients it is given and applies SGD with momentum; `u` keeps its value
// and state, and the bf16 parameter is updated in f32 and rounded once.

// CHECK-LABEL: func.func @fit(
// CHECK-SAME: -> (tensor<f32> {nn.loss}, tensor<?x3xf32>, tensor<3xf32> {nn.grad = "w"}, tensor<3xf32> {nn.grad = "h"})
// CHECK-SAME: nn.autodiff = "split"
// CHECK: return
// CHECK-LABEL: func.func @fit_update(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3xf32> {nn.param = "w"}, %[[H:[^:]*]]: tensor<3xbf16> {nn.param = "h"}, %[[U:[^:]*]]: tensor<2xf32> {nn.param = "u"},
// CHECK-SAME: %[[GW:[^:]*]]: tensor<3xf32> {nn.grad = "w"}, %[[GH:[^:]*]]: tensor<3xf32> {nn.grad = "h"},
// CHECK-SAME: %[[BW:[^:]*]]: tensor<3xf32> {nn.state = "__opt__.w.momentum_buffer"}, %[[BH:[^:]*]]: tensor<3xf32> {nn.state = "__opt__.h.momentum_buffer"}, %[[BU:[^:]*]]: tensor<2xf32> {nn.state = "__opt__.u.momentum_buffer"},
// CHECK-SAME: %[[LR:[^:]*]]: tensor<f32> {nn.lr})
// CHECK-SAME: -> (tensor<3xf32> {nn.param = "w"}, tensor<3xbf16> {nn.param = "h"}, tensor<2xf32> {nn.param = "u"}, tensor<3xf32> {nn.state = "__opt__.w.momentum_buffer"}, tensor<3xf32> {nn.state = "__opt__.h.momentum_buffer"}, tensor<2xf32> {nn.state = "__opt__.u.momentum_buffer"})
// CHECK-SAME: nn.autodiff = "update"
// CHECK: %[[HF:.*]] = nn.cast %[[H]] : tensor<3xbf16> -> tensor<3xf32>
// CHECK: nn.mul %[[GW]], %[[GW]]
// CHECK: nn.mul %[[GH]], %[[GH]]
// CHECK: %[[NORM:.*]] = nn.sqrt
// CHECK: %[[COEF:.*]] = nn.min
// CHECK: %[[CW:.*]] = nn.mul %[[GW]], %[[COEF]]
// CHECK: %[[CH:.*]] = nn.mul %[[GH]], %[[COEF]]
// CHECK: %[[MW:.*]] = nn.mul %{{.*}}, %[[BW]]
// CHECK: %[[NBW:.*]] = nn.add %[[MW]], %[[CW]]
// CHECK: %[[SW:.*]] = nn.mul %[[LR]], %[[NBW]]
// CHECK: %[[NW:.*]] = nn.sub %[[W]], %[[SW]]
// CHECK: %[[NH32:.*]] = nn.sub %[[HF]], %{{.*}}
// CHECK: %[[NH:.*]] = nn.cast %[[NH32]] : tensor<3xf32> -> tensor<3xbf16>
// CHECK: return %[[NW]], %[[NH]], %[[U]], %[[NBW]], %{{.*}}, %[[BU]]
func.func @fit(%x: tensor<?x3xf32> {nn.input = "x"}, %w: tensor<3xf32> {nn.param = "w"},
               %h: tensor<3xbf16> {nn.param = "h"}, %u: tensor<2xf32> {nn.param = "u"}) -> (tensor<f32>, tensor<?x3xf32>)
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64, momentum = 0.5 : f64, clip_norm = 1.0 : f64}} {
  %hf = nn.cast %h : tensor<3xbf16> -> tensor<3xf32>
  %0 = nn.mul %x, %w : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32>
  %1 = nn.mul %0, %hf : tensor<?x3xf32>, tensor<3xf32> -> tensor<?x3xf32>
  %2 = nn.reduce_sum %1 axes = [0, 1] : tensor<?x3xf32> -> tensor<f32>
  return %2, %1 : tensor<f32>, tensor<?x3xf32>
}
