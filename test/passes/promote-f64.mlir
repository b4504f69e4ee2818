// RUN: deepc-opt %s -split-input-file --deepc-promote-f64 | FileCheck %s

// CHECK-LABEL: func.func @fit
// CHECK-SAME: (%{{.*}}: tensor<?x3xf64> {nn.input = "x"}, %{{.*}}: tensor<?xi32> {nn.input = "y"}, %{{.*}}: tensor<4x3xf64> {nn.param = "w"})
// CHECK-SAME: -> (tensor<f64>, tensor<?x4xf64> {nn.logits_of = "y"})
// The f32 value of each constant, exactly:
// CHECK: nn.constant dense<[1.500000e+00, -2.000000e+00, 0.10000000149011612, 3.000000e+00]> : tensor<4xf64>
// CHECK: nn.dense %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x3xf64>, tensor<4x3xf64>, tensor<4xf64> -> tensor<?x4xf64>
// CHECK: nn.reshape %{{.*}} : tensor<?x4xf64> -> tensor<?x2x2xf64>
// CHECK: nn.one_hot %{{.*}} : tensor<?xi32> -> tensor<?x4xf64>
// CHECK: nn.cross_entropy %{{.*}}, %{{.*}} : tensor<?x4xf64>, tensor<?xi32> -> tensor<f64>
// CHECK: return %{{.*}}, %{{.*}} : tensor<f64>, tensor<?x4xf64>
func.func @fit(%x: tensor<?x3xf32> {nn.input = "x"}, %y: tensor<?xi32> {nn.input = "y"},
               %w: tensor<4x3xf32> {nn.param = "w"})
    -> (tensor<f32>, tensor<?x4xf32> {nn.logits_of = "y"}) {
  %b = nn.constant dense<[1.5, -2.0, 0.1, 3.0]> : tensor<4xf32>
  %h = nn.dense %x, %w, %b : tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r = nn.reshape %h : tensor<?x4xf32> -> tensor<?x2x2xf32>
  %o = nn.one_hot %y : tensor<?xi32> -> tensor<?x4xf32>
  %l = nn.cross_entropy %h, %y : tensor<?x4xf32>, tensor<?xi32> -> tensor<f32>
  return %l, %h : tensor<f32>, tensor<?x4xf32>
}

// -----

// Integer, bool and f64 tensors are left as they are.
// CHECK-LABEL: func.func @others
// AUDIT: unchanged: deepc-promote-f64 must leave integer, bool and f64 tensors alone.
// CHECK-SAME: (%{{.*}}: tensor<4xi64>, %{{.*}}: tensor<4xf64>) -> tensor<4xi1>
// CHECK: nn.constant dense<2> : tensor<4xi64>
func.func @others(%i: tensor<4xi64>, %d: tensor<4xf64>) -> tensor<4xi1> {
  %c = nn.constant dense<2> : tensor<4xi64>
  %0 = nn.compare lt, %i, %c : tensor<4xi64>, tensor<4xi64> -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

