// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// nn.reshape (collapse, expand, run-time shape) and nn.transpose.
// Expected values computed with NumPy (float64), printed as %g.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print_f32(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x_s = arith.constant dense<[[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]]> : tensor<2x2x3xf32>
  %x = tensor.cast %x_s : tensor<2x2x3xf32> to tensor<?x2x3xf32>
  %r1 = nn.reshape %x : tensor<?x2x3xf32> -> tensor<?x6xf32>
  %r1_u = tensor.cast %r1 : tensor<?x6xf32> to tensor<*xf32>
  call @print_f32(%r1_u) : (tensor<*xf32>) -> ()
  %r2 = nn.reshape %r1 : tensor<?x6xf32> -> tensor<?x3x2xf32>
  %r2_u = tensor.cast %r2 : tensor<?x3x2xf32> to tensor<*xf32>
  call @print_f32(%r2_u) : (tensor<*xf32>) -> ()
  %r3 = nn.reshape %r1 : tensor<?x6xf32> -> tensor<4x?xf32>
  %r3_u = tensor.cast %r3 : tensor<4x?xf32> to tensor<*xf32>
  call @print_f32(%r3_u) : (tensor<*xf32>) -> ()
  %r4 = nn.reshape %x : tensor<?x2x3xf32> -> tensor<?xf32>
  %r4_u = tensor.cast %r4 : tensor<?xf32> to tensor<*xf32>
  call @print_f32(%r4_u) : (tensor<*xf32>) -> ()
  %s_s = arith.constant dense<[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]> : tensor<2x3xf32>
  %s = tensor.cast %s_s : tensor<2x3xf32> to tensor<2x3xf32>
  %r5 = nn.reshape %s : tensor<2x3xf32> -> tensor<3x2xf32>
  %r5_u = tensor.cast %r5 : tensor<3x2xf32> to tensor<*xf32>
  call @print_f32(%r5_u) : (tensor<*xf32>) -> ()
  %r6 = nn.transpose %x perm = [2, 0, 1] : tensor<?x2x3xf32> -> tensor<3x?x2xf32>
  %r6_u = tensor.cast %r6 : tensor<3x?x2xf32> to tensor<*xf32>
  call @print_f32(%r6_u) : (tensor<*xf32>) -> ()
  %r7 = nn.transpose %s perm = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %r7_u = tensor.cast %r7 : tensor<3x2xf32> to tensor<*xf32>
  call @print_f32(%r7_u) : (tensor<*xf32>) -> ()
  return
}

// CHECK: sizes = [2, 6] strides
// CHECK-NEXT: {{\[}}0, 1, 2, 3, 4, 5]
// CHECK-NEXT: {{\[}}6, 7, 8, 9, 10, 11]
// CHECK: sizes = [2, 3, 2] strides
// CHECK-NEXT: {{\[}}0, 1]
// CHECK-NEXT: {{\[}}2, 3]
// CHECK-NEXT: {{\[}}4, 5]
// CHECK-NEXT: {{\[}}6, 7]
// CHECK-NEXT: {{\[}}8, 9]
// CHECK-NEXT: {{\[}}10, 11]
// CHECK: sizes = [4, 3] strides
// CHECK-NEXT: {{\[}}0, 1, 2]
// CHECK-NEXT: {{\[}}3, 4, 5]
// CHECK-NEXT: {{\[}}6, 7, 8]
// CHECK-NEXT: {{\[}}9, 10, 11]
// CHECK: sizes = [12] strides
// CHECK-NEXT: {{\[}}0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
// CHECK: sizes = [3, 2] strides
// CHECK-NEXT: {{\[}}0, 1]
// CHECK-NEXT: {{\[}}2, 3]
// CHECK-NEXT: {{\[}}4, 5]
// CHECK: sizes = [3, 2, 2] strides
// CHECK-NEXT: {{\[}}0, 3]
// CHECK-NEXT: {{\[}}6, 9]
// CHECK-NEXT: {{\[}}1, 4]
// CHECK-NEXT: {{\[}}7, 10]
// CHECK-NEXT: {{\[}}2, 5]
// CHECK-NEXT: {{\[}}8, 11]
// CHECK: sizes = [3, 2] strides
// CHECK-NEXT: {{\[}}0, 3]
// CHECK-NEXT: {{\[}}1, 4]
// CHECK-NEXT: {{\[}}2, 5]
