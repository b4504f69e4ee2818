// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s
// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=256 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s --check-prefix=AVX2

// The small-M kernel of a matmul reading B transposed (N x K, as nn.dense
// lowers), with L = 16 lanes (AVX-512, 32 vector registers): the matmul is
// tiled into r x c tiles of C (r x c = 16, half of the registers: 4 x 4,
// 2 x 8, 1 x 16); each keeps r x c accumulator vectors from zero over K in
// steps of L, reading A and B as stored, then one horizontal sum per
// (m, n) adds them to C.
//
// The MLP's first layer at a dynamic batch: below 4 register tiles of rows
// (M < 16) the small-M kernel runs, else the packed one. Rows go in tiles
// of 4, then the rows left in at most one tile of 2 and one of 1.
func.func @dense_dynamic_m(%x: tensor<?x784xf32>, %w: tensor<128x784xf32>, %c: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x784xf32>, tensor<128x784xf32>) outs(%c : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %r : tensor<?x128xf32>
}

// CHECK-LABEL: func.func @dense_dynamic_m
// CHECK:         %[[M:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x784xf32>
// CHECK:         %[[FEW:.*]] = arith.cmpi ult, %[[M]], %c16 : index
// CHECK:         scf.if %[[FEW]]
// CHECK-NOT:       tensor.expand_shape
// CHECK-NOT:       vector<1x16x16xf32>
// Four rows of A by four rows of B: 16 accumulators over K.
// CHECK:           scf.for %{{.*}} step %c4
// CHECK:             scf.for %{{.*}} = %c0 to %c128 step %c4
// CHECK:               scf.for %{{.*}} = %c0 to %c784 step %c16 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-8:         vector.transfer_read {{.*}} : tensor<{{.*}}x784xf32>, vector<16xf32>
// CHECK-COUNT-16:        vector.fma {{.*}} : vector<16xf32>
// CHECK:                 scf.yield
// CHECK:               vector.transfer_read {{.*}} : tensor<4x128xf32>, vector<4x4xf32>
// CHECK-COUNT-16:      vector.reduction <add>, %{{.*}}, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK:               vector.transfer_write {{.*}} : vector<4x4xf32>, tensor<4x128xf32>
// The rows left: one tile of 2 (x 8 rows of B), then one of 1 (x 16).
// CHECK:           scf.for
// CHECK:             scf.for %{{.*}} step %c2
// CHECK:               scf.for %{{.*}} = %c0 to %c128 step %c8
// CHECK:                 scf.for %{{.*}} = %c0 to %c784 step %c16
// CHECK-COUNT-16:          vector.fma {{.*}} : vector<16xf32>
// CHECK:                 vector.transfer_write {{.*}} : vector<2x8xf32>, tensor<2x128xf32>
// CHECK:             scf.for
// CHECK:               scf.for %{{.*}} step %c1
// CHECK:                 scf.for %{{.*}} = %c0 to %c128 step %c16
// CHECK:                   scf.for %{{.*}} = %c0 to %c784 step %c16
// CHECK-COUNT-16:            vector.fma {{.*}} : vector<16xf32>
// CHECK:                   vector.transfer_write {{.*}} : vector<1x16xf32>, tensor<1x128xf32>
// CHECK:         } else {
// The other rows: B packed into panels, as before.
// CHECK:           vector.transfer_read {{.*}} : tensor<4x32x784xf32>, vector<1x16x16xf32>
// CHECK:           vector<8x1x32xf32>

// With 16 registers of 8 lanes (AVX2), 8 accumulators: tiles of 2 x 4.
// AVX2-LABEL: func.func @dense_dynamic_m
// AVX2:         arith.cmpi ult, %{{.*}}, %c8 : index
// AVX2:         scf.for %{{.*}} step %c2
// AVX2:           scf.for %{{.*}} = %c0 to %c128 step %c4
// AVX2:             scf.for %{{.*}} = %c0 to %c784 step %c8
// AVX2-COUNT-8:       vector.fma {{.*}} : vector<8xf32>

// -----

// Static M = 1 and N = 10: no branch, one register tile of 1 x 10 vectors,
// ten horizontal sums; no copy of B.
func.func @dense_one_row(%x: tensor<1x128xf32>, %w: tensor<10x128xf32>, %c: tensor<1x10xf32>) -> tensor<1x10xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x128xf32>, tensor<10x128xf32>) outs(%c : tensor<1x10xf32>) -> tensor<1x10xf32>
  return %r : tensor<1x10xf32>
}

// CHECK-LABEL: func.func @dense_one_row
// CHECK-NOT:     scf.if
// CHECK-NOT:     vector<1x16x16xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c128 step %c16 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-10:  vector.fma {{.*}} : vector<16xf32>
// CHECK:         }
// CHECK:         vector.transfer_read {{.*}} : tensor<1x10xf32>, vector<1x10xf32>
// CHECK-COUNT-10: vector.reduction <add>
// CHECK:         vector.transfer_write {{.*}} : vector<1x10xf32>, tensor<1x10xf32>
// CHECK-NOT:     linalg.matmul
// CHECK-NOT:     linalg.generic

// -----

// Static M = 3: register tiles of 3 x 5 (5 rows of B, 15 accumulators),
// the 2 rows of B left as a 3 x 2 tile.
func.func @dense_three_rows(%x: tensor<3x64xf32>, %w: tensor<32x64xf32>, %c: tensor<3x32xf32>) -> tensor<3x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<3x64xf32>, tensor<32x64xf32>) outs(%c : tensor<3x32xf32>) -> tensor<3x32xf32>
  return %r : tensor<3x32xf32>
}

// CHECK-LABEL: func.func @dense_three_rows
// CHECK-NOT:     scf.if
// CHECK:         scf.for %{{.*}} = %c0 to %c30 step %c5
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c16
// CHECK-COUNT-15:    vector.fma {{.*}} : vector<16xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<3x5xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c64 step %c16
// CHECK-COUNT-6:   vector.fma {{.*}} : vector<16xf32>
// CHECK:         vector.transfer_write {{.*}} : vector<3x2xf32>
// CHECK-NOT:     vector.fma

// -----

// K = 20 is not a multiple of the lanes: one step of 16 (no loop left),
// and the last 4 columns' products in vectors of 4, each summed into C
// after its vector of 16.
func.func @k_tail(%x: tensor<1x20xf32>, %w: tensor<16x20xf32>, %c: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x20xf32>, tensor<16x20xf32>) outs(%c : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}

// CHECK-LABEL: func.func @k_tail
// CHECK-NOT:     vector<1x16x16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK:         vector.transfer_read %{{.*}}[%c0, %c16], %{{.*}} : tensor<1x20xf32>, vector<4xf32>
// CHECK:         vector.transfer_read %{{.*}}[%c0, %c16], %{{.*}} : tensor<16x20xf32>, vector<4xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<4xf32>
// CHECK-COUNT-32: vector.reduction <add>

// -----

// K = 12 is less than the lanes: not the small-M kernel (B is packed, as
// before).
func.func @k_below_lanes(%x: tensor<1x12xf32>, %w: tensor<16x12xf32>, %c: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x12xf32>, tensor<16x12xf32>) outs(%c : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}

// CHECK-LABEL: func.func @k_below_lanes
// CHECK:         vector.transfer_read {{.*}} : tensor<1x16x12xf32>, vector<1x16x12xf32>
// CHECK-NOT:     vector.reduction

// -----

// B read plain (K x N): its rows are already contiguous along N, so the
// usual register tiles apply; not the small-M kernel.
func.func @b_plain(%x: tensor<1x64xf32>, %w: tensor<64x32xf32>, %c: tensor<1x32xf32>) -> tensor<1x32xf32> {
  %r = linalg.matmul ins(%x, %w : tensor<1x64xf32>, tensor<64x32xf32>) outs(%c : tensor<1x32xf32>) -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}

// CHECK-LABEL: func.func @b_plain
// CHECK-NOT:     tensor.expand_shape
// CHECK-NOT:     vector.reduction
// CHECK:         vector.fma {{.*}} : vector<32xf32>

// -----

// A static M of 16 rows (4 register tiles) is packed, as before.
func.func @sixteen_rows(%x: tensor<16x64xf32>, %w: tensor<32x64xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<16x64xf32>, tensor<32x64xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// CHECK-LABEL: func.func @sixteen_rows
// CHECK:         vector.transfer_read {{.*}} : tensor<1x32x64xf32>, vector<1x16x16xf32>
// CHECK-NOT:     vector.reduction
// CHECK:         vector<8x1x32xf32>

// -----

// A training step (nn.train) keeps the packed kernel's summation order,
// the one PyTorch's GEMM has, at any batch.
func.func @step(%x: tensor<?x64xf32>, %w: tensor<32x64xf32>, %c: tensor<?x32xf32>) -> tensor<?x32xf32> attributes {nn.train = {batch = 8 : i64}} {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x64xf32>, tensor<32x64xf32>) outs(%c : tensor<?x32xf32>) -> tensor<?x32xf32>
  return %r : tensor<?x32xf32>
}

// CHECK-LABEL: func.func @step
// CHECK-NOT:     arith.cmpi ult
// CHECK-NOT:     vector.reduction
// CHECK:         vector.transfer_read {{.*}} : tensor<1x32x64xf32>, vector<1x16x16xf32>
