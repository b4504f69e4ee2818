// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg -canonicalize -cse \
// RUN:   | FileCheck %s --implicit-check-not=nn.
// RUN: deepc-opt %s -split-input-file -deepc-to-bufferized | FileCheck %s --check-prefix=BUF

// conv2d as im2col and a matmul: the padded input (one gathering generic,
// tensor.extract where the input lands, zeros elsewhere); the patch matrix
// [C KH KW = 9 rounded up to 16, N * OH * OW] (one generic over (k, n, i, j)
// splitting k into (c, a, b), zero rows past 9); the weight as [F, 16]
// (zero columns past 9); a linalg.matmul; then one generic that transposes
// the [F, N, OH, OW] product to NCHW while adding the bias.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[FN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @conv
// CHECK: %[[P:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<?x1x8x8xf32>)
// CHECK: tensor.extract %arg0
// CHECK: %[[COL:.*]] = linalg.generic {indexing_maps = [#[[ID]]]
// CHECK-SAME: outs(%{{.*}} : tensor<16x?x3x3xf32>)
// CHECK: arith.cmpi ult, %{{.*}}, %c9
// CHECK: arith.divui %{{.*}}, %c9
// CHECK: arith.remui %{{.*}}, %c9
// CHECK: tensor.extract %[[P]]
// CHECK: %[[COLM:.*]] = tensor.collapse_shape %[[COL]] {{\[}}[0], [1, 2, 3]] : tensor<16x?x3x3xf32> into tensor<16x?xf32>
// CHECK: %[[W:.*]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : tensor<2x1x3x3xf32> into tensor<2x9xf32>
// CHECK: %[[WP:.*]] = tensor.insert_slice %[[W]] into %{{.*}}[0, 0] [2, 9] [1, 1] : tensor<2x9xf32> into tensor<2x16xf32>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[WP]], %[[COLM]] : tensor<2x16xf32>, tensor<16x?xf32>) outs(%{{.*}} : tensor<2x?xf32>)
// CHECK: %[[E:.*]] = tensor.expand_shape %[[MM]] {{\[}}[0], [1, 2, 3]] output_shape [2, %{{.*}}, 3, 3]
// CHECK: linalg.generic {indexing_maps = [#[[FN]], #[[BIAS]], #[[ID]]]
// CHECK-SAME: ins(%[[E]], %arg2 : tensor<2x?x3x3xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<?x2x3x3xf32>)
// CHECK: arith.addf
// No strided copy survives bufferization (it would need the runner's memrefCopy):
// the weight goes into its padded buffer through a linalg.copy.
// BUF-LABEL: func.func @conv(%{{.*}}: memref<?x1x6x6xf32>
// BUF-NOT: memref.copy
// BUF: %[[WP:.*]] = memref.subview {{.*}} to memref<2x9xf32, strided<[16, 1]>>
// BUF-NEXT: linalg.copy ins(%{{.*}} : memref<2x9xf32>) outs(%[[WP]] :
// BUF-NOT: memref.copy
// BUF: return
func.func @conv(%x: tensor<?x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<?x2x3x3xf32> {
  %0 = nn.conv2d %x, %w, %b stride = [2, 2] padding = [1, 1] : tensor<?x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32> -> tensor<?x2x3x3xf32>
  return %0 : tensor<?x2x3x3xf32>
}

// -----

// Pools: one generic over (n, c, i, a, b, j), the window offsets (a, b)
// outside the output column j (so the innermost loop runs along a row),
// over a kernel-shaped tensor: arith.maximumf from -inf, or the sum from 0
// then times 1 / (KH KW).
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d3, d5 * 2 + d4)>
// CHECK-DAG: #[[WIN12:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d3, d5 * 2 + d4)>
// CHECK-DAG: #[[KER:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @pools
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[QUARTER:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[KER]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
// CHECK-SAME: ins(%arg0, %{{.*}} : tensor<?x3x8x8xf32>, tensor<2x2xf32>)
// CHECK: arith.maximumf
// CHECK: linalg.generic {indexing_maps = [#[[WIN12]], #[[KER]], #[[OUT]]]
// CHECK: arith.addf
// CHECK: arith.mulf %{{.*}}, %[[QUARTER]]
func.func @pools(%x: tensor<?x3x8x8xf32>) -> (tensor<?x3x4x4xf32>, tensor<?x3x7x4xf32>) {
  %0 = nn.maxpool2d %x kernel = [2, 2] stride = [2, 2] : tensor<?x3x8x8xf32> -> tensor<?x3x4x4xf32>
  %1 = nn.avgpool2d %x kernel = [2, 2] stride = [1, 2] : tensor<?x3x8x8xf32> -> tensor<?x3x7x4xf32>
  return %0, %1 : tensor<?x3x4x4xf32>, tensor<?x3x7x4xf32>
}

// -----

// conv2d_grad_input: the adjoint as [F, N OH OW] (one transposing generic),
// the weight as [C KH KW = 27 rounded up to 32, F] (transposed, zero rows
// past 27), their matmul: the patch adjoints [32, N OH OW]; then col2im,
// one pass per kernel offset (a, b) that adds patch row c * 9 + a * 3 + b
// to the strided window of the input adjoint that offset reaches, clipped
// to the unpadded input (offset (0, 0) at stride 2, padding 1: input rows
// and columns 1, 3, 5 from output rows and columns 1 to 3, a slice of the
// patch adjoints of exactly the window's size, since linalg sizes the
// loops from it).
// conv2d_grad_weight: the same patch matrix as conv2d (32 rows, zero past
// 27), the adjoint as [N OH OW, F], their matmul [32, F], read back as
// [F, C, KH, KW] by one generic.
// CHECK-DAG: #[[FN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[AB00:.*]] = affine_map<(d0, d1, d2, d3) -> (d1 * 9, d0, d2, d3)>
// CHECK-DAG: #[[AB22:.*]] = affine_map<(d0, d1, d2, d3) -> (d1 * 9 + 8, d0, d2, d3)>
// CHECK-DAG: #[[NHWC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-DAG: #[[DW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1 * 9 + d2 * 3 + d3, d0)>
// CHECK-LABEL: func.func @conv_grads
// CHECK: %[[GF:.*]] = linalg.generic {indexing_maps = [#[[FN]], #{{.*}}]{{.*}} ins(%arg0 : tensor<?x6x4x4xf32>) outs(%{{.*}} : tensor<6x?x4x4xf32>)
// CHECK: %[[GFM:.*]] = tensor.collapse_shape %[[GF]] {{\[}}[0], [1, 2, 3]] : tensor<6x?x4x4xf32> into tensor<6x?xf32>
// CHECK: %[[WT:.*]] = linalg.generic {indexing_maps = [#[[T]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<27x6xf32>)
// CHECK: %[[WTP:.*]] = tensor.insert_slice %[[WT]] into %{{.*}}[0, 0] [27, 6] [1, 1] : tensor<27x6xf32> into tensor<32x6xf32>
// CHECK: %[[DCOL:.*]] = linalg.matmul ins(%[[WTP]], %[[GFM]] : tensor<32x6xf32>, tensor<6x?xf32>)
// CHECK: %[[E:.*]] = tensor.expand_shape %[[DCOL]] {{\[}}[0], [1, 2, 3]] output_shape [32, %{{.*}}, 4, 4]
// CHECK: %[[W0:.*]] = tensor.extract_slice %[[E]][0, 0, 1, 1] [32, %{{.*}}, 3, 3] [1, 1, 1, 1] : tensor<32x?x4x4xf32> to tensor<32x?x3x3xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %{{.*}}[0, 0, 1, 1] [%{{.*}}, 3, 3, 3] [1, 1, 2, 2] : tensor<?x3x8x8xf32> to tensor<?x3x3x3xf32>
// CHECK: %[[A0:.*]] = linalg.generic {indexing_maps = [#[[AB00]], #{{.*}}]{{.*}} ins(%[[W0]] : tensor<32x?x3x3xf32>) outs(%[[S0]] : tensor<?x3x3x3xf32>)
// CHECK: tensor.insert_slice %[[A0]] into %{{.*}}[0, 0, 1, 1] [%{{.*}}, 3, 3, 3] [1, 1, 2, 2]
// CHECK-COUNT-7: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, {{[01]}}, {{[01]}}] [%{{.*}}, 3, {{[34]}}, {{[34]}}] [1, 1, 2, 2]
// CHECK: linalg.generic {indexing_maps = [#[[AB22]], #{{.*}}]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// CHECK: %[[COL:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<32x?x4x4xf32>)
// CHECK: %[[COLM:.*]] = tensor.collapse_shape %[[COL]] {{\[}}[0], [1, 2, 3]] : tensor<32x?x4x4xf32> into tensor<32x?xf32>
// CHECK: %[[GT:.*]] = linalg.generic {indexing_maps = [#[[NHWC]], #{{.*}}]{{.*}} ins(%arg0 : tensor<?x6x4x4xf32>) outs(%{{.*}} : tensor<?x4x4x6xf32>)
// CHECK: %[[GTM:.*]] = tensor.collapse_shape %[[GT]] {{\[}}[0, 1, 2], [3]] : tensor<?x4x4x6xf32> into tensor<?x6xf32>
// CHECK: %[[DWT:.*]] = linalg.matmul ins(%[[COLM]], %[[GTM]] : tensor<32x?xf32>, tensor<?x6xf32>) outs(%{{.*}} : tensor<32x6xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[DW]], #{{.*}}]{{.*}} ins(%[[DWT]] : tensor<32x6xf32>) outs(%{{.*}} : tensor<6x3x3x3xf32>)
func.func @conv_grads(%g: tensor<?x6x4x4xf32>, %w: tensor<6x3x3x3xf32>, %x: tensor<?x3x8x8xf32>) -> (tensor<?x3x8x8xf32>, tensor<6x3x3x3xf32>) {
  %0 = nn.conv2d_grad_input %g, %w stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<6x3x3x3xf32> -> tensor<?x3x8x8xf32>
  %1 = nn.conv2d_grad_weight %g, %x stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<?x3x8x8xf32> -> tensor<6x3x3x3xf32>
  return %0, %1 : tensor<?x3x8x8xf32>, tensor<6x3x3x3xf32>
}

// -----

// maxpool2d_grad: the first maximum of each window (strictly greater, or
// NaN, replaces; loops (n, c, i, a, b, j) visit each window's offsets in
// row-major order, the position a * KW + b from linalg.index 3 and 4), then
// per kernel offset a strided slice of the input adjoint gets the adjoint
// where that offset won; avgpool2d_grad adds a quarter of the adjoint per
// offset.
// CHECK-LABEL: func.func @pool_grads
// CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<?x3x4x4xf32>, tensor<?x3x4x4xi32>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: linalg.index 3
// CHECK: linalg.index 4
// CHECK-COUNT-4: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, {{[01]}}, {{[01]}}] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// CHECK-COUNT-4: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, {{[01]}}, {{[01]}}] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// In place after bufferization: no copies, the scatter's generics write
// into strided views of the result.
// BUF-LABEL: func.func @pool_grads(%{{.*}}: memref<?x3x4x4xf32>
// BUF-NOT: memref.copy
// BUF: %[[S:.*]] = memref.subview %{{.*}}[0, 0, 0, 0] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// BUF-NEXT: linalg.generic {{.*}} outs(%[[S]] :
// BUF-NOT: memref.copy
// BUF: return
func.func @pool_grads(%g: tensor<?x3x4x4xf32>, %x: tensor<?x3x8x8xf32>) -> (tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>) {
  %0 = nn.maxpool2d_grad %g, %x kernel = [2, 2] stride = [2, 2] : tensor<?x3x4x4xf32>, tensor<?x3x8x8xf32>
  %1 = nn.avgpool2d_grad %g kernel = [2, 2] stride = [2, 2] : tensor<?x3x4x4xf32> -> tensor<?x3x8x8xf32>
  return %0, %1 : tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>
}

// -----

// groups = 2: one groups = 1 convolution per group on channel slices
// (input channels 2g..2g+1, filters 3g..3g+2), each im2col and a matmul,
// the results inserted side by side; dilation 2 along the height: im2col
// reads row i + 2a.
// CHECK-LABEL: func.func @grouped
// CHECK: tensor.extract_slice %arg0[0, 0, 0, 0] [%{{.*}}, 2, 6, 6] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %arg1[0, 0, 0, 0] [3, 2, 3, 3] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %arg2[0] [3] [1]
// CHECK: arith.muli %{{.*}}, %c2 : index
// CHECK: linalg.matmul
// CHECK: %[[G0:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 3, 2, 6] [1, 1, 1, 1] : tensor<?x3x2x6xf32> into tensor<?x6x2x6xf32>
// CHECK: tensor.extract_slice %arg0[0, 2, 0, 0] [%{{.*}}, 2, 6, 6] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %arg1[3, 0, 0, 0] [3, 2, 3, 3] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %arg2[3] [3] [1]
// CHECK: linalg.matmul
// CHECK: tensor.insert_slice %{{.*}} into %[[G0]][0, 3, 0, 0] [%{{.*}}, 3, 2, 6] [1, 1, 1, 1] : tensor<?x3x2x6xf32> into tensor<?x6x2x6xf32>
func.func @grouped(%x: tensor<?x4x6x6xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<?x6x2x6xf32> {
  %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [0, 1] dilation = [2, 1] groups = 2 : tensor<?x4x6x6xf32>, tensor<6x2x3x3xf32>, tensor<6xf32> -> tensor<?x6x2x6xf32>
  return %0 : tensor<?x6x2x6xf32>
}

// -----

// The gradients of a grouped, dilated conv2d: per group, col2im adds the
// kernel rows a = 0, 1, 2 at input rows 2a (dilation 2) into the group's
// input adjoint, which goes to channels 2g..2g+1; the weight adjoint of
// group g is filters 3g..3g+2.
// CHECK-LABEL: func.func @grouped_grads
// CHECK: tensor.extract_slice %arg0[0, 0, 0, 0] [%{{.*}}, 3, 2, 6] [1, 1, 1, 1]
// CHECK: linalg.matmul
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 0, 0] [%{{.*}}, 2, 2, 5]
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 2, 0] [%{{.*}}, 2, 2, 5]
// CHECK: tensor.insert_slice %{{.*}}[0, 0, 4, 0] [%{{.*}}, 2, 2, 5]
// CHECK: %[[D0:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 2, 6, 6] [1, 1, 1, 1] : tensor<?x2x6x6xf32> into tensor<?x4x6x6xf32>
// CHECK: tensor.extract_slice %arg0[0, 3, 0, 0] [%{{.*}}, 3, 2, 6] [1, 1, 1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %[[D0]][0, 2, 0, 0] [%{{.*}}, 2, 6, 6] [1, 1, 1, 1] : tensor<?x2x6x6xf32> into tensor<?x4x6x6xf32>
// CHECK: tensor.extract_slice %arg2[0, 0, 0, 0] [%{{.*}}, 2, 6, 6] [1, 1, 1, 1]
// CHECK: linalg.matmul
// CHECK: %[[W0:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [3, 2, 3, 3] [1, 1, 1, 1] : tensor<3x2x3x3xf32> into tensor<6x2x3x3xf32>
// CHECK: tensor.extract_slice %arg2[0, 2, 0, 0] [%{{.*}}, 2, 6, 6] [1, 1, 1, 1]
// CHECK: linalg.matmul
// CHECK: tensor.insert_slice %{{.*}} into %[[W0]][3, 0, 0, 0] [3, 2, 3, 3] [1, 1, 1, 1] : tensor<3x2x3x3xf32> into tensor<6x2x3x3xf32>
func.func @grouped_grads(%g: tensor<?x6x2x6xf32>, %w: tensor<6x2x3x3xf32>, %x: tensor<?x4x6x6xf32>) -> (tensor<?x4x6x6xf32>, tensor<6x2x3x3xf32>) {
  %0 = nn.conv2d_grad_input %g, %w stride = [1, 1] padding = [0, 1] dilation = [2, 1] groups = 2 : tensor<?x6x2x6xf32>, tensor<6x2x3x3xf32> -> tensor<?x4x6x6xf32>
  %1 = nn.conv2d_grad_weight %g, %x stride = [1, 1] padding = [0, 1] dilation = [2, 1] groups = 2 : tensor<?x6x2x6xf32>, tensor<?x4x6x6xf32> -> tensor<6x2x3x3xf32>
  return %0, %1 : tensor<?x4x6x6xf32>, tensor<6x2x3x3xf32>
}
