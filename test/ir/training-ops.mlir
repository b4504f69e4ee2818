// RUN: deepc-opt %s -split-input-file | deepc-opt -split-input-file | FileCheck %s

// Round trips of the ops autodiff and the losses add to the dialect.

// CHECK-LABEL: func.func @select
func.func @select(%x: tensor<?x4xf32>, %b: tensor<4xf32>, %i: tensor<?x4xi32>) -> (tensor<?x4xf32>, tensor<?x4xi1>) {
  %zero = nn.constant dense<0.0> : tensor<f32>
  // CHECK: nn.compare gt, %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xi1>
  %0 = nn.compare gt, %x, %zero : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xi1>
  // CHECK: nn.compare eq, %{{.*}}, %{{.*}} : tensor<?x4xi32>, tensor<?x4xi32> -> tensor<?x4xi1>
  %1 = nn.compare eq, %i, %i : tensor<?x4xi32>, tensor<?x4xi32> -> tensor<?x4xi1>
  // CHECK: nn.where %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x4xi1>, tensor<4xf32>, tensor<f32> -> tensor<?x4xf32>
  %2 = nn.where %0, %b, %zero : tensor<?x4xi1>, tensor<4xf32>, tensor<f32> -> tensor<?x4xf32>
  // CHECK: nn.erf %{{.*}} : tensor<?x4xf32>
  %3 = nn.erf %2 : tensor<?x4xf32>
  return %3, %1 : tensor<?x4xf32>, tensor<?x4xi1>
}

// -----

// CHECK-LABEL: func.func @broadcast
func.func @broadcast(%x: tensor<?x4xf32>, %r: tensor<?xf32>, %k: tensor<?x1xf32>, %y: tensor<?xi32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?xf32>, tensor<?x10xf32>) {
  %one = nn.constant dense<1.0> : tensor<f32>
  // CHECK: nn.broadcast_to %{{.*}}, %{{.*}} : tensor<f32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %0 = nn.broadcast_to %one, %x : tensor<f32>, tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK: nn.broadcast_to %{{.*}}, %{{.*}} axes = [1] : tensor<?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %1 = nn.broadcast_to %r, %x axes = [1] : tensor<?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK: nn.broadcast_to %{{.*}}, %{{.*}} : tensor<?x1xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %2 = nn.broadcast_to %k, %x : tensor<?x1xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  // CHECK: nn.broadcast_to %{{.*}}, %{{.*}} : tensor<f32>, tensor<?xi32> -> tensor<?xf32>
  %3 = nn.broadcast_to %one, %y : tensor<f32>, tensor<?xi32> -> tensor<?xf32>
  // CHECK: nn.one_hot %{{.*}} : tensor<?xi32> -> tensor<?x10xf32>
  %4 = nn.one_hot %y : tensor<?xi32> -> tensor<?x10xf32>
  return %0, %1, %2, %3, %4 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?xf32>, tensor<?x10xf32>
}

// -----

// CHECK-LABEL: func.func @losses
func.func @losses(%l: tensor<?x10xf32>, %y: tensor<?xi32>, %y64: tensor<?xi64>, %a: tensor<?x1xf64>, %b: tensor<1xf64>) -> (tensor<f32>, tensor<f32>, tensor<f64>, tensor<f64>) {
  // CHECK: nn.cross_entropy %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  %0 = nn.cross_entropy %l, %y : tensor<?x10xf32>, tensor<?xi32> -> tensor<f32>
  // CHECK: nn.cross_entropy %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi64> -> tensor<f32>
  %1 = nn.cross_entropy %l, %y64 : tensor<?x10xf32>, tensor<?xi64> -> tensor<f32>
  // CHECK: nn.mse %{{.*}}, %{{.*}} : tensor<?x1xf64>, tensor<1xf64> -> tensor<f64>
  %2 = nn.mse %a, %b : tensor<?x1xf64>, tensor<1xf64> -> tensor<f64>
  // CHECK: nn.bce_with_logits %{{.*}}, %{{.*}} : tensor<?x1xf64>, tensor<?x1xf64> -> tensor<f64>
  %3 = nn.bce_with_logits %a, %a : tensor<?x1xf64>, tensor<?x1xf64> -> tensor<f64>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<f64>, tensor<f64>
}
