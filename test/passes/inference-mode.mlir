// RUN: deepc-opt %s -split-input-file --deepc-inference-mode | FileCheck %s

// A train block's loss function for evaluation: batchnorm_train becomes
// batchnorm on the running statistics, dropout the identity; the updated
// statistics and counter results and the unused counter argument go.

// CHECK-LABEL: func.func @fit_loss
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32> {nn.input = "x"}, %[[W:.*]]: tensor<4xf32> {nn.param = "bn.weight"}, %[[B:.*]]: tensor<4xf32> {nn.param = "bn.bias"}, %[[M:.*]]: tensor<4xf32> {nn.buffer, nn.param = "bn.running_mean"}, %[[V:.*]]: tensor<4xf32> {nn.buffer, nn.param = "bn.running_var"})
// CHECK-SAME: -> tensor<f32>
// CHECK-NEXT: %[[Y:.*]] = nn.batchnorm %[[X]], %[[W]], %[[B]], %[[M]], %[[V]] {eps = 1.000000e-05 : f64}
// CHECK-NEXT: %[[S:.*]] = nn.reduce_sum %[[Y]]
// CHECK-NEXT: return %[[S]] : tensor<f32>
func.func @fit_loss(%x: tensor<?x4xf32> {nn.input = "x"}, %w: tensor<4xf32> {nn.param = "bn.weight"},
                    %b: tensor<4xf32> {nn.param = "bn.bias"},
                    %m: tensor<4xf32> {nn.buffer, nn.param = "bn.running_mean"},
                    %v: tensor<4xf32> {nn.buffer, nn.param = "bn.running_var"},
                    %step: tensor<f32> {nn.state = "__opt__.dropout_step"})
    -> (tensor<f32>, tensor<4xf32> {nn.param = "bn.running_mean"},
        tensor<4xf32> {nn.param = "bn.running_var"}, tensor<f32> {nn.state = "__opt__.dropout_step"}) {
  %y:3 = nn.batchnorm_train %x, %w, %b, %m, %v {eps = 1.0e-05 : f64, momentum = 0.1 : f64} : tensor<?x4xf32>, tensor<4xf32>
  %d = nn.dropout %y#0, %step {p = 0.5 : f64, seed = 0 : i64, stream = 0 : i64} : tensor<?x4xf32>, tensor<f32>
  %s = nn.reduce_sum %d axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  %one = nn.constant dense<1.0> : tensor<f32>
  %next = nn.add %step, %one : tensor<f32>, tensor<f32> -> tensor<f32>
  return %s, %y#1, %y#2, %next : tensor<f32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>
}

// -----

// A function with nn.train is the step's source: left alone.
// CHECK-LABEL: func.func @fit
// AUDIT: unchanged: deepc-inference-mode must leave the step's source (nn.train) alone.
// CHECK: nn.batchnorm_train
// CHECK: nn.dropout
func.func @fit(%x: tensor<?x4xf32> {nn.input = "x"}, %w: tensor<4xf32> {nn.param = "w"},
               %step: tensor<f32> {nn.state = "__opt__.dropout_step"})
    -> (tensor<f32>, tensor<4xf32> {nn.param = "w"}) attributes {nn.train = {optimizer = "sgd"}} {
  %y:3 = nn.batchnorm_train %x, %w, %w, %w, %w {eps = 1.0e-05 : f64, momentum = 0.1 : f64} : tensor<?x4xf32>, tensor<4xf32>
  %d = nn.dropout %y#0, %step {p = 0.5 : f64, seed = 0 : i64, stream = 0 : i64} : tensor<?x4xf32>, tensor<f32>
  %s = nn.reduce_sum %d axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  return %s, %y#1 : tensor<f32>, tensor<4xf32>
}
