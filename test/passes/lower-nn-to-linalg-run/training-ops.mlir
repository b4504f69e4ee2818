// RUN: deepc-opt %s -deepc-lower-nn-to-linalg %lower_to_llvm \
// RUN: | mlir-runner -e main -entry-point-result=void %runner_libs \
// RUN: | FileCheck %s

// The ops autodiff and the losses add, in f32 with a dynamic batch dim:
// compare + where, erf, broadcast_to, one_hot and the three losses.
// Expected values computed with NumPy (float64), printed as %g.

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}
func.func @print(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t read_only : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x_s = arith.constant dense<[[1.0, -2.0, 0.5, 3.0], [-1.5, 0.25, 2.0, -0.5]]> : tensor<2x4xf32>
  %x = tensor.cast %x_s : tensor<2x4xf32> to tensor<?x4xf32>
  %y_s = arith.constant dense<[3, 0]> : tensor<2xi32>
  %y = tensor.cast %y_s : tensor<2xi32> to tensor<?xi32>
  %r_s = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %r = tensor.cast %r_s : tensor<2xf32> to tensor<?xf32>
  %b = nn.constant dense<[0.5, -1.0, 1.0, 2.0]> : tensor<4xf32>
  %t_s = arith.constant dense<[[1.0, 0.0, 0.25, 1.0], [0.0, 0.5, 1.0, 0.0]]> : tensor<2x4xf32>
  %t = tensor.cast %t_s : tensor<2x4xf32> to tensor<?x4xf32>
  %zero = nn.constant dense<0.0> : tensor<f32>
  %minus = nn.constant dense<-1.0> : tensor<f32>
  %ten = nn.constant dense<10.0> : tensor<f32>

  %c = nn.compare gt, %x, %zero : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xi1>
  %0 = nn.where %c, %x, %minus : tensor<?x4xi1>, tensor<?x4xf32>, tensor<f32> -> tensor<?x4xf32>
  %u0 = tensor.cast %0 : tensor<?x4xf32> to tensor<*xf32>
  call @print(%u0) : (tensor<*xf32>) -> ()
  %1 = nn.erf %x : tensor<?x4xf32>
  %u1 = tensor.cast %1 : tensor<?x4xf32> to tensor<*xf32>
  call @print(%u1) : (tensor<*xf32>) -> ()
  %2 = nn.broadcast_to %r, %x axes = [1] : tensor<?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %u2 = tensor.cast %2 : tensor<?x4xf32> to tensor<*xf32>
  call @print(%u2) : (tensor<*xf32>) -> ()
  %3 = nn.broadcast_to %minus, %y : tensor<f32>, tensor<?xi32> -> tensor<?xf32>
  %u3 = tensor.cast %3 : tensor<?xf32> to tensor<*xf32>
  call @print(%u3) : (tensor<*xf32>) -> ()
  %4 = nn.one_hot %y : tensor<?xi32> -> tensor<?x4xf32>
  %u4 = tensor.cast %4 : tensor<?x4xf32> to tensor<*xf32>
  call @print(%u4) : (tensor<*xf32>) -> ()
  %5 = nn.cross_entropy %x, %y : tensor<?x4xf32>, tensor<?xi32> -> tensor<f32>
  %u5 = tensor.cast %5 : tensor<f32> to tensor<*xf32>
  call @print(%u5) : (tensor<*xf32>) -> ()
  %6 = nn.mse %x, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<f32>
  %u6 = tensor.cast %6 : tensor<f32> to tensor<*xf32>
  call @print(%u6) : (tensor<*xf32>) -> ()
  %z = nn.mul %x, %ten : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xf32>
  %7 = nn.bce_with_logits %z, %t : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<f32>
  %u7 = tensor.cast %7 : tensor<f32> to tensor<*xf32>
  call @print(%u7) : (tensor<*xf32>) -> ()
  return
}

// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}1, -1, 0.5, 3]
// CHECK-NEXT: {{\[}}-1, 0.25, 2, -1]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0.842701, -0.995322, 0.5205, 0.999978]
// CHECK-NEXT: {{\[}}-0.966105, 0.276326, 0.995322, -0.5205]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}1, 1, 1, 1]
// CHECK-NEXT: {{\[}}2, 2, 2, 2]
// CHECK: sizes = [2] strides
// CHECK-NEXT: {{\[}}-1, -1]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[}}0, 0, 0, 1]
// CHECK-NEXT: {{\[}}1, 0, 0, 0]
// CHECK: sizes = [] strides
// CHECK-NEXT: {{\[}}1.97692]
// CHECK: sizes = [] strides
// CHECK-NEXT: {{\[}}1.91406]
// CHECK: sizes = [] strides
// CHECK-NEXT: {{\[}}0.636546]
