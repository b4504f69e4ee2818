// RUN: deepc-opt %s | deepc-opt | FileCheck %s

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%a: tensor<?x4xf32>, %b: tensor<4xf32>, %c: tensor<?x1xf32>) -> tensor<?x4xf32> {
  // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %0 = nn.add %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: nn.sub %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  %1 = nn.sub %0, %c : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  // CHECK: nn.mul
  %2 = nn.mul %1, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: nn.div
  %3 = nn.div %2, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: nn.max
  %4 = nn.max %3, %c : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  // CHECK: nn.min
  %5 = nn.min %4, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: nn.pow
  %6 = nn.pow %5, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  // CHECK: nn.neg %{{.*}} : tensor<?x4xf32>
  %7 = nn.neg %6 : tensor<?x4xf32>
  // CHECK: nn.relu
  %8 = nn.relu %7 : tensor<?x4xf32>
  // CHECK: nn.tanh
  %9 = nn.tanh %8 : tensor<?x4xf32>
  // CHECK: nn.sigmoid
  %10 = nn.sigmoid %9 : tensor<?x4xf32>
  // CHECK: nn.gelu
  %11 = nn.gelu %10 : tensor<?x4xf32>
  // CHECK: nn.exp
  %12 = nn.exp %11 : tensor<?x4xf32>
  // CHECK: nn.log
  %13 = nn.log %12 : tensor<?x4xf32>
  // CHECK: nn.sqrt
  %14 = nn.sqrt %13 : tensor<?x4xf32>
  // CHECK: nn.rsqrt
  %15 = nn.rsqrt %14 : tensor<?x4xf32>
  // CHECK: nn.abs
  %16 = nn.abs %15 : tensor<?x4xf32>
  return %16 : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @integers
func.func @integers(%a: tensor<3xi32>, %b: tensor<2x1xi32>) -> tensor<2x3xi32> {
  // CHECK: nn.add %{{.*}}, %{{.*}} : tensor<3xi32>, tensor<2x1xi32> -> tensor<2x3xi32>
  %0 = nn.add %a, %b : tensor<3xi32>, tensor<2x1xi32> -> tensor<2x3xi32>
  return %0 : tensor<2x3xi32>
}

// CHECK-LABEL: func.func @constant
func.func @constant() -> tensor<2xf32> {
  // CHECK: nn.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  %0 = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// CHECK-LABEL: func.func @contractions
func.func @contractions(%x: tensor<?x784xf32>, %w: tensor<128x784xf32>, %b: tensor<128xf32>,
                        %a: tensor<?x8x16xf32>, %m: tensor<16x4xf32>, %n: tensor<3x1x4x5xf32>)
    -> (tensor<?x128xf32>, tensor<?x128xf32>, tensor<?x8x4xf32>, tensor<3x?x8x5xf32>) {
  // CHECK: nn.dense %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x784xf32>, tensor<128x784xf32>, tensor<128xf32> -> tensor<?x128xf32>
  %0 = nn.dense %x, %w, %b : tensor<?x784xf32>, tensor<128x784xf32>, tensor<128xf32> -> tensor<?x128xf32>
  // CHECK: nn.dense %{{.*}}, %{{.*}} : tensor<?x784xf32>, tensor<128x784xf32> -> tensor<?x128xf32>
  %1 = nn.dense %x, %w : tensor<?x784xf32>, tensor<128x784xf32> -> tensor<?x128xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : tensor<?x8x16xf32>, tensor<16x4xf32> -> tensor<?x8x4xf32>
  %2 = nn.matmul %a, %m : tensor<?x8x16xf32>, tensor<16x4xf32> -> tensor<?x8x4xf32>
  // CHECK: nn.matmul %{{.*}}, %{{.*}} : tensor<?x8x4xf32>, tensor<3x1x4x5xf32> -> tensor<3x?x8x5xf32>
  %3 = nn.matmul %2, %n : tensor<?x8x4xf32>, tensor<3x1x4x5xf32> -> tensor<3x?x8x5xf32>
  return %0, %1, %2, %3 : tensor<?x128xf32>, tensor<?x128xf32>, tensor<?x8x4xf32>, tensor<3x?x8x5xf32>
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<?x10xf32>, %i: tensor<?x10xi32>)
    -> (tensor<?xf32>, tensor<1x1xf32>, tensor<?x1xf32>, tensor<10xf32>, tensor<?xi32>, tensor<?xi64>, tensor<?x1xi64>) {
  // CHECK: nn.reduce_sum %{{.*}} axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  %0 = nn.reduce_sum %x axes = [1] : tensor<?x10xf32> -> tensor<?xf32>
  // CHECK: nn.reduce_mean %{{.*}} axes = [0, 1] {keepdims = true} : tensor<?x10xf32> -> tensor<1x1xf32>
  %1 = nn.reduce_mean %x axes = [0, 1] {keepdims = true} : tensor<?x10xf32> -> tensor<1x1xf32>
  // CHECK: nn.reduce_max %{{.*}} axes = [1] {keepdims = true} : tensor<?x10xf32> -> tensor<?x1xf32>
  %2 = nn.reduce_max %x axes = [1] {keepdims = true} : tensor<?x10xf32> -> tensor<?x1xf32>
  // CHECK: nn.reduce_min %{{.*}} axes = [0] : tensor<?x10xf32> -> tensor<10xf32>
  %3 = nn.reduce_min %x axes = [0] {keepdims = false} : tensor<?x10xf32> -> tensor<10xf32>
  // CHECK: nn.reduce_sum %{{.*}} axes = [1] : tensor<?x10xi32> -> tensor<?xi32>
  %4 = nn.reduce_sum %i axes = [1] : tensor<?x10xi32> -> tensor<?xi32>
  // CHECK: nn.argmax %{{.*}} axis = 1 : tensor<?x10xf32> -> tensor<?xi64>
  %5 = nn.argmax %x axis = 1 : tensor<?x10xf32> -> tensor<?xi64>
  // CHECK: nn.argmax %{{.*}} axis = 1 {keepdims = true} : tensor<?x10xi32> -> tensor<?x1xi64>
  %6 = nn.argmax %i axis = 1 {keepdims = true} : tensor<?x10xi32> -> tensor<?x1xi64>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<?xf32>, tensor<1x1xf32>, tensor<?x1xf32>, tensor<10xf32>, tensor<?xi32>, tensor<?xi64>, tensor<?x1xi64>
}

// CHECK-LABEL: func.func @normalize
func.func @normalize(%x: tensor<?x10xf32>) -> (tensor<?x10xf32>, tensor<?x10xf32>) {
  // CHECK: nn.softmax %{{.*}} axis = 1 : tensor<?x10xf32>
  %0 = nn.softmax %x axis = 1 : tensor<?x10xf32>
  // CHECK: nn.log_softmax %{{.*}} axis = 1 : tensor<?x10xf32>
  %1 = nn.log_softmax %x axis = 1 : tensor<?x10xf32>
  return %0, %1 : tensor<?x10xf32>, tensor<?x10xf32>
}

// CHECK-LABEL: func.func @shapes
func.func @shapes(%x: tensor<?x28x28xf32>, %y: tensor<?x4xf32>) -> (tensor<?x784xf32>, tensor<4x?xf32>) {
  // CHECK: nn.reshape %{{.*}} : tensor<?x28x28xf32> -> tensor<?x784xf32>
  %0 = nn.reshape %x : tensor<?x28x28xf32> -> tensor<?x784xf32>
  // CHECK: nn.transpose %{{.*}} perm = [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
  %1 = nn.transpose %y perm = [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
  return %0, %1 : tensor<?x784xf32>, tensor<4x?xf32>
}
