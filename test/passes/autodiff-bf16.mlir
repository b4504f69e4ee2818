// RUN: deepc-opt %s --deepc-autodiff | FileCheck %s

// A bf16 parameter, read through its f32 extension: its gradient is that
// extension's f32 adjoint (not rounded), the momentum buffer is f32, the
// update is computed in f32 and rounded to bf16 once.

// CHECK-LABEL: func.func @bf16_param
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32> {nn.input = "x"}, %[[W:.*]]: tensor<4xbf16> {nn.param = "w"}, %[[BUF:.*]]: tensor<4xf32> {nn.state = "__opt__.w.momentum_buffer"}, %[[LR:.*]]: tensor<f32> {nn.lr})
// CHECK-SAME: -> (tensor<f32> {nn.loss}, tensor<4xbf16> {nn.param = "w"}, tensor<4xf32> {nn.state = "__opt__.w.momentum_buffer"})
// CHECK: %[[W32:.*]] = nn.cast %[[W]] : tensor<4xbf16> -> tensor<4xf32>
// CHECK: %[[G:.*]] = nn.reduce_sum %{{.*}} axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
// CHECK-NOT: tensor<4xbf16>
// CHECK: %[[M:.*]] = nn.mul %{{.*}}, %[[BUF]] : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
// CHECK: %[[NB:.*]] = nn.add %[[M]], %[[G]] : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
// CHECK: %[[STEP:.*]] = nn.mul %[[LR]], %[[NB]]
// CHECK: %[[NEW:.*]] = nn.sub %[[W32]], %[[STEP]] : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
// CHECK: %[[NEW16:.*]] = nn.cast %[[NEW]] : tensor<4xf32> -> tensor<4xbf16>
// CHECK: return %{{.*}}, %[[NEW16]], %[[NB]]
func.func @bf16_param(%x: tensor<?x4xf32> {nn.input = "x"}, %w: tensor<4xbf16> {nn.param = "w"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64, momentum = 0.9 : f64}} {
  %0 = nn.cast %w : tensor<4xbf16> -> tensor<4xf32>
  %1 = nn.mul %x, %0 : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %2 = nn.reduce_sum %1 axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
