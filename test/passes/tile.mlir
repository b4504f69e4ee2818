// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s

// The forward matmul of the Fashion MLP (weight read transposed, N x K):
// the weight is packed (linalg.pack, lowered to a reshape and a transpose
// of 16 x 16 vector tiles) into N/32 panels of K x 32, contiguous. With
// L1 = 32 KiB, K is tiled by 512 (an 8 x 512 panel of A in half of L1);
// the register tiles run M (8 rows) outer, the panels inner, and K by 16
// innermost with the 8 x 32 accumulators in registers.
func.func @dense_784_128(%x: tensor<64x784xf32>, %w: tensor<128x784xf32>, %c: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<64x784xf32>, tensor<128x784xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}

// CHECK-LABEL: func.func @dense_784_128
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [4, 32, 784] : tensor<128x784xf32> into tensor<4x32x784xf32>
// CHECK:         scf.for {{.*}} -> (tensor<4x784x32xf32>)
// CHECK:           vector.transfer_read {{.*}} : tensor<4x32x784xf32>, vector<1x16x16xf32>
// CHECK:           vector.shuffle
// CHECK:           vector.transfer_write {{.*}} : vector<1x16x16xf32>, tensor<4x784x32xf32>
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [64, 4, 32] : tensor<64x128xf32> into tensor<64x4x32xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c784 step %c512
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c8
// CHECK:             scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK:               vector.transfer_read {{.*}} : tensor<64x4x32xf32>, vector<8x1x32xf32>
// CHECK:               scf.for {{.*}} step %c16 iter_args(%{{.*}} = %{{.*}}) -> (vector<8x1x32xf32>)
// CHECK:                 vector.transfer_read {{.*}} : tensor<4x784x32xf32>, vector<1x16x32xf32>
// CHECK:                 vector.fma {{.*}} : vector<32xf32>
// CHECK:               vector.transfer_write {{.*}} : vector<8x1x32xf32>, tensor<64x4x32xf32>
// CHECK:         tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<64x4x32xf32> into tensor<64x128xf32>

// -----

// B read plain (K x N) by 128 rows of A (16 register tiles): packed too,
// each panel row one vector copy. N = 784 is a multiple of 16 but not of
// 32: panels one vector wide. The whole packed B (64 x 784) fits in half
// of L2, so N is not tiled for the caches.
func.func @n_784(%a: tensor<128x64xf32>, %b: tensor<64x784xf32>, %c: tensor<128x784xf32>) -> tensor<128x784xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x784xf32>) outs(%c : tensor<128x784xf32>) -> tensor<128x784xf32>
  return %r : tensor<128x784xf32>
}

// CHECK-LABEL: func.func @n_784
// CHECK:         tensor.expand_shape %{{.*}} output_shape [64, 49, 16] : tensor<64x784xf32> into tensor<64x49x16xf32>
// CHECK:           vector.transfer_read {{.*}} : tensor<64x49x16xf32>, vector<1x1x16xf32>
// CHECK:           vector.transfer_write {{.*}} : vector<1x1x16xf32>, tensor<49x64x16xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c128 step %c8
// CHECK:           scf.for %{{.*}} = %c0 to %c49 step %c1
// CHECK:             scf.for {{.*}} -> (vector<8x1x16xf32>)
// CHECK-NOT:     linalg.matmul
// CHECK-NOT:     linalg.generic

// -----

// B read plain by only 64 rows of A: not worth a copy of B, so not packed;
// register tiles 8 x 32 x 16 on B as it is.
func.func @small_m_unpacked(%a: tensor<64x256xf32>, %b: tensor<256x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<64x256xf32>, tensor<256x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// CHECK-LABEL: func.func @small_m_unpacked
// CHECK-NOT:     tensor.expand_shape
// CHECK:         scf.for %{{.*}} = %c0 to %c64 step %c8
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c32
// CHECK:             scf.for {{.*}} step %c16 {{.*}} -> (vector<8x32xf32>)

// -----

// N = 10 is not a multiple of a vector: the transposed weight is
// transposed whole into K x N, not packed; N stays a scalar remainder.
func.func @dense_n10(%x: tensor<64x128xf32>, %w: tensor<10x128xf32>, %c: tensor<64x10xf32>) -> tensor<64x10xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<64x128xf32>, tensor<10x128xf32>) outs(%c : tensor<64x10xf32>) -> tensor<64x10xf32>
  return %r : tensor<64x10xf32>
}

// CHECK-LABEL: func.func @dense_n10
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<10x128xf32>) outs(%{{.*}} : tensor<128x10xf32>) permutation = [1, 0]

// -----

// A dynamic M (the batch) with B packed: full 8-row tiles are vectorized;
// the remainder rows go one at a time, vectorized too (no linalg op is
// left to run as scalar loops).
func.func @dynamic_m(%a: tensor<?x64xf32>, %b: tensor<64x64xf32>, %c: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x64xf32>) outs(%c : tensor<?x64xf32>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// CHECK-LABEL: func.func @dynamic_m
// CHECK:         scf.for {{.*}} step %c8
// CHECK:           scf.for {{.*}} -> (vector<8x1x32xf32>)
// CHECK:             vector.fma
// CHECK:         scf.for {{.*}} step %c8
// CHECK:           scf.for {{.*}} step %c1
// CHECK:             vector.transfer_read {{.*}} vector<1x16xf32>
// CHECK:             vector.fma
// CHECK:             vector.transfer_write {{.*}} vector<1x1x32xf32>
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     linalg.matmul

// -----

// A dynamic K (as the matmuls of convolution gradients have, K = N * 100):
// the K steps left over from kr = 16 go one k at a time, vectorized, with
// the accumulators still in registers.
func.func @dynamic_k(%x: tensor<64x?xf32>, %w: tensor<32x?xf32>, %c: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<64x?xf32>, tensor<32x?xf32>) outs(%c : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %r : tensor<64x32xf32>
}

// CHECK-LABEL: func.func @dynamic_k
// CHECK:         scf.for {{.*}} step %c16 iter_args(%{{.*}} = %{{.*}}) -> (vector<8x1x32xf32>)
// CHECK:           vector.transfer_read {{.*}} vector<8x16xf32>
// CHECK:         scf.for {{.*}} step %c16 iter_args(%{{.*}} = %{{.*}}) -> (vector<8x1x32xf32>)
// CHECK:           scf.for {{.*}} step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<8x1x32xf32>)
// CHECK:             vector.transfer_read {{.*}} vector<8x1xf32>
// CHECK:             vector.fma
// CHECK-NOT:     linalg.generic

// -----

// A batch_matmul (the attention scores of the transformer, per batch and
// head): the batch dim is tiled by 1, then each matrix as an unpacked
// matmul, registers 8 x 32 x 16 (K = 16 is one register step, so no K
// loop); B is not packed, the op is not left anywhere.
func.func @attention_scores(%q: tensor<?x64x16xf32>, %k: tensor<?x16x64xf32>, %c: tensor<?x64x64xf32>) -> tensor<?x64x64xf32> {
  %r = linalg.batch_matmul ins(%q, %k : tensor<?x64x16xf32>, tensor<?x16x64xf32>) outs(%c : tensor<?x64x64xf32>) -> tensor<?x64x64xf32>
  return %r : tensor<?x64x64xf32>
}

// CHECK-LABEL: func.func @attention_scores
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK-NOT:     linalg.transpose
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C1]]
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C8]]
// CHECK:             scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32]]
// CHECK-NOT:           scf.for
// CHECK:               vector.transfer_read {{.*}} vector<1x8x16xf32>
// CHECK:               vector.fma {{.*}} : vector<32xf32>
// CHECK-NOT:     linalg.batch_matmul
// CHECK:         return
