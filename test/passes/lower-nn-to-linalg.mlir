// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg \
// RUN:   | FileCheck %s --implicit-check-not=nn.

// Elementwise: one linalg.generic per op, broadcasting through the indexing
// maps; the dynamic batch size is read with tensor.dim.

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<?x4xf32>, tensor<4xf32>) outs(%[[E]] : tensor<?x4xf32>)
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<?x4xf32>, %b: tensor<4xf32>) -> tensor<?x4xf32> {
  %0 = nn.add %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// A size-1 dim against a dynamic one reads index 0.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @sub_unit_dim
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[COL]], #{{.*}}]
// CHECK: arith.subf
func.func @sub_unit_dim(%a: tensor<?x4xf32>, %c: tensor<?x1xf32>) -> tensor<?x4xf32> {
  %0 = nn.sub %a, %c : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @integer_ops
// CHECK: arith.muli
// CHECK: arith.divsi
// CHECK: arith.maxsi
// CHECK: arith.minsi
func.func @integer_ops(%a: tensor<?x3xi32>, %b: tensor<3xi32>) -> tensor<?x3xi32> {
  %0 = nn.mul %a, %b : tensor<?x3xi32>, tensor<3xi32> -> tensor<?x3xi32>
  %1 = nn.div %0, %b : tensor<?x3xi32>, tensor<3xi32> -> tensor<?x3xi32>
  %2 = nn.max %1, %b : tensor<?x3xi32>, tensor<3xi32> -> tensor<?x3xi32>
  %3 = nn.min %2, %b : tensor<?x3xi32>, tensor<3xi32> -> tensor<?x3xi32>
  return %3 : tensor<?x3xi32>
}

// -----

// CHECK-LABEL: func.func @unary
// CHECK: arith.negf
// CHECK: arith.constant 0.000000e+00
// CHECK-NEXT: arith.maximumf
// sigmoid = 1 / (1 + exp(-x))
// CHECK: arith.constant 1.000000e+00
// CHECK-NEXT: arith.negf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.divf
// exact gelu = x * 0.5 * (1 + erf(x / sqrt(2)))
// CHECK: arith.constant 0.707106769
// CHECK: math.erf
// CHECK: math.tanh
// CHECK: math.log
// CHECK: math.sqrt
// CHECK: math.rsqrt
// CHECK: math.absf
// CHECK: math.powf
func.func @unary(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.neg %x : tensor<?x4xf32>
  %1 = nn.relu %0 : tensor<?x4xf32>
  %2 = nn.sigmoid %1 : tensor<?x4xf32>
  %3 = nn.gelu %2 : tensor<?x4xf32>
  %4 = nn.tanh %3 : tensor<?x4xf32>
  %5 = nn.log %4 : tensor<?x4xf32>
  %6 = nn.sqrt %5 : tensor<?x4xf32>
  %7 = nn.rsqrt %6 : tensor<?x4xf32>
  %8 = nn.abs %7 : tensor<?x4xf32>
  %9 = nn.pow %8, %x : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return %9 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @constant
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @constant() -> tensor<2xf32> {
  %0 = nn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Dense: leading dims collapsed, a matmul reading the weight transposed,
// then a bias generic, then the leading dims expanded back.

// CHECK-DAG: #[[MK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[NK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[MN:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x3xf32>, %[[W:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[BATCH:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2x3xf32>
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<?x2x3xf32> into tensor<?x3xf32>
// CHECK: %[[ROWS:.*]] = tensor.dim %[[X2]]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.*]] = tensor.empty(%[[ROWS]]) : tensor<?x4xf32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x4xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [#[[MK]], #[[NK]], #[[MN]]] ins(%[[X2]], %[[W]] : tensor<?x3xf32>, tensor<4x3xf32>) outs(%[[ACC]] : tensor<?x4xf32>)
// CHECK: %[[BIASED:.*]] = linalg.generic
// CHECK-SAME: ins(%[[MM]], %[[B]] : tensor<?x4xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[BIASED]] {{\[}}[0, 1], [2]] output_shape [%[[BATCH]], 2, 4] : tensor<?x4xf32> into tensor<?x2x4xf32>
func.func @dense(%x: tensor<?x2x3xf32>, %w: tensor<4x3xf32>, %b: tensor<4xf32>) -> tensor<?x2x4xf32> {
  %0 = nn.dense %x, %w, %b : tensor<?x2x3xf32>, tensor<4x3xf32>, tensor<4xf32> -> tensor<?x2x4xf32>
  return %0 : tensor<?x2x4xf32>
}

// -----

// CHECK-LABEL: func.func @dense_no_bias
// CHECK: linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @dense_no_bias(%x: tensor<?x784xf32>, %w: tensor<128x784xf32>) -> tensor<?x128xf32> {
  %0 = nn.dense %x, %w : tensor<?x784xf32>, tensor<128x784xf32> -> tensor<?x128xf32>
  return %0 : tensor<?x128xf32>
}

// -----

// Matmul against a matrix: the batch dims of lhs join M.
// CHECK-LABEL: func.func @matmul_matrix
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<?x8x16xf32> into tensor<?x16xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<16x4xf32>) outs(%{{.*}} : tensor<?x4xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [%{{.*}}, 8, 4] : tensor<?x4xf32> into tensor<?x8x4xf32>
func.func @matmul_matrix(%a: tensor<?x8x16xf32>, %b: tensor<16x4xf32>) -> tensor<?x8x4xf32> {
  %0 = nn.matmul %a, %b : tensor<?x8x16xf32>, tensor<16x4xf32> -> tensor<?x8x4xf32>
  return %0 : tensor<?x8x4xf32>
}

// -----

// Batched matmul with broadcast batch dims: both operands are broadcast to
// the batch shape, the batch dims collapsed into one, then batch_matmul.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<3x?x8x4xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<3x?x8x4xf32> into tensor<?x8x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[RHS]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<3x?x4x5xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<3x?x4x5xf32> into tensor<?x4x5xf32>
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<?x8x4xf32>, tensor<?x4x5xf32>) outs(%{{.*}} : tensor<?x8x5xf32>)
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3]] output_shape [3, %{{.*}}, 8, 5] : tensor<?x8x5xf32> into tensor<3x?x8x5xf32>
func.func @matmul_broadcast(%a: tensor<?x8x4xf32>, %b: tensor<3x1x4x5xf32>) -> tensor<3x?x8x5xf32> {
  %0 = nn.matmul %a, %b : tensor<?x8x4xf32>, tensor<3x1x4x5xf32> -> tensor<3x?x8x5xf32>
  return %0 : tensor<3x?x8x5xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_2d
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<3x2xf32>)
// CHECK-NOT: tensor.expand_shape
// CHECK: return
func.func @matmul_2d(%a: tensor<?x3xf32>, %b: tensor<3x2xf32>) -> tensor<?x2xf32> {
  %0 = nn.matmul %a, %b : tensor<?x3xf32>, tensor<3x2xf32> -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

// -----

// Reductions start from the identity of their combiner. They are generics
// (not linalg.reduce), which deepc-fuse fuses elementwise producers into; a
// float sum may be reassociated (so LLVM vectorizes it).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduce_sum
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<?x4xf32>) outs(%[[INIT]] : tensor<?xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
func.func @reduce_sum(%x: tensor<?x4xf32>) -> tensor<?xf32> {
  %0 = nn.reduce_sum %x axes = [1] : tensor<?x4xf32> -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_max_keepdims
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [%{{.*}}, 1] : tensor<?xf32> into tensor<?x1xf32>
func.func @reduce_max_keepdims(%x: tensor<?x4xf32>) -> tensor<?x1xf32> {
  %0 = nn.reduce_max %x axes = [1] {keepdims = true} : tensor<?x4xf32> -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_min
// CHECK: arith.constant 0x7F800000 : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK: arith.minimumf
func.func @reduce_min(%x: tensor<?x4xf32>) -> tensor<4xf32> {
  %0 = nn.reduce_min %x axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_min_int
// CHECK: arith.constant 2147483647 : i32
// CHECK: arith.minsi
func.func @reduce_min_int(%x: tensor<?x4xi32>) -> tensor<?xi32> {
  %0 = nn.reduce_min %x axes = [1] : tensor<?x4xi32> -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

// The mean over the dynamic batch dim counts it at run time. Reducing the
// inner dim with outer ones goes in two reductions: the outer dims first
// (a partial sum per column, a loop LLVM vectorizes), then the inner dim.
// CHECK-LABEL: func.func @reduce_mean
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK: %[[COLS:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[X]] : tensor<?x4xf32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[COLS]] : tensor<4xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK-DAG: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK-DAG: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[DI:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: %[[DF:.*]] = arith.sitofp %[[DI]] : i64 to f32
// CHECK: %[[COUNT:.*]] = arith.mulf %[[FOUR]], %[[DF]] : f32
// CHECK: %[[SCALE:.*]] = arith.divf %{{.*}}, %[[COUNT]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<f32>)
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f32
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reduce_mean(%x: tensor<?x4xf32>) -> tensor<1x1xf32> {
  %0 = nn.reduce_mean %x axes = [0, 1] {keepdims = true} : tensor<?x4xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

// A float sum over several dims is a cascade of passes, one dim each, so no
// value takes more adds than its longest dim: batchnorm's per-channel sum
// of [N, 8, 28, 28] sums each column (H, the other dims parallel, W
// innermost), then the batch, then the row, where one pass would add
// N * 28 * 28 values into one running sum per element.
// CHECK-LABEL: func.func @sum_cascade
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x28x28xf32>)
// CHECK: %[[COLS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<?x8x28x28xf32>) outs(%{{.*}} : tensor<?x8x28xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
// CHECK: %[[ROWS:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "parallel"]} ins(%[[COLS]] : tensor<?x8x28xf32>) outs(%{{.*}} : tensor<8x28xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[ROWS]] : tensor<8x28xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: return %[[SUM]]
func.func @sum_cascade(%x: tensor<?x8x28x28xf32>) -> tensor<8xf32> {
  %0 = nn.reduce_sum %x axes = [0, 2, 3] : tensor<?x8x28x28xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Small dims share a pass (static sizes multiplying to at most 16), and a
// dim of size 1 joins any: [N, 4, 1, 3] over (0, 2, 3) is the unit dim and
// the batch, then the row; [16, 4, 3, 3] over all is dims 2 and 1 (12
// values), then 0 (16), then the row (3).
// CHECK-LABEL: func.func @sum_merged
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x1x3xf32>, %[[W:.*]]: tensor<16x4x3x3xf32>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<?x4x1x3xf32>) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[P]] : tensor<4x3xf32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction", "parallel"]} ins(%[[W]] : tensor<16x4x3x3xf32>) outs(%{{.*}} : tensor<16x3xf32>)
// CHECK: %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[Q]] : tensor<16x3xf32>) outs(%{{.*}} : tensor<3xf32>)
// CHECK: %[[T:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[R]] : tensor<3xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: return %[[S]], %[[T]]
func.func @sum_merged(%x: tensor<?x4x1x3xf32>, %w: tensor<16x4x3x3xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %0 = nn.reduce_sum %x axes = [0, 2, 3] : tensor<?x4x1x3xf32> -> tensor<4xf32>
  %1 = nn.reduce_sum %w axes = [0, 1, 2, 3] : tensor<16x4x3x3xf32> -> tensor<f32>
  return %0, %1 : tensor<4xf32>, tensor<f32>
}

// -----

// Maxima are exact in any order: the outer dims in one pass, then the row.
// CHECK-LABEL: func.func @max_two_passes
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "parallel"]} ins(%{{.*}} : tensor<?x8x28x28xf32>) outs(%{{.*}} : tensor<8x28xf32>)
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}} : tensor<8x28xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK-NOT: linalg.generic
func.func @max_two_passes(%x: tensor<?x8x28x28xf32>) -> tensor<8xf32> {
  %0 = nn.reduce_max %x axes = [0, 2, 3] : tensor<?x8x28x28xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// Argmax: one generic with a value and an index output; a strictly greater
// element wins, so the first maximum is kept.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @argmax
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[VALS:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: %[[IDXS:.*]] = linalg.fill ins(%{{.*}} : i64)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[IN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: outs(%[[VALS]], %[[IDXS]] : tensor<?xf32>, tensor<?xi64>)
// CHECK: ^bb0(%[[V:.*]]: f32, %[[BEST:.*]]: f32, %[[BESTI:.*]]: i64):
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %[[V]], %[[BEST]] : f32
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK: %[[I64:.*]] = arith.index_cast %[[I]] : index to i64
// CHECK: arith.select %[[GT]], %[[V]], %[[BEST]] : f32
// CHECK: arith.select %[[GT]], %[[I64]], %[[BESTI]] : i64
// CHECK: return %[[R]]#1
func.func @argmax(%x: tensor<?x10xf32>) -> tensor<?xi64> {
  %0 = nn.argmax %x axis = 1 : tensor<?x10xf32> -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// Softmax: max, then the sum of exp(x - max), then exp(x - max) / sum.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%{{.*}}, %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %[[MAX]], %[[SUM]] : tensor<?x10xf32>, tensor<?xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.divf
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.softmax %x axis = 1 : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// CHECK-LABEL: func.func @log_softmax
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: %[[SHIFTED:.*]] = arith.subf
// CHECK-NEXT: %[[LOG:.*]] = math.log
// CHECK-NEXT: arith.subf %[[SHIFTED]], %[[LOG]]
func.func @log_softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %0 = nn.log_softmax %x axis = 1 : tensor<?x10xf32>
  return %0 : tensor<?x10xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_collapse
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<?x28x28xf32> into tensor<?x784xf32>
func.func @reshape_collapse(%x: tensor<?x28x28xf32>) -> tensor<?x784xf32> {
  %0 = nn.reshape %x : tensor<?x28x28xf32> -> tensor<?x784xf32>
  return %0 : tensor<?x784xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_expand
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 3, 2] : tensor<?x6xf32> into tensor<?x3x2xf32>
func.func @reshape_expand(%x: tensor<?x6xf32>) -> tensor<?x3x2xf32> {
  %0 = nn.reshape %x : tensor<?x6xf32> -> tensor<?x3x2xf32>
  return %0 : tensor<?x3x2xf32>
}

// -----

// No grouping maps ?x6 to 4x?: the shape is computed at run time.
// CHECK-LABEL: func.func @reshape_runtime
// CHECK-SAME: (%[[X:.*]]: tensor<?x6xf32>)
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[D:.*]] = tensor.dim %[[X]]
// CHECK: arith.muli %{{.*}}, %[[D]]
// CHECK: %[[N:.*]] = arith.muli
// CHECK: %[[Q:.*]] = arith.divui %[[N]], %{{.*}} : index
// CHECK: %[[SHAPE:.*]] = tensor.from_elements %[[C4]], %[[Q]] : tensor<2xindex>
// CHECK: tensor.reshape %[[X]](%[[SHAPE]]) : (tensor<?x6xf32>, tensor<2xindex>) -> tensor<4x?xf32>
func.func @reshape_runtime(%x: tensor<?x6xf32>) -> tensor<4x?xf32> {
  %0 = nn.reshape %x : tensor<?x6xf32> -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.*]]: tensor<?x2x3xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x2x3xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<3x?x2xf32>
// CHECK: linalg.transpose ins(%[[X]] : tensor<?x2x3xf32>) outs(%[[E]] : tensor<3x?x2xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<?x2x3xf32>) -> tensor<3x?x2xf32> {
  %0 = nn.transpose %x perm = [2, 0, 1] : tensor<?x2x3xf32> -> tensor<3x?x2xf32>
  return %0 : tensor<3x?x2xf32>
}
