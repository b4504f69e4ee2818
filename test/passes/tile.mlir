// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s

// The forward matmul of the Fashion MLP (weight read transposed): the
// weight is transposed once into K x N, K is tiled for L1 (96 with 32 KiB),
// register tiles 8 x 32 x 16, vectorized.
func.func @dense_784_128(%x: tensor<64x784xf32>, %w: tensor<128x784xf32>, %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<64x784xf32>, tensor<128x784xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}

// CHECK-LABEL: func.func @dense_784_128
// CHECK:         %[[WT:.*]] = linalg.transpose ins(%{{.*}} : tensor<128x784xf32>) outs(%{{.*}} : tensor<784x128xf32>) permutation = [1, 0]
// CHECK:         scf.for %{{.*}} = %c0 to %c784 step %c96
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c8
// CHECK:             scf.for %{{.*}} = %c0 to %c128 step %c32
// CHECK:               vector.transfer_read {{.*}} vector<8x32xf32>
// CHECK:               scf.for {{.*}} step %c16 iter_args(%{{.*}} = %{{.*}}) -> (vector<8x32xf32>)
// CHECK:                 vector.fma {{.*}} : vector<32xf32>
// CHECK:               vector.transfer_write {{.*}} vector<8x32xf32>

// -----

// N = 784 is a multiple of 16 but not of 32: one vector wide.
func.func @n_784(%a: tensor<128x64xf32>, %b: tensor<64x784xf32>, %c: tensor<128x784xf32>) -> tensor<128x784xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x784xf32>) outs(%c : tensor<128x784xf32>) -> tensor<128x784xf32>
  return %r : tensor<128x784xf32>
}

// CHECK-LABEL: func.func @n_784
// CHECK:         scf.for %{{.*}} = %c0 to %c128 step %c8
// CHECK:           scf.for %{{.*}} = %c0 to %c784 step %c16
// CHECK:             scf.for {{.*}} -> (vector<8x16xf32>)
// CHECK-NOT:     linalg.matmul

// -----

// A dynamic M (the batch) is peeled: full 8-row tiles are vectorized, the
// remainder rows stay a linalg.matmul.
func.func @dynamic_m(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>, %c: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x64xf32>) outs(%c : tensor<?x64xf32>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// CHECK-LABEL: func.func @dynamic_m
// CHECK:         scf.for {{.*}} -> (vector<8x32xf32>)
// CHECK:           vector.fma
// CHECK:         linalg.matmul ins({{.*}} : tensor<?x16xf32>, tensor<16x32xf32>)

// -----

// An elementwise chain becomes one generic.
func.func @chain(%a: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
       ins(%a, %b : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
       ins(%0 : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.mulf %x, %x : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  return %1 : tensor<64xf32>
}

// CHECK-LABEL: func.func @chain
// CHECK:         linalg.generic
// CHECK:           arith.addf
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
