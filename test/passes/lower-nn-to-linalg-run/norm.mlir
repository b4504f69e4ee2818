// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// batchnorm (running statistics), batchnorm_train (batch statistics and
// PyTorch's running-statistics update, unbiased variance) on [N, C] and
// [N, C, H, W], and dropout's masks. Expected batchnorm values computed
// with NumPy (float64), printed as %g; the dropout masks are those of
// ../../e2e/norm/Inputs/dropout_masks.txt (the hash of docs/DIALECT.md,
// computed from its definition in Python), kept elements scaled by 1/0.7.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x_s = arith.constant dense<[[1.0, 2.0], [3.0, -1.0], [5.0, 0.5]]> : tensor<3x2xf32>
  %x = tensor.cast %x_s : tensor<3x2xf32> to tensor<?x2xf32>
  %w = nn.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %b = nn.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %rm = nn.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %rv = nn.constant dense<[4.0, 0.25]> : tensor<2xf32>

  %0 = nn.batchnorm %x, %w, %b, %rm, %rv {eps = 1.0e-05 : f64} : tensor<?x2xf32>, tensor<2xf32>
  %u0 = tensor.cast %0 : tensor<?x2xf32> to tensor<*xf32>
  call @print(%u0) : (tensor<*xf32>) -> ()

  %1:3 = nn.batchnorm_train %x, %w, %b, %rm, %rv {eps = 1.0e-05 : f64, momentum = 0.1 : f64} : tensor<?x2xf32>, tensor<2xf32>
  %u1 = tensor.cast %1#0 : tensor<?x2xf32> to tensor<*xf32>
  call @print(%u1) : (tensor<*xf32>) -> ()
  %u2 = tensor.cast %1#1 : tensor<2xf32> to tensor<*xf32>
  call @print(%u2) : (tensor<*xf32>) -> ()
  %u3 = tensor.cast %1#2 : tensor<2xf32> to tensor<*xf32>
  call @print(%u3) : (tensor<*xf32>) -> ()

  %y_s = arith.constant dense<[[[[1.0, 2.0]], [[0.0, 4.0]]], [[[3.0, -2.0]], [[1.0, 1.0]]]]> : tensor<2x2x1x2xf32>
  %y = tensor.cast %y_s : tensor<2x2x1x2xf32> to tensor<?x2x1x2xf32>
  %2:3 = nn.batchnorm_train %y, %w, %b, %rm, %rv {eps = 1.0e-03 : f64, momentum = 0.2 : f64} : tensor<?x2x1x2xf32>, tensor<2xf32>
  %c2 = nn.reshape %2#0 : tensor<?x2x1x2xf32> -> tensor<?x4xf32>
  %u4 = tensor.cast %c2 : tensor<?x4xf32> to tensor<*xf32>
  call @print(%u4) : (tensor<*xf32>) -> ()
  %u5 = tensor.cast %2#1 : tensor<2xf32> to tensor<*xf32>
  call @print(%u5) : (tensor<*xf32>) -> ()
  %u6 = tensor.cast %2#2 : tensor<2xf32> to tensor<*xf32>
  call @print(%u6) : (tensor<*xf32>) -> ()

  %ones_s = arith.constant dense<1.0> : tensor<3x5xf32>
  %ones = tensor.cast %ones_s : tensor<3x5xf32> to tensor<?x5xf32>
  %c0 = nn.constant dense<0.0> : tensor<f32>
  %c1 = nn.constant dense<1.0> : tensor<f32>
  %d0 = nn.dropout %ones, %c0 {p = 0.3 : f64, seed = 7 : i64, stream = 0 : i64} : tensor<?x5xf32>, tensor<f32>
  %v0 = tensor.cast %d0 : tensor<?x5xf32> to tensor<*xf32>
  call @print(%v0) : (tensor<*xf32>) -> ()
  %d1 = nn.dropout %ones, %c1 {p = 0.3 : f64, seed = 7 : i64, stream = 0 : i64} : tensor<?x5xf32>, tensor<f32>
  %v1 = tensor.cast %d1 : tensor<?x5xf32> to tensor<*xf32>
  call @print(%v1) : (tensor<*xf32>) -> ()
  %d2 = nn.dropout %ones, %c0 {p = 0.3 : f64, seed = 7 : i64, stream = 1 : i64} : tensor<?x5xf32>, tensor<f32>
  %v2 = tensor.cast %d2 : tensor<?x5xf32> to tensor<*xf32>
  call @print(%v2) : (tensor<*xf32>) -> ()
  return
}

// CHECK: sizes = [3, 2] strides
// CHECK-NEXT: {{\[}}0.1, 2.79994]
// CHECK-NEXT: {{\[}}2.1, -0.2]
// CHECK-NEXT: {{\[}}4.1, 1.29997]
// CHECK: sizes = [3, 2] strides
// CHECK-NEXT: {{\[}}-2.34949, 0.41237]
// CHECK-NEXT: {{\[}}0.1, -0.81237]
// CHECK-NEXT: {{\[}}2.54949, -0.2]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}1.2, -0.85]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}4, 0.45]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.1, 1.16889, -0.699889, 0.633148]
// CHECK-NEXT: {{\[}}2.23778, -3.10668, -0.36663, -0.36663]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}1, -0.5]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}4.13333, 0.8]
// stream 0, counter 0: [[0, 1, 1, 1, 1], [1, 1, 0, 1, 0], [1, 1, 0, 1, 1]]
// CHECK: sizes = [3, 5] strides
// CHECK-NEXT: {{\[}}0, 1.42857, 1.42857, 1.42857, 1.42857]
// CHECK-NEXT: {{\[}}1.42857, 1.42857, 0, 1.42857, 0]
// CHECK-NEXT: {{\[}}1.42857, 1.42857, 0, 1.42857, 1.42857]
// stream 0, counter 1: [[0, 0, 1, 1, 1], [1, 0, 1, 0, 1], [1, 0, 1, 1, 1]]
// CHECK: sizes = [3, 5] strides
// CHECK-NEXT: {{\[}}0, 0, 1.42857, 1.42857, 1.42857]
// CHECK-NEXT: {{\[}}1.42857, 0, 1.42857, 0, 1.42857]
// CHECK-NEXT: {{\[}}1.42857, 0, 1.42857, 1.42857, 1.42857]
// stream 1, counter 0: [[1, 1, 1, 1, 0], [1, 0, 0, 1, 1], [1, 1, 0, 0, 1]]
// CHECK: sizes = [3, 5] strides
// CHECK-NEXT: {{\[}}1.42857, 1.42857, 1.42857, 1.42857, 0]
// CHECK-NEXT: {{\[}}1.42857, 0, 0, 1.42857, 1.42857]
// CHECK-NEXT: {{\[}}1.42857, 1.42857, 0, 0, 1.42857]
