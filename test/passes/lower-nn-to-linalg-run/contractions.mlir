// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// nn.dense and nn.matmul, with a dynamic batch dim and broadcast batch dims.
// Expected values computed with NumPy (float64), printed as %g.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print_f32(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x_s = arith.constant dense<[[1.0, 2.0, -1.0], [0.5, -1.5, 2.0]]> : tensor<2x3xf32>
  %x = tensor.cast %x_s : tensor<2x3xf32> to tensor<?x3xf32>
  %w_s = arith.constant dense<[[1.0, 0.0, 2.0], [-1.0, 1.0, 0.5], [0.25, 0.5, -0.5], [2.0, -2.0, 1.0]]> : tensor<4x3xf32>
  %w = tensor.cast %w_s : tensor<4x3xf32> to tensor<4x3xf32>
  %bias_s = arith.constant dense<[0.5, -1.0, 0.0, 2.0]> : tensor<4xf32>
  %bias = tensor.cast %bias_s : tensor<4xf32> to tensor<4xf32>
  %x3_s = arith.constant dense<[[[-1.0, -0.75, -0.5], [-0.25, 0.0, 0.25]], [[0.5, 0.75, 1.0], [1.25, 1.5, 1.75]]]> : tensor<2x2x3xf32>
  %x3 = tensor.cast %x3_s : tensor<2x2x3xf32> to tensor<?x2x3xf32>
  %r1 = nn.dense %x, %w, %bias : tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r1_u = tensor.cast %r1 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r1_u) : (tensor<*xf32>) -> ()
  %r2 = nn.dense %x, %w : tensor<?x3xf32>, tensor<4x3xf32> -> tensor<?x4xf32>
  %r2_u = tensor.cast %r2 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r2_u) : (tensor<*xf32>) -> ()
  %r3 = nn.dense %x3, %w, %bias : tensor<?x2x3xf32>, tensor<4x3xf32>, tensor<4xf32> -> tensor<?x2x4xf32>
  %r3_u = tensor.cast %r3 : tensor<?x2x4xf32> to tensor<*xf32>
  call @print_f32(%r3_u) : (tensor<*xf32>) -> ()
  %v_s = arith.constant dense<[1.0, -1.0, 2.0]> : tensor<3xf32>
  %v = tensor.cast %v_s : tensor<3xf32> to tensor<3xf32>
  %r4 = nn.dense %v, %w, %bias : tensor<3xf32>, tensor<4x3xf32>, tensor<4xf32> -> tensor<4xf32>
  %r4_u = tensor.cast %r4 : tensor<4xf32> to tensor<*xf32>
  call @print_f32(%r4_u) : (tensor<*xf32>) -> ()
  %m_s = arith.constant dense<[[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]]> : tensor<3x2xf32>
  %m = tensor.cast %m_s : tensor<3x2xf32> to tensor<3x2xf32>
  %r5 = nn.matmul %x, %m : tensor<?x3xf32>, tensor<3x2xf32> -> tensor<?x2xf32>
  %r5_u = tensor.cast %r5 : tensor<?x2xf32> to tensor<*xf32>
  call @print_f32(%r5_u) : (tensor<*xf32>) -> ()
  %r6 = nn.matmul %x3, %m : tensor<?x2x3xf32>, tensor<3x2xf32> -> tensor<?x2x2xf32>
  %r6_u = tensor.cast %r6 : tensor<?x2x2xf32> to tensor<*xf32>
  call @print_f32(%r6_u) : (tensor<*xf32>) -> ()
  %n_s = arith.constant dense<[[[[-2.5, -2.0], [-1.5, -1.0], [-0.5, 0.0]]], [[[0.5, 1.0], [1.5, 2.0], [2.5, 3.0]]]]> : tensor<2x1x3x2xf32>
  %n = tensor.cast %n_s : tensor<2x1x3x2xf32> to tensor<2x1x3x2xf32>
  %r7 = nn.matmul %x3, %n : tensor<?x2x3xf32>, tensor<2x1x3x2xf32> -> tensor<2x?x2x2xf32>
  %r7_u = tensor.cast %r7 : tensor<2x?x2x2xf32> to tensor<*xf32>
  call @print_f32(%r7_u) : (tensor<*xf32>) -> ()
  %r8 = nn.matmul %x, %n : tensor<?x3xf32>, tensor<2x1x3x2xf32> -> tensor<2x1x?x2xf32>
  %r8_u = tensor.cast %r8 : tensor<2x1x?x2xf32> to tensor<*xf32>
  call @print_f32(%r8_u) : (tensor<*xf32>) -> ()
  return
}

// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}-0.5, -0.5, 1.75, -1]
// CHECK-NEXT: {{\[}}5, -2, -1.625, 8]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}-1, 0.5, 1.75, -3]
// CHECK-NEXT: {{\[}}4.5, -1, -1.625, 6]
// CHECK: sizes = [2, 2, 4] strides
// CHECK-NEXT: {{\[}}-1.5, -1, -0.375, 1]
// CHECK-NEXT: {{\[}}0.75, -0.625, -0.1875, 1.75]
// CHECK-NEXT: {{\[}}3, -0.25, 0, 2.5]
// CHECK-NEXT: {{\[}}5.25, 0.125, 0.1875, 3.25]
// CHECK: sizes = [4] strides
// CHECK-NEXT: {{\[}}5.5, -2, -1.25, 8]
// CHECK: sizes = [2, 2] strides
// CHECK-NEXT: {{\[}}4, 2.75]
// CHECK-NEXT: {{\[}}-4.25, -3]
// CHECK: sizes = [2, 2, 2] strides
// CHECK-NEXT: {{\[}}-0.375, -0.625]
// CHECK-NEXT: {{\[}}-0.75, 0.3125]
// CHECK-NEXT: {{\[}}-1.125, 1.25]
// CHECK-NEXT: {{\[}}-1.5, 2.1875]
// CHECK: sizes = [2, 2, 2, 2] strides
// CHECK-NEXT: {{\[}}3.875, 2.75]
// CHECK-NEXT: {{\[}}0.5, 0.5]
// CHECK-NEXT: {{\[}}-2.875, -1.75]
// CHECK-NEXT: {{\[}}-6.25, -4]
// CHECK-NEXT: {{\[}}-2.875, -4]
// CHECK-NEXT: {{\[}}0.5, 0.5]
// CHECK-NEXT: {{\[}}3.875, 5]
// CHECK-NEXT: {{\[}}7.25, 9.5]
// CHECK: sizes = [2, 1, 2, 2] strides
// CHECK-NEXT: {{\[}}-5, -4]
// CHECK-NEXT: {{\[}}0, 0.5]
// CHECK-NEXT: {{\[}}1, 2]
// CHECK-NEXT: {{\[}}3, 3.5]
