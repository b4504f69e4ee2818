// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// The routing of the pools' gradients, by hand: max pooling sends each
// window's adjoint to its first maximum in row-major order (PyTorch's tie
// rule), summing where overlapping windows share it; average pooling
// spreads it over the window.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print(%t: tensor<?x1x3x3xf32>) {
  %u = tensor.cast %t : tensor<?x1x3x3xf32> to tensor<*xf32>
  %m = bufferization.to_buffer %u read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  // Windows of 2x2 at stride 1 over 3x3: (0,0) holds 5, 5 (first wins:
  // (0,1)); (0,1) holds 5, 1, 2, 5: (0,1); (1,0) holds 2, 2, 0, 2: (1,0);
  // (1,1) holds 2, 5, 2, 5: (1,2).
  %x_s = arith.constant dense<[[[[1.0, 5.0, 1.0], [2.0, 2.0, 5.0], [0.0, 2.0, 5.0]]]]> : tensor<1x1x3x3xf32>
  %x = tensor.cast %x_s : tensor<1x1x3x3xf32> to tensor<?x1x3x3xf32>
  %g_s = arith.constant dense<[[[[1.0, 10.0], [100.0, 1000.0]]]]> : tensor<1x1x2x2xf32>
  %g = tensor.cast %g_s : tensor<1x1x2x2xf32> to tensor<?x1x2x2xf32>
  %0 = nn.maxpool2d_grad %g, %x kernel = [2, 2] stride = [1, 1] : tensor<?x1x2x2xf32>, tensor<?x1x3x3xf32>
  call @print(%0) : (tensor<?x1x3x3xf32>) -> ()
  %1 = nn.avgpool2d_grad %g kernel = [2, 2] stride = [1, 1] : tensor<?x1x2x2xf32> -> tensor<?x1x3x3xf32>
  call @print(%1) : (tensor<?x1x3x3xf32>) -> ()
  // Stride 2 with a 1x2 kernel: row 1 and column 2 belong to no window.
  %h_s = arith.constant dense<[[[[3.0], [7.0]]]]> : tensor<1x1x2x1xf32>
  %h = tensor.cast %h_s : tensor<1x1x2x1xf32> to tensor<?x1x2x1xf32>
  %2 = nn.maxpool2d_grad %h, %x kernel = [1, 2] stride = [2, 2] : tensor<?x1x2x1xf32>, tensor<?x1x3x3xf32>
  call @print(%2) : (tensor<?x1x3x3xf32>) -> ()
  return
}

// CHECK: {{\[}}[0,   11,   0],
// CHECK-NEXT: [100,   0,   1000],
// CHECK-NEXT: [0,   0,   0]]
// CHECK: {{\[}}[0.25,   2.75,   2.5],
// CHECK-NEXT: [25.25,   277.75,   252.5],
// CHECK-NEXT: [25,   275,   250]]
// CHECK: {{\[}}[0,   3,   0],
// CHECK-NEXT: [0,   0,   0],
// CHECK-NEXT: [0,   7,   0]]
