// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// Reductions, argmax (first maximum wins), softmax and log_softmax.
// Expected values computed with NumPy (float64), printed as %g.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print_f32(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}
func.func @print_i32(%t: tensor<*xi32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xi32> to memref<*xi32>
  call @printMemrefI32(%m) : (memref<*xi32>) -> ()
  return
}
func.func private @printMemrefI64(memref<*xi64>) attributes {llvm.emit_c_interface}
func.func @print_i64(%t: tensor<*xi64>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xi64> to memref<*xi64>
  call @printMemrefI64(%m) : (memref<*xi64>) -> ()
  return
}

func.func @main() {
  %x_s = arith.constant dense<[[1.0, 3.0, 3.0, -2.0], [-1.0, -5.0, -1.0, -7.0], [0.5, 0.25, 4.0, 4.0]]> : tensor<3x4xf32>
  %x = tensor.cast %x_s : tensor<3x4xf32> to tensor<?x4xf32>
  %r1 = nn.reduce_sum %x axes = [1] : tensor<?x4xf32> -> tensor<?xf32>
  %r1_u = tensor.cast %r1 : tensor<?xf32> to tensor<*xf32>
  call @print_f32(%r1_u) : (tensor<*xf32>) -> ()
  %r2 = nn.reduce_sum %x axes = [0] {keepdims = true} : tensor<?x4xf32> -> tensor<1x4xf32>
  %r2_u = tensor.cast %r2 : tensor<1x4xf32> to tensor<*xf32>
  call @print_f32(%r2_u) : (tensor<*xf32>) -> ()
  %r3 = nn.reduce_mean %x axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  %r3_u = tensor.cast %r3 : tensor<f32> to tensor<*xf32>
  call @print_f32(%r3_u) : (tensor<*xf32>) -> ()
  %r4 = nn.reduce_mean %x axes = [0] {keepdims = true} : tensor<?x4xf32> -> tensor<1x4xf32>
  %r4_u = tensor.cast %r4 : tensor<1x4xf32> to tensor<*xf32>
  call @print_f32(%r4_u) : (tensor<*xf32>) -> ()
  %r5 = nn.reduce_max %x axes = [1] {keepdims = true} : tensor<?x4xf32> -> tensor<?x1xf32>
  %r5_u = tensor.cast %r5 : tensor<?x1xf32> to tensor<*xf32>
  call @print_f32(%r5_u) : (tensor<*xf32>) -> ()
  %r6 = nn.reduce_min %x axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
  %r6_u = tensor.cast %r6 : tensor<4xf32> to tensor<*xf32>
  call @print_f32(%r6_u) : (tensor<*xf32>) -> ()
  %r7 = nn.argmax %x axis = 1 : tensor<?x4xf32> -> tensor<?xi64>
  %r7_u = tensor.cast %r7 : tensor<?xi64> to tensor<*xi64>
  call @print_i64(%r7_u) : (tensor<*xi64>) -> ()
  %r8 = nn.argmax %x axis = 0 {keepdims = true} : tensor<?x4xf32> -> tensor<1x4xi64>
  %r8_u = tensor.cast %r8 : tensor<1x4xi64> to tensor<*xi64>
  call @print_i64(%r8_u) : (tensor<*xi64>) -> ()
  %r9 = nn.softmax %x axis = 1 : tensor<?x4xf32>
  %r9_u = tensor.cast %r9 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r9_u) : (tensor<*xf32>) -> ()
  %r10 = nn.constant dense<100.0> : tensor<1x1xf32>
  %r10_u = tensor.cast %r10 : tensor<1x1xf32> to tensor<*xf32>
  call @print_f32(%r10_u) : (tensor<*xf32>) -> ()
  %r11 = nn.mul %x, %r10 : tensor<?x4xf32>, tensor<1x1xf32> -> tensor<?x4xf32>
  %r11_u = tensor.cast %r11 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r11_u) : (tensor<*xf32>) -> ()
  %r12 = nn.log_softmax %r11 axis = 0 : tensor<?x4xf32>
  %r12_u = tensor.cast %r12 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r12_u) : (tensor<*xf32>) -> ()
  %x3_s = arith.constant dense<[[[-10.0, -9.0, -8.0, -7.0], [-6.0, -5.0, -4.0, -3.0], [-2.0, -1.0, 0.0, 1.0]], [[2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0]]]> : tensor<2x3x4xf32>
  %x3 = tensor.cast %x3_s : tensor<2x3x4xf32> to tensor<?x3x4xf32>
  %r13 = nn.reduce_mean %x3 axes = [0, 2] {keepdims = true} : tensor<?x3x4xf32> -> tensor<1x3x1xf32>
  %r13_u = tensor.cast %r13 : tensor<1x3x1xf32> to tensor<*xf32>
  call @print_f32(%r13_u) : (tensor<*xf32>) -> ()
  %xi_s = arith.constant dense<[[3, 9, -1], [7, 7, 2]]> : tensor<2x3xi32>
  %xi = tensor.cast %xi_s : tensor<2x3xi32> to tensor<?x3xi32>
  %r14 = nn.reduce_max %xi axes = [1] : tensor<?x3xi32> -> tensor<?xi32>
  %r14_u = tensor.cast %r14 : tensor<?xi32> to tensor<*xi32>
  call @print_i32(%r14_u) : (tensor<*xi32>) -> ()
  %r15 = nn.argmax %xi axis = 1 : tensor<?x3xi32> -> tensor<?xi64>
  %r15_u = tensor.cast %r15 : tensor<?xi64> to tensor<*xi64>
  call @print_i64(%r15_u) : (tensor<*xi64>) -> ()
  return
}

// CHECK: sizes = [3] strides
// CHECK-NEXT: {{\[}}5, -14, 8.75]
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[}}0.5, -1.75, 6, -5]
// CHECK: sizes = [] strides
// CHECK-NEXT: {{\[}}-0.0208333]
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[}}0.166667, -0.583333, 2, -1.66667]
// CHECK: sizes = [3, 1] strides
// CHECK-NEXT: {{\[}}3]
// CHECK-NEXT: {{\[}}-1]
// CHECK-NEXT: {{\[}}4]
// CHECK: sizes = [4] strides
// CHECK-NEXT: {{\[}}-1, -5, -1, -7]
// CHECK: sizes = [3] strides
// CHECK-NEXT: {{\[}}1, 0, 2]
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[}}0, 0, 2, 2]
// CHECK: sizes = [3, 4] strides
// CHECK-NEXT: {{\[}}0.0631796, 0.466837, 0.466837, 0.00314553]
// CHECK-NEXT: {{\[}}0.494855, 0.00906358, 0.494855, 0.00122662]
// CHECK-NEXT: {{\[}}0.0147038, 0.0114513, 0.486922, 0.486922]
// CHECK: sizes = [1, 1] strides
// CHECK-NEXT: {{\[}}100]
// CHECK: sizes = [3, 4] strides
// CHECK-NEXT: {{\[}}100, 300, 300, -200]
// CHECK-NEXT: {{\[}}-100, -500, -100, -700]
// CHECK-NEXT: {{\[}}50, 25, 400, 400]
// CHECK: sizes = [3, 4] strides
// CHECK-NEXT: {{\[}}0, 0, -100, -600]
// CHECK-NEXT: {{\[}}-200, -800, -500, -1100]
// CHECK-NEXT: {{\[}}-50, -275, 0, 0]
// CHECK: sizes = [1, 3, 1] strides
// CHECK-NEXT: {{\[}}-2.5]
// CHECK-NEXT: {{\[}}1.5]
// CHECK-NEXT: {{\[}}5.5]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}9, 7]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}1, 0]
