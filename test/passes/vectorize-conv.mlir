// RUN: deepc-opt %s -split-input-file --deepc-vectorize-conv --canonicalize --cse | FileCheck %s
// RUN: deepc-opt %s -split-input-file --deepc-vectorize-conv="vector-bits=512 vector-registers=32" --canonicalize --cse | FileCheck %s --check-prefix=WIDE

// deepc-vectorize-conv on buffers. A linalg.conv_2d_nchw_fchw of stride 1
// (LowerNNConv's direct convolution, on the padded input) becomes, for
// each batch element, block of output channels and output row, blocks of
// vectors along the row whose accumulators start from the output (the
// bias); per kernel column, one load per vector of the input row and one
// broadcast per channel. The target here: 256 bits (8 lanes), 16
// registers; the second run: 512 bits, 32 registers.

// LeNet's first convolution: 6 channels, rows of 28. At 8 lanes the block
// is 6 channels x 2 vectors (12 accumulators, 2 input vectors and a
// broadcast: 15 registers): columns 0-15, then 16-27 with the second
// vector masked to 4 lanes. At 16 lanes: 6 x 2 vectors, 28 = 16 + 12.
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @lenet1(%x: memref<?x1x32x32xf32>, %w: memref<6x1x5x5xf32>, %o: memref<?x6x28x28xf32>) {
    linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : memref<?x1x32x32xf32>, memref<6x1x5x5xf32>) outs(%o : memref<?x6x28x28xf32>)
    return
  }
}
// CHECK-LABEL: func.func @lenet1
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<[true, true, true, true, false, false, false, false]> : vector<8xi1>
// CHECK-NOT:     linalg.conv_2d
// CHECK:         scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 {
// CHECK:           scf.for %[[I:.*]] = %c0 to %c28 step %c1 {
// CHECK-COUNT-12:    vector.load %{{.*}} : memref<?x6x28x28xf32>, vector<8xf32>
// CHECK:             scf.for %[[A:.*]] = %c0 to %c5 step %c1 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK:               %[[ROW:.*]] = arith.addi %[[I]], %[[A]]
// CHECK:               vector.load %{{.*}}[%[[N]], %c0, %[[ROW]], %c0] : memref<?x1x32x32xf32>, vector<8xf32>
// CHECK:               vector.load %{{.*}}[%[[N]], %c0, %[[ROW]], %c8] : memref<?x1x32x32xf32>, vector<8xf32>
// CHECK:               memref.load %{{.*}}[%c0, %c0, %[[A]], %c0] : memref<6x1x5x5xf32>
// CHECK:               vector.broadcast
// CHECK-COUNT-2:       vector.fma
// CHECK:               memref.load %{{.*}}[%c5, %c0, %[[A]], %c0] : memref<6x1x5x5xf32>
// The last kernel column reads the row from column 4.
// CHECK:               vector.load %{{.*}}[%[[N]], %c0, %[[ROW]], %c4] : memref<?x1x32x32xf32>, vector<8xf32>
// CHECK:               scf.yield
// CHECK-COUNT-12:    vector.store
// The row's end: columns 16-23 whole, 24-27 masked, in loads and stores.
// CHECK:             vector.maskedload %{{.*}}[%[[N]], %c0, %[[I]], %c24], %[[M]]
// CHECK:             scf.for
// CHECK:               vector.load %{{.*}}[%[[N]], %c0, %{{.*}}, %c16] : memref<?x1x32x32xf32>, vector<8xf32>
// CHECK:               vector.maskedload %{{.*}}[%[[N]], %c0, %{{.*}}, %c24], %[[M]]
// CHECK:             vector.maskedstore %{{.*}}[%[[N]], %c5, %[[I]], %c24], %[[M]]
// WIDE-LABEL: func.func @lenet1
// WIDE:         %[[M:.*]] = arith.constant dense<[true, true, true, true, true, true, true, true, true, true, true, true, false, false, false, false]> : vector<16xi1>
// WIDE:         scf.for
// WIDE-COUNT-6:   vector.maskedload %{{.*}} : memref<?x6x28x28xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// WIDE:           scf.for %{{.*}} = %c0 to %c5 step %c1 iter_args
// WIDE-COUNT-6:   vector.maskedstore

// -----

// 7 channels of 2 inputs on rows of 13: a block of 6 channels, then one of
// 1 (8 lanes: 2 vectors, the second masked to 5 lanes); the input channels
// are a loop around the kernel rows.
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @odd(%x: memref<?x2x15x15xf32>, %w: memref<7x2x3x3xf32>, %o: memref<?x7x13x13xf32>) {
    linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : memref<?x2x15x15xf32>, memref<7x2x3x3xf32>) outs(%o : memref<?x7x13x13xf32>)
    return
  }
}
// CHECK-LABEL: func.func @odd
// CHECK-DAG:     arith.constant dense<[true, true, true, true, true, false, false, false]> : vector<8xi1>
// CHECK:         scf.for
// CHECK:           scf.for %{{.*}} = %c0 to %c13 step %c1 {
// CHECK-COUNT-6:     vector.maskedload %{{.*}} : memref<?x7x13x13xf32>
// CHECK:             scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args
// CHECK:               scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args
// CHECK-COUNT-6:     vector.maskedstore
// The seventh channel alone.
// CHECK:           scf.for %{{.*}} = %c0 to %c13 step %c1 {
// CHECK:             vector.load %{{.*}}[%{{.*}}, %c6, %{{.*}}, %c0] : memref<?x7x13x13xf32>, vector<8xf32>
// CHECK:             vector.maskedload %{{.*}}[%{{.*}}, %c6, %{{.*}}, %c8]
// CHECK:             vector.maskedstore %{{.*}}[%{{.*}}, %c6, %{{.*}}, %c8]
// CHECK:         return

// -----

// The weight gradient LowerNNConv emits for a few channels: for each batch
// element, input channel and kernel row, blocks of output channels whose
// KW lane sums run along the rows (8 lanes, 16 registers, a 5-wide kernel:
// 2 channels x 5 columns); the last vector of each row masked to zeros,
// then each sum into the gradient.
#g = affine_map<(f, c, a, b, n, i, j) -> (n, f, i, j)>
#x = affine_map<(f, c, a, b, n, i, j) -> (n, c, i + a, j + b)>
#dw = affine_map<(f, c, a, b, n, i, j) -> (f, c, a, b)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @grad_weight(%g: memref<?x6x28x28xf32>, %x: memref<?x1x32x32xf32>, %dw: memref<6x1x5x5xf32>) {
    linalg.generic {indexing_maps = [#g, #x, #dw], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%g, %x : memref<?x6x28x28xf32>, memref<?x1x32x32xf32>) outs(%dw : memref<6x1x5x5xf32>) {
    ^bb0(%gi: f32, %xi: f32, %acc: f32):
      %p = arith.mulf %gi, %xi : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @grad_weight
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<[true, true, true, true, false, false, false, false]> : vector<8xi1>
// CHECK-NOT:     linalg.generic
// CHECK:         scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK:           scf.for %[[A:.*]] = %c0 to %c5 step %c1 {
// CHECK:             scf.for %[[F:.*]] = %c0 to %c6 step %c2 {
// CHECK:               scf.for %[[I:.*]] = %c0 to %c28 step %c1 iter_args
// CHECK:                 scf.for %[[J:.*]] = %c0 to %c24 step %c8 iter_args
// CHECK-COUNT-5:           vector.load %{{.*}} : memref<?x1x32x32xf32>, vector<8xf32>
// CHECK:                   vector.load %{{.*}} : memref<?x6x28x28xf32>, vector<8xf32>
// CHECK-COUNT-5:           vector.fma
// CHECK:                   vector.load %{{.*}} : memref<?x6x28x28xf32>, vector<8xf32>
// CHECK-COUNT-5:           vector.fma
// CHECK:                 vector.maskedload %{{.*}}[%{{.*}}, %c0, %{{.*}}, %c24], %[[M]]
// CHECK-COUNT-10:      vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
// CHECK:         return
// At 16 lanes and 32 registers: a block of 5 channels (25 sums), then the
// sixth channel alone (5 sums); each row one whole vector and one masked.
// WIDE-LABEL: func.func @grad_weight
// WIDE:         scf.for %{{.*}} = %c0 to %c28 step %c1 iter_args({{.*}}) -> (vector<16xf32>
// WIDE-COUNT-5:   vector.load %{{.*}} : memref<?x1x32x32xf32>, vector<16xf32>
// WIDE-COUNT-5:   vector.maskedload %{{.*}} : memref<?x1x32x32xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// WIDE-COUNT-25: vector.reduction <add>
// WIDE:         scf.for %{{.*}} = %c0 to %c28 step %c1 iter_args
// WIDE-COUNT-5: vector.reduction <add>
// WIDE:         return

// -----

// The channels-last convolution (LowerNNConv's ConvKind::ChannelsLast),
// stride 2: out[n, i, j, f] += x[n, c, 2 i + a, 2 j + b] * wt[c, a, b, f].
// 20 channels at 8 lanes: tiles of 4 pixels x 3 vectors of channels (12
// accumulators, 3 filter vectors and a broadcast), the third vector masked
// to 4 lanes in its loads and stores; per kernel column, 3 filter loads and
// one broadcast input element per pixel, its column 2 j + b.
#x = affine_map<(n, i, j, f, c, a, b) -> (n, c, i * 2 + a, j * 2 + b)>
#w = affine_map<(n, i, j, f, c, a, b) -> (c, a, b, f)>
#o = affine_map<(n, i, j, f, c, a, b) -> (n, i, j, f)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @channels_last(%x: memref<?x3x17x17xf32>, %w: memref<3x3x3x20xf32>, %o: memref<?x8x8x20xf32>) {
    linalg.generic {indexing_maps = [#x, #w, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<?x3x17x17xf32>, memref<3x3x3x20xf32>) outs(%o : memref<?x8x8x20xf32>) {
    ^bb0(%xi: f32, %wi: f32, %acc: f32):
      %p = arith.mulf %xi, %wi : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (d0 * 2 + d1)>
// CHECK-DAG:   #[[COL0:.*]] = affine_map<(d0) -> (d0 * 2)>
// CHECK-LABEL: func.func @channels_last
// CHECK-DAG:     %[[M:.*]] = arith.constant dense<[true, true, true, true, false, false, false, false]> : vector<8xi1>
// CHECK-NOT:     linalg.generic
// CHECK:         scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 {
// CHECK:           scf.for %[[I:.*]] = %c0 to %c8 step %c1 {
// CHECK:             scf.for %[[J:.*]] = %c0 to %c8 step %c4 {
// CHECK:               vector.load %{{.*}}[%[[N]], %[[I]], %[[J]], %c0] : memref<?x8x8x20xf32>, vector<8xf32>
// CHECK:               vector.load %{{.*}}[%[[N]], %[[I]], %[[J]], %c8] : memref<?x8x8x20xf32>, vector<8xf32>
// CHECK:               vector.maskedload %{{.*}}[%[[N]], %[[I]], %[[J]], %c16], %[[M]]
// CHECK:               scf.for %[[C:.*]] = %c0 to %c3 step %c1 iter_args
// CHECK:                 scf.for %[[A:.*]] = %c0 to %c3 step %c1 iter_args
// CHECK:                   %[[R:.*]] = affine.apply #[[ROW]](%[[I]], %[[A]])
// CHECK:                   vector.load %{{.*}}[%[[C]], %[[A]], %c0, %c0] : memref<3x3x3x20xf32>, vector<8xf32>
// CHECK:                   vector.load %{{.*}}[%[[C]], %[[A]], %c0, %c8] : memref<3x3x3x20xf32>, vector<8xf32>
// CHECK:                   vector.maskedload %{{.*}}[%[[C]], %[[A]], %c0, %c16], %[[M]]
// CHECK:                   %[[COL:.*]] = affine.apply #[[COL0]](%[[J]])
// CHECK:                   %[[S:.*]] = memref.load %{{.*}}[%[[N]], %[[C]], %[[R]], %[[COL]]] : memref<?x3x17x17xf32>
// CHECK:                   vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK-COUNT-3:           vector.fma
// CHECK:               vector.store %{{.*}}, %{{.*}}[%[[N]], %[[I]], %[[J]], %c0] : memref<?x8x8x20xf32>, vector<8xf32>
// CHECK:               vector.store %{{.*}}, %{{.*}}[%[[N]], %[[I]], %[[J]], %c8] : memref<?x8x8x20xf32>, vector<8xf32>
// CHECK:               vector.maskedstore %{{.*}}[%[[N]], %[[I]], %[[J]], %c16], %[[M]]
// CHECK:         return
// WIDE-LABEL: func.func @channels_last
// WIDE-NOT:     linalg.generic
// WIDE:         vector.maskedload {{.*}} vector<16xi1>, vector<16xf32> into vector<16xf32>
// WIDE:         return

// -----

// The channels-last weight gradient: dwt[c, a, b, f] += x[n, c, i + a,
// j + b] * gt[n, i, j, f] over LeNet's second convolution (6 x 5 x 5 = 150
// taps, 16 channels): tiles of 6 taps x 2 vectors, 25 of them, whose
// accumulators run over the whole batch, each tap's (c, a, b) taken apart
// once per tile.
#gx = affine_map<(c, a, b, f, n, i, j) -> (n, c, i + a, j + b)>
#gt = affine_map<(c, a, b, f, n, i, j) -> (n, i, j, f)>
#dwt = affine_map<(c, a, b, f, n, i, j) -> (c, a, b, f)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @grad_weight_channels(%x: memref<?x6x14x14xf32>, %g: memref<?x10x10x16xf32>, %dw: memref<6x5x5x16xf32>) {
    linalg.generic {indexing_maps = [#gx, #gt, #dwt], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %g : memref<?x6x14x14xf32>, memref<?x10x10x16xf32>) outs(%dw : memref<6x5x5x16xf32>) {
    ^bb0(%xi: f32, %gi: f32, %acc: f32):
      %p = arith.mulf %xi, %gi : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @grad_weight_channels
// CHECK-NOT:     linalg.generic
// CHECK:         scf.for %[[T:.*]] = %c0 to %c150 step %c6 {
// CHECK:           arith.divui %[[T]], %c25
// CHECK:           arith.remui %[[T]], %c25
// CHECK-COUNT-12:  vector.load %{{.*}} : memref<6x5x5x16xf32>, vector<8xf32>
// CHECK:           scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 iter_args
// CHECK:             scf.for %[[I:.*]] = %c0 to %c10 step %c1 iter_args
// CHECK:               scf.for %[[J:.*]] = %c0 to %c10 step %c1 iter_args
// CHECK:                 vector.load %{{.*}}[%[[N]], %[[I]], %[[J]], %c0] : memref<?x10x10x16xf32>, vector<8xf32>
// CHECK:                 vector.load %{{.*}}[%[[N]], %[[I]], %[[J]], %c8] : memref<?x10x10x16xf32>, vector<8xf32>
// CHECK-COUNT-6:         memref.load %{{.*}} : memref<?x6x14x14xf32>
// CHECK-NOT:             vector.reduction
// CHECK:           vector.store
// CHECK:         return
// WIDE-LABEL: func.func @grad_weight_channels
// WIDE:         scf.for %{{.*}} = %c0 to %c150 step %c{{[0-9]+}} {
// WIDE:         memref.load %{{.*}} : memref<?x6x14x14xf32>
// WIDE:         vector.fma %{{.*}} : vector<16xf32>
// WIDE:         return

// -----

// Left to convert-linalg-to-loops: a stride of 2, rows of dynamic length,
// and a target without vector registers.
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @strided(%x: memref<?x1x31x31xf32>, %w: memref<6x1x5x5xf32>, %o: memref<?x6x14x14xf32>) {
    linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : memref<?x1x31x31xf32>, memref<6x1x5x5xf32>) outs(%o : memref<?x6x14x14xf32>)
    return
  }
  func.func @dynamic_rows(%x: memref<?x1x32x?xf32>, %w: memref<6x1x5x5xf32>, %o: memref<?x6x28x?xf32>) {
    linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : memref<?x1x32x?xf32>, memref<6x1x5x5xf32>) outs(%o : memref<?x6x28x?xf32>)
    return
  }
}
// CHECK-LABEL: func.func @strided
// AUDIT: unchanged: a stride of 2 must stay a linalg.conv_2d_nchw_fchw.
// CHECK-NOT:     vector.
// CHECK:         linalg.conv_2d_nchw_fchw
// CHECK-LABEL: func.func @dynamic_rows
// AUDIT: unchanged: rows of dynamic length must stay a linalg.conv_2d_nchw_fchw.
// CHECK-NOT:     vector.
// CHECK:         linalg.conv_2d_nchw_fchw
// WIDE-LABEL: func.func @strided
// AUDIT: unchanged: at 512 bits too, a stride of 2 stays.
// WIDE:         linalg.conv_2d_nchw_fchw
// WIDE-LABEL: func.func @dynamic_rows
// AUDIT: unchanged: at 512 bits too, rows of dynamic length stay.
// WIDE:         linalg.conv_2d_nchw_fchw

// -----

module attributes {deepc.target = {cpu = "generic-rv64", features = "", triple = "riscv64-unknown-linux-gnu", vector_bits = 0 : i64, vector_registers = 8 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 0 : i64}} {
  func.func @scalar_target(%x: memref<?x1x32x32xf32>, %w: memref<6x1x5x5xf32>, %o: memref<?x6x28x28xf32>) {
    linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%x, %w : memref<?x1x32x32xf32>, memref<6x1x5x5xf32>) outs(%o : memref<?x6x28x28xf32>)
    return
  }
}
// CHECK-LABEL: func.func @scalar_target
// AUDIT: unchanged: a target without vector registers keeps the conv.
// CHECK-NOT:     vector.
// CHECK:         linalg.conv_2d_nchw_fchw
