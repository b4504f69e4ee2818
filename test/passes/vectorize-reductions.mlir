// RUN: deepc-opt %s -split-input-file --deepc-vectorize-reductions --canonicalize --cse | FileCheck %s
// RUN: deepc-opt %s -split-input-file --deepc-vectorize-reductions="vector-bits=512" --canonicalize --cse | FileCheck %s --check-prefix=WIDE

// deepc-vectorize-reductions on buffers: row reductions over the contiguous
// innermost dimension become vector loops of the target's width (the
// module's deepc.target: 256 bits here, 8 lanes; 512 with the option), four
// rows at a time with one accumulator each, then one row at a time; the
// last partial vector is a masked load whose lanes past the row are the
// combiner's neutral element.

#row = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @sumsq(%x: memref<?x77xf32>, %o: memref<?xf32>) {
    linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
        ins(%x : memref<?x77xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %sq = arith.mulf %in, %in : f32
      %s = arith.addf %sq, %acc fastmath<reassoc> : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @sumsq
// CHECK:         %[[M:.*]] = arith.constant dense<[true, true, true, true, true, false, false, false]> : vector<8xi1>
// CHECK-NOT:     linalg.generic
// CHECK:         scf.for %[[R:.*]] = %c0 to %{{.*}} step %c4
// CHECK:           scf.for %[[K:.*]] = %c0 to %c72 step %c8 iter_args
// CHECK:             vector.load %{{.*}}[%[[R]], %[[K]]] : memref<?x77xf32>, vector<8xf32>
// CHECK:             vector.load %{{.*}}[%{{.*}}, %[[K]]] : memref<?x77xf32>, vector<8xf32>
// 77 = nine whole vectors (k = 0 .. 64) and a partial one (k = 72), for
// 4 rows.
// CHECK:           vector.maskedload %{{.*}}[%[[R]], %c72], %[[M]]
// CHECK:           arith.select %[[M]], %{{.*}}, %cst{{.*}} : vector<8xi1>, vector<8xf32>
// CHECK:           vector.reduction <add>, %{{.*}} fastmath<reassoc> : vector<8xf32> into f32
// CHECK:           memref.load %{{.*}}[%[[R]]] : memref<?xf32>
// CHECK:           memref.store
// CHECK-COUNT-3:   vector.reduction <add>
// The remaining rows, one at a time.
// CHECK:         scf.for %{{.*}} step %c1
// CHECK:           vector.load
// CHECK:           vector.maskedload
// CHECK:           vector.reduction <add>
// WIDE-LABEL: func.func @sumsq
// WIDE:         vector.load %{{.*}} : memref<?x77xf32>, vector<16xf32>
// WIDE:         vector.maskedload %{{.*}}[%{{.*}}, %c64], %{{.*}} : memref<?x77xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// WIDE:         vector.reduction <add>, %{{.*}} : vector<16xf32> into f32

// -----

// softmax's row maximum, minus it: an input that does not depend on the
// reduction loop (one value a row) is broadcast; the maximum's neutral
// element is -inf.
#row = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @shifted_max(%x: memref<?x100xf32>, %m: memref<?xf32>, %o: memref<?xf32>) {
    linalg.generic {indexing_maps = [#row, #out, #out], iterator_types = ["parallel", "reduction"]}
        ins(%x, %m : memref<?x100xf32>, memref<?xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %mx: f32, %acc: f32):
      %d = arith.subf %in, %mx : f32
      %r = arith.maximumf %d, %acc : f32
      linalg.yield %r : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @shifted_max
// CHECK-DAG:     %[[NEG:.*]] = arith.constant dense<0xFF800000> : vector<8xf32>
// CHECK:         scf.for %[[R:.*]] = %c0 to %{{.*}} step %c4
// CHECK:           scf.for %[[K:.*]] = %c0 to %{{.*}} step %c8 iter_args(%[[A0:.*]] = %[[NEG]], %{{.*}} = %[[NEG]], %{{.*}} = %[[NEG]], %{{.*}} = %[[NEG]])
// CHECK:             %[[V:.*]] = vector.load %{{.*}}[%[[R]], %[[K]]] : memref<?x100xf32>, vector<8xf32>
// CHECK:             %[[S:.*]] = memref.load %{{.*}}[%[[R]]] : memref<?xf32>
// CHECK:             %[[B:.*]] = vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK:             %[[D:.*]] = arith.subf %[[V]], %[[B]] : vector<8xf32>
// CHECK:             arith.maximumf %[[A0]], %[[D]] : vector<8xf32>
// CHECK:           vector.maskedload %{{.*}}[%[[R]], %c96]
// CHECK:           arith.select %{{.*}}, %{{.*}}, %[[NEG]]
// CHECK:           vector.reduction <maximumf>, %{{.*}} : vector<8xf32> into f32

// -----

// No parallel loop (a whole tensor's sum): one row, four accumulators, 32
// elements an iteration.
#in = affine_map<(d0) -> (d0)>
#out = affine_map<(d0) -> ()>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @total(%x: memref<784xf32>, %o: memref<f32>) {
    linalg.generic {indexing_maps = [#in, #out], iterator_types = ["reduction"]}
        ins(%x : memref<784xf32>) outs(%o : memref<f32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc fastmath<reassoc> : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @total
// CHECK:         scf.for %[[K:.*]] = %c0 to %c768 step %c32 iter_args
// CHECK-COUNT-4:   vector.load %{{.*}} : memref<784xf32>, vector<8xf32>
// CHECK:         scf.for %{{.*}} = %c768 to %c784 step %c8 iter_args
// CHECK:           vector.maskedload
// CHECK:         arith.addf
// CHECK:         vector.reduction <add>
// CHECK:         memref.load %{{.*}}[] : memref<f32>

// -----

// batchnorm's per-channel sum over (0, 2, 3), as [C, N, HW]: the outer
// reduction loop carries the four accumulators.
#in = affine_map<(c, n, hw) -> (n, c, hw)>
#out = affine_map<(c, n, hw) -> (c)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @channel_sum(%x: memref<?x6x784xf32>, %o: memref<6xf32>) {
    linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction", "reduction"]}
        ins(%x : memref<?x6x784xf32>) outs(%o : memref<6xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc fastmath<reassoc> : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @channel_sum
// Channels 0-3 in one block (its loop of one iteration folded away), the
// batch loop around the row loop.
// CHECK:         scf.for %[[N:.*]] = %c0 to %{{.*}} step %c1 iter_args
// CHECK:           scf.for %[[K:.*]] = %c0 to %c784 step %c8 iter_args
// CHECK:             vector.load %{{.*}}[%[[N]], %c0, %[[K]]] : memref<?x6x784xf32>, vector<8xf32>
// CHECK:             vector.load %{{.*}}[%[[N]], %c3, %[[K]]] : memref<?x6x784xf32>, vector<8xf32>
// CHECK:         memref.store %{{.*}}, %{{.*}}[%c3] : memref<6xf32>
// Channels 4 and 5, one at a time.
// CHECK:         scf.for %{{.*}} = %c4 to %c6 step %c1

// -----

// Left alone: a sum in order (no reassoc), a reduction along a dimension
// that is not contiguous (a column sum), a reduction whose loop is outside
// a parallel one, rows shorter than four vectors or of unknown length.
#row = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1, d0)>
#out = affine_map<(d0, d1) -> (d0)>
#out1 = affine_map<(d0, d1) -> (d1)>
module attributes {deepc.target = {cpu = "znver3", features = "", vector_bits = 256 : i64, vector_registers = 16 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 33554432 : i64}} {
  func.func @left_alone(%x: memref<?x128xf32>, %y: memref<128x?xf32>, %o: memref<?xf32>, %p: memref<128xf32>, %short: memref<?x16xf32>, %d: memref<?x?xf32>) {
    linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
        ins(%x : memref<?x128xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %e = math.exp %in : f32
      %s = arith.addf %e, %acc : f32
      linalg.yield %s : f32
    }
    linalg.generic {indexing_maps = [#col, #out], iterator_types = ["parallel", "reduction"]}
        ins(%y : memref<128x?xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc fastmath<reassoc> : f32
      linalg.yield %s : f32
    }
    linalg.generic {indexing_maps = [#row, #out1], iterator_types = ["reduction", "parallel"]}
        ins(%x : memref<?x128xf32>) outs(%p : memref<128xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc fastmath<reassoc> : f32
      linalg.yield %s : f32
    }
    linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
        ins(%short : memref<?x16xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
    linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
        ins(%d : memref<?x?xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @left_alone
// AUDIT: unchanged: none of these five fits the pass, each must stay a linalg.generic.
// CHECK-NOT:     vector.
// CHECK-COUNT-5: linalg.generic
// CHECK-NOT:     vector.
// WIDE-LABEL: func.func @left_alone
// AUDIT: unchanged: at 512 bits the same five still stay as they are.
// WIDE-COUNT-5: linalg.generic

// -----

// A target without vector registers (RISC-V without V) takes nothing.
#row = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>
module attributes {deepc.target = {cpu = "generic-rv64", features = "", triple = "riscv64-unknown-linux-gnu", vector_bits = 0 : i64, vector_registers = 8 : i64, l1_bytes = 32768 : i64, l2_bytes = 524288 : i64, l3_bytes = 0 : i64}} {
  func.func @scalar_target(%x: memref<?x128xf32>, %o: memref<?xf32>) {
    linalg.generic {indexing_maps = [#row, #out], iterator_types = ["parallel", "reduction"]}
        ins(%x : memref<?x128xf32>) outs(%o : memref<?xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %in, %acc fastmath<reassoc> : f32
      linalg.yield %s : f32
    }
    return
  }
}
// CHECK-LABEL: func.func @scalar_target
// AUDIT: unchanged: a target without vector registers must keep its scalar reduction.
// CHECK-NOT:     vector.
// CHECK:         linalg.generic
