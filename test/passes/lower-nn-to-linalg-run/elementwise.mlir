// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// Elementwise ops with broadcasting, on a dynamic batch dim.
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

func.func @main() {
  %x_s = arith.constant dense<[[0.5, -1.25, 2.0, 3.5], [-0.75, 1.5, -2.5, 0.25]]> : tensor<2x4xf32>
  %x = tensor.cast %x_s : tensor<2x4xf32> to tensor<?x4xf32>
  %b_s = arith.constant dense<[1.0, -2.0, 0.5, 4.0]> : tensor<4xf32>
  %b = tensor.cast %b_s : tensor<4xf32> to tensor<4xf32>
  %c_s = arith.constant dense<[[2.0], [-1.0]]> : tensor<2x1xf32>
  %c = tensor.cast %c_s : tensor<2x1xf32> to tensor<?x1xf32>
  %r1 = nn.add %x, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r1_u = tensor.cast %r1 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r1_u) : (tensor<*xf32>) -> ()
  %r2 = nn.sub %x, %c : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  %r2_u = tensor.cast %r2 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r2_u) : (tensor<*xf32>) -> ()
  %r3 = nn.mul %x, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r3_u = tensor.cast %r3 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r3_u) : (tensor<*xf32>) -> ()
  %r4 = nn.div %x, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r4_u = tensor.cast %r4 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r4_u) : (tensor<*xf32>) -> ()
  %r5 = nn.max %x, %c : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  %r5_u = tensor.cast %r5 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r5_u) : (tensor<*xf32>) -> ()
  %r6 = nn.min %c, %b : tensor<?x1xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r6_u = tensor.cast %r6 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r6_u) : (tensor<*xf32>) -> ()
  %r7 = nn.abs %x : tensor<?x4xf32>
  %r7_u = tensor.cast %r7 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r7_u) : (tensor<*xf32>) -> ()
  %r8 = nn.pow %r7, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r8_u = tensor.cast %r8 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r8_u) : (tensor<*xf32>) -> ()
  %r9 = nn.neg %x : tensor<?x4xf32>
  %r9_u = tensor.cast %r9 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r9_u) : (tensor<*xf32>) -> ()
  %r10 = nn.relu %x : tensor<?x4xf32>
  %r10_u = tensor.cast %r10 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r10_u) : (tensor<*xf32>) -> ()
  %r11 = nn.tanh %x : tensor<?x4xf32>
  %r11_u = tensor.cast %r11 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r11_u) : (tensor<*xf32>) -> ()
  %r12 = nn.sigmoid %x : tensor<?x4xf32>
  %r12_u = tensor.cast %r12 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r12_u) : (tensor<*xf32>) -> ()
  %r13 = nn.gelu %x : tensor<?x4xf32>
  %r13_u = tensor.cast %r13 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r13_u) : (tensor<*xf32>) -> ()
  %r14 = nn.exp %x : tensor<?x4xf32>
  %r14_u = tensor.cast %r14 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r14_u) : (tensor<*xf32>) -> ()
  %r15 = nn.log %r7 : tensor<?x4xf32>
  %r15_u = tensor.cast %r15 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r15_u) : (tensor<*xf32>) -> ()
  %r16 = nn.sqrt %r7 : tensor<?x4xf32>
  %r16_u = tensor.cast %r16 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r16_u) : (tensor<*xf32>) -> ()
  %r17 = nn.rsqrt %r7 : tensor<?x4xf32>
  %r17_u = tensor.cast %r17 : tensor<?x4xf32> to tensor<*xf32>
  call @print_f32(%r17_u) : (tensor<*xf32>) -> ()
  %r18 = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %r18_u = tensor.cast %r18 : tensor<2xf32> to tensor<*xf32>
  call @print_f32(%r18_u) : (tensor<*xf32>) -> ()
  %xi_s = arith.constant dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi32>
  %xi = tensor.cast %xi_s : tensor<2x3xi32> to tensor<?x3xi32>
  %bi_s = arith.constant dense<[[10], [-20]]> : tensor<2x1xi32>
  %bi = tensor.cast %bi_s : tensor<2x1xi32> to tensor<?x1xi32>
  %r19 = nn.mul %xi, %bi : tensor<?x3xi32>, tensor<?x1xi32> -> tensor<?x3xi32>
  %r19_u = tensor.cast %r19 : tensor<?x3xi32> to tensor<*xi32>
  call @print_i32(%r19_u) : (tensor<*xi32>) -> ()
  %r20 = nn.div %xi, %bi : tensor<?x3xi32>, tensor<?x1xi32> -> tensor<?x3xi32>
  %r20_u = tensor.cast %r20 : tensor<?x3xi32> to tensor<*xi32>
  call @print_i32(%r20_u) : (tensor<*xi32>) -> ()
  %r21 = nn.max %xi, %bi : tensor<?x3xi32>, tensor<?x1xi32> -> tensor<?x3xi32>
  %r21_u = tensor.cast %r21 : tensor<?x3xi32> to tensor<*xi32>
  call @print_i32(%r21_u) : (tensor<*xi32>) -> ()
  return
}

// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}1.5, -3.25, 2.5, 7.5]
// CHECK-NEXT: {{\[}}0.25, -0.5, -2, 4.25]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}-1.5, -3.25, 0, 1.5]
// CHECK-NEXT: {{\[}}0.25, 2.5, -1.5, 1.25]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.5, 2.5, 1, 14]
// CHECK-NEXT: {{\[}}-0.75, -3, -1.25, 1]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.5, 0.625, 4, 0.875]
// CHECK-NEXT: {{\[}}-0.75, -0.75, -5, 0.0625]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}2, 2, 2, 3.5]
// CHECK-NEXT: {{\[}}-0.75, 1.5, -1, 0.25]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}1, -2, 0.5, 2]
// CHECK-NEXT: {{\[}}-1, -2, -1, -1]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.5, 1.25, 2, 3.5]
// CHECK-NEXT: {{\[}}0.75, 1.5, 2.5, 0.25]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.5, 0.64, 1.41421, 150.062]
// CHECK-NEXT: {{\[}}0.75, 0.444444, 1.58114, 0.00390625]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}-0.5, 1.25, -2, -3.5]
// CHECK-NEXT: {{\[}}0.75, -1.5, 2.5, -0.25]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.5, 0, 2, 3.5]
// CHECK-NEXT: {{\[}}0, 1.5, 0, 0.25]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.462117, -0.848284, 0.964028, 0.998178]
// CHECK-NEXT: {{\[}}-0.635149, 0.905148, -0.986614, 0.244919]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.622459, 0.2227, 0.880797, 0.970688]
// CHECK-NEXT: {{\[}}0.320821, 0.817574, 0.0758582, 0.562177]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.345731, -0.132062, 1.9545, 3.49919]
// CHECK-NEXT: {{\[}}-0.169971, 1.39979, -0.0155242, 0.149677]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}1.64872, 0.286505, 7.38906, 33.1155]
// CHECK-NEXT: {{\[}}0.472367, 4.48169, 0.082085, 1.28403]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}-0.693147, 0.223144, 0.693147, 1.25276]
// CHECK-NEXT: {{\[}}-0.287682, 0.405465, 0.916291, -1.38629]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.707107, 1.11803, 1.41421, 1.87083]
// CHECK-NEXT: {{\[}}0.866025, 1.22474, 1.58114, 0.5]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}1.41421, 0.894427, 0.707107, 0.534522]
// CHECK-NEXT: {{\[}}1.1547, 0.816497, 0.632456, 2]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}1, 2]
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[}}10, -20, 30]
// CHECK-NEXT: {{\[}}-80, -100, 120]
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[}}0, 0, 0]
// CHECK-NEXT: {{\[}}0, 0, 0]
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[}}10, 10, 10]
// CHECK-NEXT: {{\[}}4, 5, -6]
