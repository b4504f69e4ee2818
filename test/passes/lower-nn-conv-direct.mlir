// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg -canonicalize -cse | FileCheck %s

// Which convolutions LowerNNConv lowers directly (chooseConvKind,
// chooseGradWeightKind: a register block of deepc-vectorize-conv's that
// keeps at least 75% of the FMA slots busy, vectors along the output rows
// or along the output channels) and which as im2col and a matmul, for a
// target of 8 lanes and 16 registers; deepc-vectorize-conv
// (vectorize-conv.mlir) then vectorizes the direct ones.

// LeNet's first convolution (6 channels, rows of 28): the padded input,
// the output filled with the bias, and linalg.conv_2d_nchw_fchw adding the
// products; no patch matrix, no matmul.
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @lenet1
// CHECK-NOT: linalg.matmul
// CHECK: %[[P:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x1x32x32xf32>)
// CHECK: %[[B:.*]] = linalg.generic {{.*}}#[[BIAS]]{{.*}} ins(%arg2 : tensor<6xf32>) outs(%{{.*}} : tensor<?x6x28x28xf32>)
// CHECK: linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[P]], %arg1 : tensor<?x1x32x32xf32>, tensor<6x1x5x5xf32>) outs(%[[B]] : tensor<?x6x28x28xf32>)
// CHECK-NOT: linalg.matmul
// CHECK: return
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @lenet1(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<?x6x28x28xf32> {
    %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [2, 2] : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32> -> tensor<?x6x28x28xf32>
    return %0 : tensor<?x6x28x28xf32>
  }
}

// -----

// LeNet's second convolution (16 channels, rows of 10): vectors along a
// row would use 62% of the FMA slots, along the channels all of them, less
// the transposition of the output (150 products an element: 88%). The
// filters as [C, KH, KW, F], the bias broadcast into [N, OH, OW, F], one
// generic over (n, i, j, f, c, a, b), the result transposed to NCHW.
// 64 channels likewise, with a stride of 2 in the input's map. Only 6
// channels with a stride of 2 (no row kernel; channels-last: 6 of 8 lanes,
// 25 products an element) stays im2col and a matmul.
// CHECK-DAG: #[[XS1:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d1 + d5, d2 + d6)>
// CHECK-DAG: #[[WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-DAG: #[[ACC:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[XS2:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d4, d1 * 2 + d5, d2 * 2 + d6)>
// CHECK-LABEL: func.func @lenet2
// CHECK-NOT: linalg.matmul
// CHECK: %[[WTV:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<16x6x5x5xf32>) outs(%{{.*}} : tensor<6x5x5x16xf32>)
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<16xf32>) outs(%{{.*}} : tensor<?x10x10x16xf32>)
// CHECK: %[[A:.*]] = linalg.generic {indexing_maps = [#[[XS1]], #[[WT]], #[[ACC]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %[[WTV]] : tensor<?x6x14x14xf32>, tensor<6x5x5x16xf32>) outs(%[[B]] : tensor<?x10x10x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[A]] : tensor<?x10x10x16xf32>) outs(%{{.*}} : tensor<?x16x10x10xf32>)
// CHECK-LABEL: func.func @wide_strided
// CHECK-NOT: linalg.matmul
// CHECK: linalg.generic {indexing_maps = [#[[XS2]], #[[WT]], #[[ACC]]]
// CHECK-SAME: outs(%{{.*}} : tensor<?x14x14x64xf32>)
// CHECK-LABEL: func.func @strided
// CHECK-NOT: "reduction", "reduction", "reduction"
// CHECK: linalg.matmul
// CHECK: return
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @lenet2(%x: tensor<?x6x14x14xf32>, %w: tensor<16x6x5x5xf32>, %b: tensor<16xf32>) -> tensor<?x16x10x10xf32> {
    %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [0, 0] : tensor<?x6x14x14xf32>, tensor<16x6x5x5xf32>, tensor<16xf32> -> tensor<?x16x10x10xf32>
    return %0 : tensor<?x16x10x10xf32>
  }
  func.func @wide_strided(%x: tensor<?x32x28x28xf32>, %w: tensor<64x32x3x3xf32>, %b: tensor<64xf32>) -> tensor<?x64x14x14xf32> {
    %0 = nn.conv2d %x, %w, %b stride = [2, 2] padding = [1, 1] : tensor<?x32x28x28xf32>, tensor<64x32x3x3xf32>, tensor<64xf32> -> tensor<?x64x14x14xf32>
    return %0 : tensor<?x64x14x14xf32>
  }
  func.func @strided(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<?x6x14x14xf32> {
    %0 = nn.conv2d %x, %w, %b stride = [2, 2] padding = [2, 2] : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32> -> tensor<?x6x14x14xf32>
    return %0 : tensor<?x6x14x14xf32>
  }
}

// -----

// A target without vector registers: im2col and a matmul.
// CHECK-LABEL: func.func @scalar_target
// CHECK-NOT: linalg.conv_2d
// CHECK: linalg.matmul
// CHECK: return
module attributes {deepc.target = {cpu = "generic-rv64", features = "", triple = "riscv64-unknown-linux-gnu", vector_bits = 0 : i64, vector_registers = 8 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 0 : i64}} {
  func.func @scalar_target(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>) -> tensor<?x6x28x28xf32> {
    %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [2, 2] : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32> -> tensor<?x6x28x28xf32>
    return %0 : tensor<?x6x28x28xf32>
  }
}

// -----

// Weight gradients: LeNet's first (6 channels, rows of 28) as one generic
// over (f, c, a, b, n, i, j) summing g[n, f, i, j] * xpad[n, c, i + a,
// j + b] into zeros; 32 channels as im2col and a matmul.
// CHECK-DAG: #[[G:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d5, d6)>
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d1, d2 + d5, d3 + d6)>
// CHECK-DAG: #[[DW:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[GX:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d1 + d5, d2 + d6)>
// CHECK-DAG: #[[GT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
// CHECK-LABEL: func.func @grad_weight_narrow
// CHECK-NOT: linalg.matmul
// CHECK: %[[P:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<?x1x32x32xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[G]], #[[X]], #[[DW]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg0, %[[P]] : tensor<?x6x28x28xf32>, tensor<?x1x32x32xf32>) outs(%{{.*}} : tensor<6x1x5x5xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.matmul
// 16 channels over LeNet's second convolution's 150 taps: channels-last,
// the adjoint as [N, OH, OW, F], one generic over (c, a, b, f, n, i, j)
// into [C, KH, KW, F], transposed to [F, C, KH, KW]. 32 channels of 9 taps
// (the transposition of the adjoint costs more than 9 products an
// element): im2col and a matmul.
// CHECK-LABEL: func.func @grad_weight_channels
// CHECK-NOT: linalg.matmul
// CHECK: %[[GTV:.*]] = linalg.generic {{.*}} ins(%arg0 : tensor<?x16x10x10xf32>) outs(%{{.*}} : tensor<?x10x10x16xf32>)
// CHECK: %[[DWT:.*]] = linalg.generic {indexing_maps = [#[[GX]], #[[GT]], #[[DW]]], {{.*}} ins(%arg1, %[[GTV]] : tensor<?x6x14x14xf32>, tensor<?x10x10x16xf32>) outs(%{{.*}} : tensor<6x5x5x16xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[DWT]] : tensor<6x5x5x16xf32>) outs(%{{.*}} : tensor<16x6x5x5xf32>)
// CHECK-LABEL: func.func @grad_weight_wide
// CHECK-NOT: "reduction", "reduction", "reduction"
// CHECK: linalg.matmul
// CHECK: return
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @grad_weight_narrow(%g: tensor<?x6x28x28xf32>, %x: tensor<?x1x28x28xf32>) -> tensor<6x1x5x5xf32> {
    %0 = nn.conv2d_grad_weight %g, %x stride = [1, 1] padding = [2, 2] : tensor<?x6x28x28xf32>, tensor<?x1x28x28xf32> -> tensor<6x1x5x5xf32>
    return %0 : tensor<6x1x5x5xf32>
  }
  func.func @grad_weight_channels(%g: tensor<?x16x10x10xf32>, %x: tensor<?x6x14x14xf32>) -> tensor<16x6x5x5xf32> {
    %0 = nn.conv2d_grad_weight %g, %x stride = [1, 1] padding = [0, 0] : tensor<?x16x10x10xf32>, tensor<?x6x14x14xf32> -> tensor<16x6x5x5xf32>
    return %0 : tensor<16x6x5x5xf32>
  }
  func.func @grad_weight_wide(%g: tensor<?x32x28x28xf32>, %x: tensor<?x1x28x28xf32>) -> tensor<32x1x3x3xf32> {
    %0 = nn.conv2d_grad_weight %g, %x stride = [1, 1] padding = [1, 1] : tensor<?x32x28x28xf32>, tensor<?x1x28x28xf32> -> tensor<32x1x3x3xf32>
    return %0 : tensor<32x1x3x3xf32>
  }
}
