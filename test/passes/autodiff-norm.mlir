// RUN: deepc-opt %s -split-input-file --deepc-autodiff | FileCheck %s
// RUN: deepc-opt %s -split-input-file --deepc-autodiff=mode=grad | FileCheck %s --check-prefix=GRAD

// Running statistics (nn.buffer parameters) are not trained: no gradient,
// no optimizer state; the step returns, at their place among the
// parameters, the values the function returned under their names. The
// dropout counter is state the function itself threads through.

// CHECK-LABEL: func.func @fit
// CHECK-SAME: %{{.*}}: tensor<4xf32> {nn.param = "bn.weight"}
// CHECK-SAME: %{{.*}}: tensor<4xf32> {nn.buffer, nn.param = "bn.running_mean"}
// CHECK-SAME: %[[STEP:.*]]: tensor<f32> {nn.state = "__opt__.dropout_step"}
// CHECK-SAME: %{{.*}}: tensor<4xf32> {nn.state = "__opt__.bn.weight.momentum_buffer"}
// CHECK-NOT: running_mean.momentum_buffer
// CHECK-SAME: %{{.*}}: tensor<f32> {nn.lr}
// CHECK-SAME: -> (tensor<f32> {nn.loss}, tensor<f32> {nn.state = "__opt__.dropout_step"}, tensor<4xf32> {nn.param = "bn.weight"}, tensor<4xf32> {nn.param = "bn.running_mean"}, tensor<4xf32> {nn.state = "__opt__.bn.weight.momentum_buffer"})
// CHECK: %[[Y:.*]], %[[MEAN:.*]], %{{.*}} = nn.batchnorm_train
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %[[MEAN]], %{{.*}} :
func.func @fit(%x: tensor<?x4xf32> {nn.input = "x"}, %w: tensor<4xf32> {nn.param = "bn.weight"},
               %m: tensor<4xf32> {nn.buffer, nn.param = "bn.running_mean"},
               %step: tensor<f32> {nn.state = "__opt__.dropout_step"})
    -> (tensor<f32>, tensor<4xf32> {nn.param = "bn.running_mean"}, tensor<f32> {nn.state = "__opt__.dropout_step"})
    attributes {nn.train = {optimizer = "sgd", momentum = 0.9 : f64}} {
  %y:3 = nn.batchnorm_train %x, %w, %w, %m, %w {eps = 1.0e-05 : f64, momentum = 0.1 : f64} : tensor<?x4xf32>, tensor<4xf32>
  %d = nn.dropout %y#0, %step {p = 0.5 : f64, seed = 0 : i64, stream = 0 : i64} : tensor<?x4xf32>, tensor<f32>
  %s = nn.reduce_sum %d axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  %one = nn.constant dense<1.0> : tensor<f32>
  %next = nn.add %step, %one : tensor<f32>, tensor<f32> -> tensor<f32>
  return %s, %y#1, %next : tensor<f32>, tensor<4xf32>, tensor<f32>
}

// GRAD-LABEL: func.func @fit
// GRAD-SAME: -> (tensor<f32> {nn.loss}, tensor<4xf32> {nn.grad = "bn.weight"}, tensor<4xf32> {nn.grad = "bn.running_mean"})
// GRAD: %[[ZERO:.*]] = nn.constant dense<0.000000e+00> : tensor<4xf32>
// GRAD: return %{{.*}}, %{{.*}}, %[[ZERO]] :
