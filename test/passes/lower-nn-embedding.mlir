// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg -canonicalize -cse \
// RUN:   | FileCheck %s --implicit-check-not=nn. --implicit-check-not=linalg.matmul \
// RUN:     --implicit-check-not=linalg.batch_matmul
// RUN: deepc-opt %s -split-input-file -deepc-to-bufferized | FileCheck %s --check-prefix=BUF

// nn.embedding as a gather: one parallel generic over [N, T, D] reading the
// ids through a map without d, and the table with tensor.extract at the
// id's row (row 0 and a zero for an id outside [0, 96)); no one-hot, no
// matmul. Bufferized, it allocates the [N, T, D] result and nothing of
// size N T V.
// CHECK-DAG: #[[IDS:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[IDSV:.*]]: tensor<?x64xi32>, %[[W:.*]]: tensor<96x16xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IDS]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[IDSV]] : tensor<?x64xi32>) outs(%{{.*}} : tensor<?x64x16xf32>)
// CHECK: ^bb0(%[[I:.*]]: i32, %{{.*}}: f32):
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[I]], %{{.*}} : i32
// CHECK: %[[ROW:.*]] = arith.select %[[OK]]
// CHECK: %[[COL:.*]] = linalg.index 2 : index
// CHECK: %[[V:.*]] = tensor.extract %[[W]][%[[ROW]], %[[COL]]] : tensor<96x16xf32>
// CHECK: arith.select %[[OK]], %[[V]], %{{.*}} : f32
// BUF-LABEL: func.func @gather
// BUF: memref.alloc(%{{.*}}) {{.*}}: memref<?x64x16xf32>
// BUF-NOT: memref.alloc
// BUF: memref.load
// BUF: return
func.func @gather(%ids: tensor<?x64xi32>, %w: tensor<96x16xf32>) -> tensor<?x64x16xf32> {
  %0 = nn.embedding %ids, %w : tensor<?x64xi32>, tensor<96x16xf32> -> tensor<?x64x16xf32>
  return %0 : tensor<?x64x16xf32>
}

// -----

// Its gradient as a scatter-add: the ids and the adjoint flattened to
// [N T] and [N T, D]; a zero [V, D]; an scf.for over the ids whose body,
// for an id in range, adds the adjoint's row to the id's row (extract_slice,
// a generic over D, insert_slice back into the loop's tensor). Bufferized,
// the loop updates the one [V, D] buffer in place: no allocation but it,
// no copy.
// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[G:.*]]: tensor<?x64x16xf32>, %[[IDSV:.*]]: tensor<?x64xi32>)
// CHECK-DAG: %[[IDS1:.*]] = tensor.collapse_shape %[[IDSV]] {{\[}}[0, 1]] : tensor<?x64xi32> into tensor<?xi32>
// CHECK-DAG: %[[G2:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0, 1], [2]] : tensor<?x64x16xf32> into tensor<?x16xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<96x16xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[IDS1]]
// CHECK: scf.for %[[K:.*]] = %{{.*}} to %[[M]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[Z]]) -> (tensor<96x16xf32>)
// CHECK: %[[I:.*]] = tensor.extract %[[IDS1]][%[[K]]] : tensor<?xi32>
// CHECK: %[[OK:.*]] = arith.cmpi ult, %[[I]], %{{.*}} : i32
// CHECK: scf.if %[[OK]] -> (tensor<96x16xf32>)
// CHECK: %[[ROW:.*]] = arith.index_cast %[[I]] : i32 to index
// CHECK-DAG: %[[GR:.*]] = tensor.extract_slice %[[G2]][%[[K]], 0] [1, 16] [1, 1] : tensor<?x16xf32> to tensor<16xf32>
// CHECK-DAG: %[[AR:.*]] = tensor.extract_slice %[[ACC]][%[[ROW]], 0] [1, 16] [1, 1] : tensor<96x16xf32> to tensor<16xf32>
// CHECK: %[[S:.*]] = linalg.generic {{.*}} ins(%[[GR]] : tensor<16xf32>) outs(%[[AR]] : tensor<16xf32>)
// CHECK: arith.addf
// CHECK: tensor.insert_slice %[[S]] into %[[ACC]][%[[ROW]], 0] [1, 16] [1, 1] : tensor<16xf32> into tensor<96x16xf32>
// CHECK: } else {
// CHECK: scf.yield %[[ACC]]
// BUF-LABEL: func.func @scatter_add
// BUF: memref.alloc() {{.*}}: memref<96x16xf32>
// BUF-NOT: memref.alloc
// BUF-NOT: memref.copy
// BUF: scf.for
// BUF: scf.if
// BUF: memref.subview
// BUF: return
func.func @scatter_add(%g: tensor<?x64x16xf32>, %ids: tensor<?x64xi32>) -> tensor<96x16xf32> {
  %0 = nn.embedding_grad %g, %ids : tensor<?x64x16xf32>, tensor<?x64xi32> -> tensor<96x16xf32>
  return %0 : tensor<96x16xf32>
}

// -----

// Rank-1 ids are not reshaped.
// CHECK-LABEL: func.func @flat_ids
// CHECK-NOT: tensor.collapse_shape
// CHECK: scf.for
func.func @flat_ids(%g: tensor<?x4xf64>, %ids: tensor<?xi64>) -> tensor<10x4xf64> {
  %0 = nn.embedding_grad %g, %ids : tensor<?x4xf64>, tensor<?xi64> -> tensor<10x4xf64>
  return %0 : tensor<10x4xf64>
}
