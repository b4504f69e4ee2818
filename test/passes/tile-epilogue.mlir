// RUN: deepc-opt %s -split-input-file --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024" --canonicalize --cse | FileCheck %s

// deepc-tile fuses the epilogue of a packed matmul into its register tiles
// (passes/Tile.cpp, fuseEpilogue): each 8 x 32 tile of accumulators starts
// from zeros in registers, runs over all of K, gets the bias and the relu
// and is stored once, into the result. C itself is never stored, nor
// zero-filled. With L1 = 32 KiB an 8 x K panel of A fits for K <= 1024.
// A dynamic M under 16 rows takes the small-M kernel instead (an scf.if;
// tile.mlir has its tests): the epilogue is in both branches, fused in
// the packed one.

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// The Fashion MLP's first layer at inference, relu(x W^T + b).
func.func @dense_bias_relu(%x: tensor<?x784xf32>, %w: tensor<128x784xf32>, %b: tensor<128xf32>) -> tensor<?x128xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x784xf32>
  %e = tensor.empty(%n) : tensor<?x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x128xf32>) -> tensor<?x128xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x784xf32>, tensor<128x784xf32>) outs(%c : tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r, %b : tensor<?x128xf32>, tensor<128xf32>) outs(%e : tensor<?x128xf32>) {
  ^bb0(%v: f32, %bb: f32, %o: f32):
    %s = arith.addf %v, %bb : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// CHECK-LABEL: func.func @dense_bias_relu
// CHECK-DAG:     %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<8x1x32xf32>
// CHECK:         scf.if
// CHECK:         } else {
// CHECK-NOT:       linalg.fill
// CHECK:         %[[BIAS:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [4, 32] : tensor<128xf32> into tensor<4x32xf32>
// CHECK:         scf.for %{{.*}} step %c8
// CHECK:           scf.for %[[J:.*]] = %c0 to %c4 step %c1
// CHECK:             %[[ACC:.*]] = scf.for %{{.*}} = %c0 to %c784 step %c16 iter_args(%{{.*}} = %[[ZEROS]]) -> (vector<8x1x32xf32>)
// CHECK:               vector.fma
// CHECK:             vector.transfer_read %[[BIAS]][%[[J]], %c0]
// CHECK:             %[[SUM:.*]] = arith.addf %[[ACC]], %{{.*}} : vector<8x1x32xf32>
// CHECK:             %[[RELU:.*]] = arith.maximumf %[[SUM]], %{{.*}} : vector<8x1x32xf32>
// CHECK:             vector.transfer_write %[[RELU]]
// CHECK-NOT:     linalg.generic {{.*}}ins(%{{.*}} : tensor<?x128xf32>
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// The backward ReLU mask of the MLP: dH = dY W2 (B read plain), masked by
// the pre-activation x W1^T + b, a full tensor read per element, and the
// bias per column. Fused: the select reads the accumulators.
func.func @relu_mask(%dy: tensor<?x10xf32>, %w2: tensor<10x128xf32>, %pre: tensor<?x128xf32>, %b: tensor<128xf32>) -> tensor<?x128xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %dy, %c0 : tensor<?x10xf32>
  %e = tensor.empty(%n) : tensor<?x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x128xf32>) -> tensor<?x128xf32>
  %dh = linalg.matmul ins(%dy, %w2 : tensor<?x10xf32>, tensor<10x128xf32>) outs(%c : tensor<?x128xf32>) -> tensor<?x128xf32>
  %g = linalg.generic {indexing_maps = [#id, #col, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%pre, %b, %dh : tensor<?x128xf32>, tensor<128xf32>, tensor<?x128xf32>) outs(%e : tensor<?x128xf32>) {
  ^bb0(%p: f32, %bb: f32, %d: f32, %o: f32):
    %s = arith.addf %p, %bb : f32
    %pos = arith.cmpf ogt, %s, %zero : f32
    %m = arith.select %pos, %d, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x128xf32>
  return %g : tensor<?x128xf32>
}

// CHECK-LABEL: func.func @relu_mask
// CHECK:         tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 4, 32] : tensor<?x128xf32> into tensor<?x4x32xf32>
// CHECK:         scf.for %{{.*}} step %c8
// CHECK:           scf.for %{{.*}} = %c0 to %c4 step %c1
// CHECK:             vector.fma
// CHECK:             arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<8x1x32xf32>
// CHECK:             arith.select %{{.*}}, %{{.*}}, %{{.*}} : vector<8x1x32xi1>, vector<8x1x32xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// A wide layer, N = 1024: the panels are blocked for L2 (an L2 block of B
// is K x 512 with K = 256), and the epilogue is fused inside the blocks.
func.func @wide(%x: tensor<?x256xf32>, %w: tensor<1024x256xf32>, %b: tensor<1024xf32>) -> tensor<?x1024xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x256xf32>
  %e = tensor.empty(%n) : tensor<?x1024xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1024xf32>) -> tensor<?x1024xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x256xf32>, tensor<1024x256xf32>) outs(%c : tensor<?x1024xf32>) -> tensor<?x1024xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r, %b : tensor<?x1024xf32>, tensor<1024xf32>) outs(%e : tensor<?x1024xf32>) {
  ^bb0(%v: f32, %bb: f32, %o: f32):
    %s = arith.addf %v, %bb : f32
    linalg.yield %s : f32
  } -> tensor<?x1024xf32>
  return %y : tensor<?x1024xf32>
}

// CHECK-LABEL: func.func @wide
// CHECK:         scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK:           scf.for %{{.*}} step %c8
// CHECK:             scf.for %{{.*}} = %c0 to %c16 step %c1
// CHECK:               scf.for %{{.*}} = %c0 to %c256 step %c16 iter_args({{.*}}) -> (vector<8x1x32xf32>)
// CHECK:               arith.addf %{{.*}}, %{{.*}} : vector<8x1x32xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// Must not fuse: K = 2048, so an 8 x K panel of A (64 KiB) does not fit in
// L1; K is blocked by 512 and C is final only after the last block, so
// the epilogue stays a loop of its own after the matmul.
func.func @long_k(%x: tensor<?x2048xf32>, %w: tensor<128x2048xf32>, %b: tensor<128xf32>) -> tensor<?x128xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2048xf32>
  %e = tensor.empty(%n) : tensor<?x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x128xf32>) -> tensor<?x128xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x2048xf32>, tensor<128x2048xf32>) outs(%c : tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r, %b : tensor<?x128xf32>, tensor<128xf32>) outs(%e : tensor<?x128xf32>) {
  ^bb0(%v: f32, %bb: f32, %o: f32):
    %s = arith.addf %v, %bb : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  } -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// CHECK-LABEL: func.func @long_k
// CHECK:         linalg.fill
// CHECK:         scf.for %{{.*}} = %c0 to %c2048 step %c512
// CHECK:         %[[C:.*]] = tensor.collapse_shape
// CHECK:         linalg.generic {{.*}} ins(%[[C]], %{{.*}} : tensor<?x128xf32>, tensor<128xf32>)
// CHECK:           arith.maximumf
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// Must not fuse: the matmul's result is also read elsewhere (in training,
// the backward pass reads the forward's pre-activation), so C is stored
// whole anyway and the epilogue is a loop of its own.
func.func @two_readers(%x: tensor<?x784xf32>, %w: tensor<128x784xf32>, %b: tensor<128xf32>) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x784xf32>
  %e = tensor.empty(%n) : tensor<?x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<?x128xf32>) -> tensor<?x128xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x784xf32>, tensor<128x784xf32>) outs(%c : tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r, %b : tensor<?x128xf32>, tensor<128xf32>) outs(%e : tensor<?x128xf32>) {
  ^bb0(%v: f32, %bb: f32, %o: f32):
    %s = arith.addf %v, %bb : f32
    linalg.yield %s : f32
  } -> tensor<?x128xf32>
  return %r, %y : tensor<?x128xf32>, tensor<?x128xf32>
}

// CHECK-LABEL: func.func @two_readers
// CHECK:         %[[C:.*]] = scf.if
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}} ins(%[[C]], %{{.*}} : tensor<?x128xf32>, tensor<128xf32>)
// CHECK:         return %[[C]], %[[Y]]

// -----

#id = affine_map<(i, j) -> (i, j)>
#tr = affine_map<(i, j) -> (j, i)>

// Must not fuse: the reader takes C transposed (as a convolution's
// epilogue turns the im2col matmul's output to NCHW), so its tiles are
// not the matmul's.
func.func @transposed_reader(%x: tensor<64x784xf32>, %w: tensor<128x784xf32>) -> tensor<128x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<64x784xf32>, tensor<128x784xf32>) outs(%c : tensor<64x128xf32>) -> tensor<64x128xf32>
  %et = tensor.empty() : tensor<128x64xf32>
  %y = linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<64x128xf32>) outs(%et : tensor<128x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %t = arith.maximumf %v, %zero : f32
    linalg.yield %t : f32
  } -> tensor<128x64xf32>
  return %y : tensor<128x64xf32>
}

// CHECK-LABEL: func.func @transposed_reader
// CHECK:         %[[C:.*]] = tensor.collapse_shape
// CHECK:         linalg.generic {{.*}} ins(%[[C]] : tensor<64x128xf32>)
// CHECK:           arith.maximumf
