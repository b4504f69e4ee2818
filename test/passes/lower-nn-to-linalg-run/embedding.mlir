// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// nn.embedding (a gather) and nn.embedding_grad (a scatter-add), run on a
// 4 x 2 table with ids [[1, 3, -1], [4, 1, 0]]: -1 and 4 are outside
// [0, 4), so their rows are zeros and their adjoint rows add nothing.
// Expected values worked out by hand: the forward picks rows 1, 3, -, -, 1,
// 0; the gradient's row 1 sums the adjoints at (0, 0) and (1, 1), rows 3
// and 0 get one each, row 2 none.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print_f32(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %ids_s = arith.constant dense<[[1, 3, -1], [4, 1, 0]]> : tensor<2x3xi32>
  %ids = tensor.cast %ids_s : tensor<2x3xi32> to tensor<?x3xi32>
  %e = nn.embedding %ids, %w : tensor<?x3xi32>, tensor<4x2xf32> -> tensor<?x3x2xf32>
  %e_u = tensor.cast %e : tensor<?x3x2xf32> to tensor<*xf32>
  call @print_f32(%e_u) : (tensor<*xf32>) -> ()
  %g_s = arith.constant dense<[[[0.5, 1.0], [2.0, 3.0], [100.0, 100.0]], [[100.0, 100.0], [10.0, 20.0], [-1.0, -2.0]]]> : tensor<2x3x2xf32>
  %g = tensor.cast %g_s : tensor<2x3x2xf32> to tensor<?x3x2xf32>
  %dw = nn.embedding_grad %g, %ids : tensor<?x3x2xf32>, tensor<?x3xi32> -> tensor<4x2xf32>
  %dw_u = tensor.cast %dw : tensor<4x2xf32> to tensor<*xf32>
  call @print_f32(%dw_u) : (tensor<*xf32>) -> ()
  return
}

// CHECK: sizes = [2, 3, 2] strides
// CHECK-NEXT: {{\[}}[3, 4],
// CHECK-NEXT: [7, 8],
// CHECK-NEXT: [0, 0]],
// CHECK-NEXT: {{\[}}[0, 0],
// CHECK-NEXT: [3, 4],
// CHECK-NEXT: [1, 2]]
// CHECK: sizes = [4, 2] strides
// CHECK-NEXT: {{\[}}-1, -2]
// CHECK-NEXT: {{\[}}10.5, 21]
// CHECK-NEXT: {{\[}}0, 0]
// CHECK-NEXT: {{\[}}2, 3]
