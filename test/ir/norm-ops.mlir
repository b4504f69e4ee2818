// RUN: deepc-opt %s | deepc-opt | FileCheck %s

// The ops that differ in training and inference round-trip.

// CHECK-LABEL: func.func @norm
func.func @norm(%x: tensor<?x8x4x4xf32>, %v: tensor<?x6xf32>, %w: tensor<8xf32>,
                %u: tensor<6xf32>, %step: tensor<f32>)
    -> (tensor<?x8x4x4xf32>, tensor<?x6xf32>, tensor<6xf32>, tensor<?x6xf32>) {
  // CHECK: nn.batchnorm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {eps = 1.000000e-05 : f64} : tensor<?x8x4x4xf32>, tensor<8xf32>
  %0 = nn.batchnorm %x, %w, %w, %w, %w {eps = 1.0e-05 : f64} : tensor<?x8x4x4xf32>, tensor<8xf32>
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = nn.batchnorm_train %{{.*}} {eps = 1.000000e-03 : f64, momentum = 2.000000e-01 : f64} : tensor<?x6xf32>, tensor<6xf32>
  %1:3 = nn.batchnorm_train %v, %u, %u, %u, %u {eps = 1.0e-03 : f64, momentum = 0.2 : f64} : tensor<?x6xf32>, tensor<6xf32>
  // CHECK: nn.dropout %{{.*}}, %{{.*}} {p = 5.000000e-01 : f64, seed = 7 : i64, stream = 1 : i64} : tensor<?x6xf32>, tensor<f32>
  %2 = nn.dropout %1#0, %step {p = 0.5 : f64, seed = 7 : i64, stream = 1 : i64} : tensor<?x6xf32>, tensor<f32>
  return %0, %1#0, %1#1, %2 : tensor<?x8x4x4xf32>, tensor<?x6xf32>, tensor<6xf32>, tensor<?x6xf32>
}
