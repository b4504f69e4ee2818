// RUN: deepc-opt %s -deepc-lower-nn-to-linalg -canonicalize -cse \
// RUN:   --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024" -canonicalize -cse \
// RUN:   | FileCheck %s

// LeNet's second convolution and its gradients reach deepc-tile as
// matmuls (lower-nn-conv.mlir has their lowering), which it tiles and
// vectorizes to FMAs: no reduction loop is left to a scalar generic. The
// patch length 6 * 5 * 5 = 150 is padded to 160 so that no matmul has a
// static remainder tile along it: conv2d reduces over it (16 x 160 times
// 160 x N*100), conv2d_grad_input has it as rows (160 x 16 times
// 16 x N*100) and conv2d_grad_weight too (160 x N*100 times N*100 x 16).
// On a target with vector registers the convolution and its weight
// gradient are direct convolutions instead (lower-nn-conv-direct.mlir), so
// the module's target here has none (RISC-V without V); deepc-tile's
// options give it its vectors.

module attributes {deepc.target = {cpu = "generic-rv64", features = "", triple = "riscv64-unknown-linux-gnu", vector_bits = 0 : i64, vector_registers = 8 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 0 : i64}} {

// CHECK-LABEL: func.func @conv
// CHECK-NOT: "reduction"
// CHECK: vector.fma {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK-NOT: "reduction"
// CHECK: return
func.func @conv(%x: tensor<?x6x14x14xf32>, %w: tensor<16x6x5x5xf32>, %b: tensor<16xf32>) -> tensor<?x16x10x10xf32> {
  %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [0, 0] : tensor<?x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32> -> tensor<?x16x10x10xf32>
  return %0 : tensor<?x16x10x10xf32>
}

// CHECK-LABEL: func.func @grads
// CHECK-NOT: "reduction"
// CHECK: vector.fma {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK-NOT: "reduction"
// CHECK: vector.fma {{.*}} : vector<{{[0-9]+}}xf32>
// CHECK-NOT: "reduction"
// CHECK: return
func.func @grads(%g: tensor<?x16x10x10xf32>, %w: tensor<16x6x5x5xf32>, %x: tensor<?x6x14x14xf32>) -> (tensor<?x6x14x14xf32>, tensor<16x6x5x5xf32>) {
  %0 = nn.conv2d_grad_input %g, %w stride = [1, 1] padding = [0, 0] : tensor<?x16x10x10xf32>, tensor<16x6x5x5xf32> -> tensor<?x6x14x14xf32>
  %1 = nn.conv2d_grad_weight %g, %x stride = [1, 1] padding = [0, 0] : tensor<?x16x10x10xf32>, tensor<?x6x14x14xf32> -> tensor<16x6x5x5xf32>
  return %0, %1 : tensor<?x6x14x14xf32>, tensor<16x6x5x5xf32>
}
}
