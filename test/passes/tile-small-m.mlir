// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s
// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=256 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s --check-prefix=AVX2

// The small-M kernel of a matmul reading B transposed (N x K, as nn.dense
// lowers), with L = 16 lanes (AVX-512, 32 vector registers): B read as
// stored, K split into K/L x L; lane-wise partial sums in a register tile
// of r x c vectors (r x c = 16, half of the registers: 4 x 4, 2 x 8, 1 x
// 16) over the K/L loop, the last K mod L columns into the first lanes,
// then one horizontal sum per (m, n) added to C.
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
// CHECK-DAG:       %[[A:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%[[M]], 49, 16] : tensor<?x784xf32> into tensor<?x49x16xf32>
// CHECK-DAG:       %[[B:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [128, 49, 16] : tensor<128x784xf32> into tensor<128x49x16xf32>
// CHECK-NOT:       linalg.transpose
// Four rows of A by four rows of B: 16 accumulators over the K/L loop.
// CHECK:           scf.for %{{.*}} step %c4
// CHECK:             scf.for %{{.*}} = %c0 to %c128 step %c4
// CHECK:               scf.for %{{.*}} = %c0 to %c49 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-8:         vector.transfer_read {{.*}} : tensor<{{.*}}x49x16xf32>, vector<16xf32>
// CHECK-COUNT-16:        vector.fma {{.*}} : vector<16xf32>
// CHECK:                 scf.yield
// The rows left: one tile of 2 (x 8 rows of B), then one of 1 (x 16).
// CHECK:           scf.for
// CHECK:             scf.for %{{.*}} step %c2
// CHECK:               scf.for %{{.*}} = %c0 to %c128 step %c8
// CHECK:                 scf.for %{{.*}} = %c0 to %c49 step %c1
// CHECK-COUNT-16:          vector.fma {{.*}} : vector<16xf32>
// CHECK:             scf.for
// CHECK:               scf.for %{{.*}} step %c1
// CHECK:                 scf.for %{{.*}} = %c0 to %c128 step %c16
// CHECK:                   scf.for %{{.*}} = %c0 to %c49 step %c1
// CHECK-COUNT-16:            vector.fma {{.*}} : vector<16xf32>
// The horizontal sums, added to C.
// CHECK:           scf.for %{{.*}} = %c0 to %[[M]] step %c1
// CHECK:             scf.for %{{.*}} = %c0 to %c128 step %c16
// CHECK:               vector.transfer_read {{.*}} : tensor<?x128xf32>, vector<1x16xf32>
// CHECK-COUNT-16:      vector.reduction <add>, %{{.*}}, %{{.*}} fastmath<reassoc> : vector<16xf32> into f32
// CHECK:         } else {
// The other rows: B packed into panels, as before.
// CHECK:           vector.transfer_read {{.*}} : tensor<4x32x784xf32>, vector<1x16x16xf32>
// CHECK:           tensor.expand_shape %{{.*}} output_shape [%{{.*}}, 4, 32] : tensor<?x128xf32> into tensor<?x4x32xf32>
// CHECK:           vector<8x1x32xf32>

// With 16 registers of 8 lanes (AVX2), 8 accumulators: tiles of 2 x 4.
// AVX2-LABEL: func.func @dense_dynamic_m
// AVX2:         arith.cmpi ult, %{{.*}}, %c8 : index
// AVX2:         tensor.expand_shape {{.*}} into tensor<128x98x8xf32>
// AVX2:         scf.for %{{.*}} step %c2
// AVX2:           scf.for %{{.*}} = %c0 to %c128 step %c4
// AVX2:             scf.for %{{.*}} = %c0 to %c98 step %c1
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
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [1, 8, 16] : tensor<1x128xf32> into tensor<1x8x16xf32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [10, 8, 16] : tensor<10x128xf32> into tensor<10x8x16xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-10:  vector.fma {{.*}} : vector<16xf32>
// CHECK:         }
// CHECK-COUNT-10: vector.reduction <add>
// CHECK-NOT:     linalg.matmul
// CHECK-NOT:     linalg.generic

// -----

// Static M = 3: one register tile of 3 x 5 (5 rows of B, 15 accumulators),
// the 2 rows of B left as a 3 x 2 tile.
func.func @dense_three_rows(%x: tensor<3x64xf32>, %w: tensor<32x64xf32>, %c: tensor<3x32xf32>) -> tensor<3x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<3x64xf32>, tensor<32x64xf32>) outs(%c : tensor<3x32xf32>) -> tensor<3x32xf32>
  return %r : tensor<3x32xf32>
}

// CHECK-LABEL: func.func @dense_three_rows
// CHECK-NOT:     scf.if
// CHECK:         scf.for %{{.*}} = %c0 to %c30 step %c5
// CHECK:           scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK-COUNT-15:    vector.fma {{.*}} : vector<16xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK-COUNT-6:   vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT:     vector.fma

// -----

// K = 20 is not a multiple of the lanes: its first 16 columns as above,
// and the products of the last 4 added to the first 4 lanes of the
// partial sums (FMAs on vectors of 4), before the horizontal sums.
func.func @k_tail(%x: tensor<1x20xf32>, %w: tensor<16x20xf32>, %c: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<1x20xf32>, tensor<16x20xf32>) outs(%c : tensor<1x16xf32>) -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}

// CHECK-LABEL: func.func @k_tail
// CHECK-NOT:     vector<1x16x16xf32>
// CHECK:         tensor.extract_slice %{{.*}}[0, 0] [1, 16] [1, 1] : tensor<1x20xf32> to tensor<1x16xf32>
// CHECK:         tensor.extract_slice %{{.*}}[0, 0] [16, 16] [1, 1] : tensor<16x20xf32> to tensor<16x16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK:         vector.transfer_read %{{.*}}[%c0, %c16], %{{.*}} : tensor<1x20xf32>, vector<4xf32>
// CHECK:         vector.transfer_read %{{.*}}[%c0, %c16], %{{.*}} : tensor<16x20xf32>, vector<4xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<4xf32>
// CHECK-COUNT-16: vector.reduction <add>

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
