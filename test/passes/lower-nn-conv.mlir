// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg -canonicalize -cse \
// RUN:   | FileCheck %s --implicit-check-not=nn.
// RUN: deepc-opt %s -split-input-file -deepc-to-bufferized | FileCheck %s --check-prefix=BUF

// conv2d: the broadcast bias is the accumulator of one generic over
// (n, f, oh, c, kh, kw, ow), the output row innermost; the padded input is
// one gathering generic (tensor.extract where the input lands, zeros
// elsewhere); a kernel-shaped operand sizes the kh, kw loops.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d2 * 2 + d4, d6 * 2 + d5)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d3, d4, d5)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d6)>
// CHECK-LABEL: func.func @conv
// CHECK: %[[B:.*]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.*}}]
// CHECK-SAME: ins(%arg2 : tensor<2xf32>)
// CHECK: %[[P:.*]] = linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<?x1x8x8xf32>)
// CHECK: tensor.extract %arg0
// CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[K]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[P]], %arg1, %{{.*}} : tensor<?x1x8x8xf32>, tensor<2x1x3x3xf32>, tensor<3x3xf32>) outs(%[[B]] : tensor<?x2x3x3xf32>)
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
// No strided copy survives bufferization (it would need the runner's memrefCopy).
// BUF-LABEL: func.func @conv
// BUF-NOT: memref.copy
// BUF: return
func.func @conv(%x: tensor<?x1x6x6xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<2xf32>) -> tensor<?x2x3x3xf32> {
  %0 = nn.conv2d %x, %w, %b stride = [2, 2] padding = [1, 1] : tensor<?x1x6x6xf32>, tensor<2x1x3x3xf32>, tensor<2xf32> -> tensor<?x2x3x3xf32>
  return %0 : tensor<?x2x3x3xf32>
}

// -----

// Pools: linalg pooling ops over a kernel-shaped tensor, from -inf (max) or
// 0 (sum, then times 1 / (KH KW)).
// CHECK-LABEL: func.func @pools
// CHECK-DAG: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[QUARTER:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: linalg.fill ins(%[[NEGINF]] : f32)
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%arg0, %{{.*}} : tensor<?x3x8x8xf32>, tensor<2x2xf32>)
// CHECK: linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>}
// CHECK: arith.mulf %{{.*}}, %[[QUARTER]]
func.func @pools(%x: tensor<?x3x8x8xf32>) -> (tensor<?x3x4x4xf32>, tensor<?x3x7x4xf32>) {
  %0 = nn.maxpool2d %x kernel = [2, 2] stride = [2, 2] : tensor<?x3x8x8xf32> -> tensor<?x3x4x4xf32>
  %1 = nn.avgpool2d %x kernel = [2, 2] stride = [1, 2] : tensor<?x3x8x8xf32> -> tensor<?x3x7x4xf32>
  return %0, %1 : tensor<?x3x4x4xf32>, tensor<?x3x7x4xf32>
}

// -----

// conv2d_grad_input: the adjoint spread by the stride into a frame of
// KH-1 zeros less the padding (H + KH - 1 = 10 rows and columns),
// correlated at stride 1 with the weight read flipped in space and with its
// channel dims swapped (no copy of it). conv2d_grad_weight: one generic
// over (f, c, n, oh, ow, kh, kw) reducing over n, oh, ow, reading the padded
// input at oh * 2 + kh.
// CHECK-DAG: #[[GI_X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3, d2 + d4, d5 + d6)>
// CHECK-DAG: #[[FLIP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d1, -d4 + 2, -d5 + 2)>
// CHECK-DAG: #[[GW_G:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d2, d0, d3, d4)>
// CHECK-DAG: #[[GW_X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d2, d1, d3 * 2 + d5, d4 * 2 + d6)>
// CHECK-DAG: #[[GW_W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d5, d6)>
// CHECK-LABEL: func.func @conv_grads
// CHECK: %[[FRAME:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x6x10x10xf32>)
// CHECK: tensor.extract %arg0
// CHECK: linalg.generic {indexing_maps = [#[[GI_X]], #[[FLIP]], #{{.*}}, #{{.*}}]
// CHECK-SAME: ins(%[[FRAME]], %arg1, %{{.*}} : tensor<?x6x10x10xf32>, tensor<6x3x3x3xf32>, tensor<3x3xf32>)
// CHECK-SAME: outs(%{{.*}} : tensor<?x3x8x8xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[GW_G]], #[[GW_X]], #[[GW_W]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %{{.*}} : tensor<?x6x4x4xf32>, tensor<?x3x10x10xf32>) outs(%{{.*}} : tensor<6x3x3x3xf32>)
func.func @conv_grads(%g: tensor<?x6x4x4xf32>, %w: tensor<6x3x3x3xf32>, %x: tensor<?x3x8x8xf32>) -> (tensor<?x3x8x8xf32>, tensor<6x3x3x3xf32>) {
  %0 = nn.conv2d_grad_input %g, %w stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<6x3x3x3xf32> -> tensor<?x3x8x8xf32>
  %1 = nn.conv2d_grad_weight %g, %x stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<?x3x8x8xf32> -> tensor<6x3x3x3xf32>
  return %0, %1 : tensor<?x3x8x8xf32>, tensor<6x3x3x3xf32>
}

// -----

// maxpool2d_grad: the first maximum of each window (strictly greater, or
// NaN, replaces), then per kernel offset a strided slice of the input
// adjoint gets the adjoint where that offset won; avgpool2d_grad adds a
// quarter of the adjoint per offset.
// CHECK-LABEL: func.func @pool_grads
// CHECK: %[[ARG:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<?x3x4x4xf32>, tensor<?x3x4x4xi64>)
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK-COUNT-4: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, {{[01]}}, {{[01]}}] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// CHECK-COUNT-4: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, {{[01]}}, {{[01]}}] [%{{.*}}, 3, 4, 4] [1, 1, 2, 2]
// In place after bufferization: no copies.
// BUF-LABEL: func.func @pool_grads
// BUF-NOT: memref.copy
// BUF: return
func.func @pool_grads(%g: tensor<?x3x4x4xf32>, %x: tensor<?x3x8x8xf32>) -> (tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>) {
  %0 = nn.maxpool2d_grad %g, %x kernel = [2, 2] stride = [2, 2] : tensor<?x3x4x4xf32>, tensor<?x3x8x8xf32>
  %1 = nn.avgpool2d_grad %g kernel = [2, 2] stride = [2, 2] : tensor<?x3x4x4xf32> -> tensor<?x3x8x8xf32>
  return %0, %1 : tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>
}
