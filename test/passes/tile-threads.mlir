// RUN: deepc-opt %s --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024 threads=2" --canonicalize --cse -split-input-file | FileCheck %s
// RUN: deepc-opt %s --deepc-tile="vector-bits=512 l1-kib=32 l2-kib=1024 threads=1" --canonicalize --cse | FileCheck %s --check-prefix=ONE

// With two threads, the rows of a packed contraction are split into two
// chunks of whole 8-row tiles, ceil(ceil(M / 2) / 8) * 8 rows each (at
// least 8), one per scf.forall iteration; each chunk is tiled as on one
// thread. The packing of B stays outside, done once. M is dynamic: with
// fewer than 4 register tiles per thread, 4 x 2 x 8 rows, the calling
// thread does it all (no OpenMP region to fork and join). Fewer than 16
// rows take the small-M kernel (tile.mlir), which stays on the calling
// thread.
func.func @dense_dynamic_m(%x: tensor<?x256xf32>, %w: tensor<64x256xf32>, %c: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x256xf32>, tensor<64x256xf32>) outs(%c : tensor<?x64xf32>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// CHECK-DAG:   #[[CHUNK:.*]] = affine_map<()[s0] -> (((s0 ceildiv 2) ceildiv 8) * 8)>
// CHECK-LABEL: func.func @dense_dynamic_m
// CHECK:         %[[M:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x256xf32>
// CHECK:         %[[FEW:.*]] = arith.cmpi ult, %[[M]], %c16 : index
// CHECK:         scf.if %[[FEW]]
// CHECK-NOT:       scf.forall
// CHECK:         } else {
// CHECK:         vector.transfer_write {{.*}} : vector<1x16x16xf32>, tensor<2x256x32xf32>
// CHECK:         %[[ENOUGH:.*]] = arith.cmpi sge, %[[M]], %c64 : index
// CHECK:         scf.if %[[ENOUGH]]
// CHECK:         %[[C:.*]] = affine.apply #[[CHUNK]]()[%[[M]]]
// CHECK:         %[[STEP:.*]] = arith.maxsi %[[C]], %c8 : index
// CHECK:         scf.forall (%{{.*}}) = (0) to (%[[M]]) step (%[[STEP]])
// CHECK:           scf.for {{.*}} step %c8
// CHECK:             scf.for {{.*}} -> (vector<8x1x32xf32>)
// CHECK:               vector.fma
// CHECK:           scf.forall.in_parallel
// CHECK:             tensor.parallel_insert_slice
// CHECK:         } else {
// CHECK-NOT:       scf.forall
// CHECK:           scf.for {{.*}} step %c8
// CHECK:             scf.for {{.*}} -> (vector<8x1x32xf32>)
// CHECK:         scf.yield

// On one thread the packed kernel's row loop is an scf.for.
// ONE-LABEL: func.func @dense_dynamic_m
// ONE-NOT:     scf.forall
// ONE:         } else {
// ONE-NOT:     scf.forall
// ONE:           scf.for {{.*}} step %c8
// ONE-NOT:     scf.forall
// ONE:             scf.for {{.*}} -> (vector<8x1x32xf32>)
// ONE-NOT:     scf.forall
// ONE:         return

// -----

// A B of 2^20 elements is split from two register tiles per thread: 32 rows.
func.func @dense_big_b(%x: tensor<?x1024xf32>, %w: tensor<1024x1024xf32>, %c: tensor<?x1024xf32>) -> tensor<?x1024xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<?x1024xf32>, tensor<1024x1024xf32>) outs(%c : tensor<?x1024xf32>) -> tensor<?x1024xf32>
  return %r : tensor<?x1024xf32>
}

// CHECK-LABEL: func.func @dense_big_b
// CHECK:         %[[M:.*]] = tensor.dim %{{.*}}, %c0 : tensor<?x1024xf32>
// CHECK:         %[[ENOUGH:.*]] = arith.cmpi sge, %[[M]], %c32 : index
// CHECK:         scf.if %[[ENOUGH]]
// CHECK:           scf.forall

// -----

// A static M too small for four register tiles per thread stays on one.
func.func @few_rows(%x: tensor<48x256xf32>, %w: tensor<64x256xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<48x256xf32>, tensor<64x256xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
  return %r : tensor<48x64xf32>
}

// CHECK-LABEL: func.func @few_rows
// CHECK-NOT:     scf.forall
// CHECK:         scf.for %{{.*}} = %c0 to %c48 step %c8
// CHECK-NOT:     scf.forall
// CHECK:           vector.fma
// CHECK-NOT:     scf.forall
// CHECK:         return
