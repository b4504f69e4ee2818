// RUN: deepc-opt %s -split-input-file -verify-diagnostics --deepc-tile --canonicalize --cse | FileCheck %s
// RUN: deepc-opt %s -split-input-file -verify-diagnostics --deepc-tile="vector-bits=256" --canonicalize --cse | FileCheck %s --check-prefix=OPTION

// deepc-tile reads the target from the module's deepc.target (what the
// driver puts there from the host or --mcpu/--mattr), not from the host it
// runs on; an option of the pass overrides the field it names. The same
// MLP matmul as tile.mlir's @dense_784_128: with 512-bit vectors, 32-wide
// panels, 8 x 32 register tiles, K by 512 in a 32 KiB L1.
module attributes {deepc.target = {cpu = "znver4", features = "", vector_bits = 512 : i64, vector_registers = 32 : i64, l1_bytes = 32768 : i64, l2_bytes = 1048576 : i64, l3_bytes = 33554432 : i64}} {
  func.func @avx512(%x: tensor<64x784xf32>, %w: tensor<128x784xf32>, %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
    %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<64x784xf32>, tensor<128x784xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
    return %r : tensor<64x128xf32>
  }
}
// CHECK-LABEL: func.func @avx512
// CHECK:         output_shape [4, 32, 784]
// CHECK:         scf.for %{{.*}} = %c0 to %c784 step %c512
// CHECK:               vector.transfer_read {{.*}} : tensor<64x4x32xf32>, vector<8x1x32xf32>
// CHECK:                 vector.fma {{.*}} : vector<32xf32>
// With vector-bits=256: 16-wide panels of two 8-lane vectors, 4 rows (half
// of 16 registers over 2 vectors), K by 8, whole (4 rows of A fit L1).
// OPTION-LABEL: func.func @avx512
// OPTION:         output_shape [8, 16, 784]
// OPTION:         vector.transfer_read {{.*}} : tensor<64x8x16xf32>, vector<4x1x16xf32>
// OPTION:         scf.for %{{.*}} = %c0 to %c784 step %c8
// OPTION:           vector.fma {{.*}} : vector<16xf32>

// -----

// An AVX2 target (Zen 3, L2 512 KiB): 4 x 16 register tiles, K whole;
// the packed B (784 x 128, 392 KiB) is more than half of L2, so N goes in
// blocks of 5 panels.
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @avx2(%x: tensor<64x784xf32>, %w: tensor<128x784xf32>, %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
    %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<64x784xf32>, tensor<128x784xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
    return %r : tensor<64x128xf32>
  }
}
// CHECK-LABEL: func.func @avx2
// CHECK:         output_shape [8, 16, 784]
// CHECK:         scf.for %{{.*}} = %c0 to %c8 step %c5
// CHECK:           vector.transfer_read {{.*}} : tensor<64x?x16xf32>, vector<4x1x16xf32>
// CHECK:           scf.for %{{.*}} = %c0 to %c784 step %c8
// CHECK:             vector.fma {{.*}} : vector<16xf32>

// -----

// expected-error @+1 {{malformed 'deepc.target'}}
module attributes {deepc.target = {cpu = "znver3", vector_bits = "wide"}} {
  func.func @bad(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
    %r = linalg.matmul ins(%x, %w : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
    return %r : tensor<4x4xf32>
  }
}
