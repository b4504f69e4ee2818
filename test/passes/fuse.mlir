// RUN: deepc-opt %s -split-input-file --deepc-fuse --canonicalize --cse | FileCheck %s

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

// An elementwise chain (x * 2 + b, then relu) is one loop nest: each
// producer has one use.
func.func @chain(%x: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %two = arith.constant 2.0 : f32
  %zero = arith.constant 0.0 : f32
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %two : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %r = arith.addf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @chain
// CHECK:         linalg.generic
// CHECK-NOT:     linalg.generic
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

// softmax's exp goes into its row sum: the reduction reads exp(x) as it
// computes it.
func.func @exp_into_sum(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %zero = arith.constant 0.0 : f32
  %r0 = tensor.empty() : tensor<4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%r0 : tensor<4xf32>) -> tensor<4xf32>
  %ex = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%ex : tensor<4x8xf32>) outs(%acc : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  return %sum : tensor<4xf32>
}

// CHECK-LABEL: func.func @exp_into_sum
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:           math.exp
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

#v = affine_map<(i) -> (i)>

// The optimizer's pattern: the new momentum buffer is returned and read by
// the parameter update. One loop computes both; the buffer's value is
// computed once and is a second result of the fused op.
func.func @momentum_and_update(%w: tensor<16xf32>, %g: tensor<16xf32>, %buf: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %e = tensor.empty() : tensor<16xf32>
  %mu = arith.constant 0.9 : f32
  %lr = arith.constant 0.1 : f32
  %nb = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]}
      ins(%buf, %g : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%b: f32, %d: f32, %o: f32):
    %s = arith.mulf %b, %mu : f32
    %r = arith.addf %s, %d : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %nw = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]}
      ins(%w, %nb : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.mulf %b, %lr : f32
    %r = arith.subf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %nw, %nb : tensor<16xf32>, tensor<16xf32>
}

// CHECK-LABEL: func.func @momentum_and_update
// CHECK-NOT:     linalg.generic
// CHECK:         %[[F:.*]]:2 = linalg.generic
// CHECK:           %[[B:.*]] = arith.addf
// CHECK-NOT:       arith.addf
// CHECK:           %[[W:.*]] = arith.subf
// CHECK:           linalg.yield %[[B]], %[[W]]
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[F]]#1, %[[F]]#0

// -----

#id = affine_map<(i, j) -> (i, j)>

// Must not fuse: exp(x) read by two linalg ops would be computed twice.
func.func @two_consumers(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %ex = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.exp %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%ex : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%ex : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %p, %q : tensor<4x8xf32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @two_consumers
// AUDIT: unchanged: must not fuse, the input already has the exp stored once.
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic
// CHECK-NOT:       math.exp
// CHECK:         linalg.generic
// CHECK-NOT:       math.exp
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>

// Must not fuse: a matmul and its epilogue (relu) stay apart; deepc-tile
// tiles the matmul alone and the epilogue is one elementwise loop after it
// (docs/ARCHITECTURE.md, Fusion, says why).
func.func @matmul_relu(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %m = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e = tensor.empty() : tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// CHECK-LABEL: func.func @matmul_relu
// AUDIT: unchanged: must not fuse, the matmul and its relu stay two ops as in the input.
// CHECK:         linalg.matmul
// CHECK:         linalg.generic
// CHECK:           arith.maximumf

// -----

#id = affine_map<(i, j) -> (i, j)>

// A column sum (the reduction loop outer, as the lowering of a sum over
// the batch has it): the square (batchnorm's variance, the L2 penalty,
// clip_norm) is computed inside it.
func.func @square_into_sum(%x: tensor<64x16xf32>) -> tensor<16xf32> {
  %e = tensor.empty() : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %r0 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%r0 : tensor<16xf32>) -> tensor<16xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  %sum = linalg.generic {indexing_maps = [#id, affine_map<(i, j) -> (j)>], iterator_types = ["reduction", "parallel"]}
      ins(%sq : tensor<64x16xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%in: f32, %init: f32):
    %s = arith.addf %in, %init : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  return %sum : tensor<16xf32>
}

// CHECK-LABEL: func.func @square_into_sum
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:      ins(%{{.*}} : tensor<64x16xf32>)
// CHECK:           %[[SQ:.*]] = arith.mulf
// CHECK:           arith.addf %[[SQ]]
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>

// Must not fuse: a difference (x - mean) whose result is also read by the
// normalization would be computed in the reduction and again outside it;
// the sum reads it stored.
func.func @reduce_input_used_twice(%x: tensor<64x16xf32>, %m: tensor<64x16xf32>) -> (tensor<16xf32>, tensor<64x16xf32>) {
  %e = tensor.empty() : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %r0 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%r0 : tensor<16xf32>) -> tensor<16xf32>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %m : tensor<64x16xf32>, tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.subf %a, %b : f32
    %q = math.exp %r : f32
    linalg.yield %q : f32
  } -> tensor<64x16xf32>
  %sum = linalg.generic {indexing_maps = [#id, affine_map<(i, j) -> (j)>], iterator_types = ["reduction", "parallel"]}
      ins(%d : tensor<64x16xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%in: f32, %init: f32):
    %s = arith.addf %in, %init : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  return %sum, %y : tensor<16xf32>, tensor<64x16xf32>
}

// CHECK-LABEL: func.func @reduce_input_used_twice
// AUDIT: unchanged: must not fuse, the difference stays stored as in the input.
// CHECK:         %[[D:.*]] = linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic {{.*}}ins(%[[D]]
// CHECK-NOT:       math.exp
// CHECK:         linalg.generic {{.*}}ins(%[[D]]
// CHECK-NOT:       math.exp
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>

// Batchnorm's and layernorm's centring: d = x - mean is read by the sum of
// squares and by the normalization. It is cheap (one subtraction, one full
// operand), so each consumer computes it and it is never stored.
func.func @centre_recomputed(%x: tensor<64x16xf32>, %mean: tensor<16xf32>, %rstd: tensor<16xf32>) -> (tensor<16xf32>, tensor<64x16xf32>) {
  %e = tensor.empty() : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %r0 = tensor.empty() : tensor<16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%r0 : tensor<16xf32>) -> tensor<16xf32>
  %d = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %mean : tensor<64x16xf32>, tensor<16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.subf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  %var = linalg.generic {indexing_maps = [#id, affine_map<(i, j) -> (j)>], iterator_types = ["reduction", "parallel"]}
      ins(%sq : tensor<64x16xf32>) outs(%acc : tensor<16xf32>) {
  ^bb0(%in: f32, %init: f32):
    %s = arith.addf %in, %init : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d, %rstd : tensor<64x16xf32>, tensor<16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.mulf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  return %var, %y : tensor<16xf32>, tensor<64x16xf32>
}

// CHECK-LABEL: func.func @centre_recomputed
// CHECK-SAME:    (%[[X:.*]]: tensor<64x16xf32>, %[[MEAN:.*]]: tensor<16xf32>, %[[RSTD:.*]]: tensor<16xf32>)
// CHECK:         %[[VAR:.*]] = linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:      ins(%[[X]], %[[MEAN]] :
// CHECK:           %[[D1:.*]] = arith.subf
// CHECK:           %[[S:.*]] = arith.mulf %[[D1]], %[[D1]]
// CHECK:           arith.addf %[[S]]
// CHECK:         %[[Y:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK-SAME:      ins(%[[X]], %[[MEAN]], %[[RSTD]] :
// CHECK:           %[[D2:.*]] = arith.subf
// CHECK:           arith.mulf %[[D2]]
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[VAR]], %[[Y]]

// -----

#id = affine_map<(i, j) -> (i, j)>

// Must not be recomputed: a + b reads two operands of its size, so each
// consumer computing it would read two tensors where it read one.
func.func @two_full_operands(%a: tensor<64x16xf32>, %b: tensor<64x16xf32>) -> (tensor<64x16xf32>, tensor<64x16xf32>) {
  %e = tensor.empty() : tensor<64x16xf32>
  %zero = arith.constant 0.0 : f32
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<64x16xf32>, tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %r = arith.addf %x, %y : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<64x16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.mulf %x, %x : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  return %p, %q : tensor<64x16xf32>, tensor<64x16xf32>
}

// CHECK-LABEL: func.func @two_full_operands
// AUDIT: unchanged: must not be recomputed, a + b stays stored as in the input.
// CHECK:         %[[S:.*]] = linalg.generic
// CHECK:           arith.addf
// CHECK:         linalg.generic {{.*}}ins(%[[S]] :
// CHECK-NOT:       arith.addf
// CHECK:         linalg.generic {{.*}}ins(%[[S]] :
// CHECK-NOT:       arith.addf
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#bcast = affine_map<(i, j, k) -> (i, j)>
#id3 = affine_map<(i, j, k) -> (i, j, k)>

// Must not be recomputed: a consumer that reads the cheap value broadcast
// (along k) would compute each element 8 times.
func.func @broadcast_consumer(%x: tensor<4x16xf32>, %b: tensor<16xf32>, %z: tensor<4x16x8xf32>) -> (tensor<4x16xf32>, tensor<4x16x8xf32>) {
  %e = tensor.empty() : tensor<4x16xf32>
  %e3 = tensor.empty() : tensor<4x16x8xf32>
  %zero = arith.constant 0.0 : f32
  %s = linalg.generic {indexing_maps = [#id, affine_map<(i, j) -> (j)>, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %r = arith.addf %v, %w : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  %q = linalg.generic {indexing_maps = [#bcast, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s, %z : tensor<4x16xf32>, tensor<4x16x8xf32>) outs(%e3 : tensor<4x16x8xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %r = arith.mulf %v, %w : f32
    linalg.yield %r : f32
  } -> tensor<4x16x8xf32>
  return %p, %q : tensor<4x16xf32>, tensor<4x16x8xf32>
}

// CHECK-LABEL: func.func @broadcast_consumer
// AUDIT: unchanged: must not be recomputed, the value stays stored as in the input.
// CHECK:         %[[S:.*]] = linalg.generic
// CHECK:           arith.addf
// CHECK:         linalg.generic {{.*}}ins(%[[S]] :
// CHECK-NOT:       arith.addf
// CHECK:         linalg.generic {{.*}}ins(%[[S]], %{{.*}} :
// CHECK-NOT:       arith.addf
// CHECK:         return

// -----

#id = affine_map<(n, c) -> (n, c)>
#ch = affine_map<(n, c) -> (c)>
#v = affine_map<(c) -> (c)>

// Must not fuse: batchnorm's per-channel scale rsqrt(var + eps) * gamma has
// one consumer, but that consumer reads it broadcast over the batch; fused,
// it would take an rsqrt per element instead of one per channel. It stays a
// loop over the channels; the consumer still takes the bias add into it.
func.func @per_channel_into_broadcast(%x: tensor<64x16xf32>, %b: tensor<16xf32>, %var: tensor<16xf32>, %gamma: tensor<16xf32>) -> tensor<64x16xf32> {
  %e = tensor.empty() : tensor<64x16xf32>
  %ec = tensor.empty() : tensor<16xf32>
  %eps = arith.constant 1.0e-5 : f32
  %scale = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]}
      ins(%var, %gamma : tensor<16xf32>, tensor<16xf32>) outs(%ec : tensor<16xf32>) {
  ^bb0(%v: f32, %g: f32, %o: f32):
    %s = arith.addf %v, %eps : f32
    %r = math.rsqrt %s : f32
    %m = arith.mulf %r, %g : f32
    linalg.yield %m : f32
  } -> tensor<16xf32>
  %biased = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %b : tensor<64x16xf32>, tensor<16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %r = arith.addf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel"]}
      ins(%biased, %scale : tensor<64x16xf32>, tensor<16xf32>) outs(%e : tensor<64x16xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.mulf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<64x16xf32>
  return %y : tensor<64x16xf32>
}

// CHECK-LABEL: func.func @per_channel_into_broadcast
// CHECK:         %[[S:.*]] = linalg.generic {{.*}}iterator_types = ["parallel"]
// CHECK:           math.rsqrt
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHECK-SAME:      %[[S]]
// CHECK-NOT:       math.rsqrt
// CHECK:           arith.addf
// CHECK-NOT:       math.rsqrt
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>

// The MLP's hidden layer in a training step: the bias add (%y: the
// matmul's result) is read by relu (the forward) and by the backward ReLU
// mask select(pre > 0, dy, 0). It is cheap and reads one full tensor, so
// relu and the mask each compute it: bias + relu is one loop, and the mask
// reads the matmul's result and dy, with no pre-activation stored.
func.func @relu_and_mask(%y: tensor<64x128xf32>, %b: tensor<128xf32>, %dy: tensor<64x128xf32>) -> (tensor<64x128xf32>, tensor<64x128xf32>) {
  %e = tensor.empty() : tensor<64x128xf32>
  %zero = arith.constant 0.0 : f32
  %pre = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%y, %b : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %r = arith.addf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<64x128xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%pre : tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x128xf32>
  %dpre = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%pre, %dy : tensor<64x128xf32>, tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) {
  ^bb0(%a: f32, %d: f32, %o: f32):
    %p = arith.cmpf ogt, %a, %zero : f32
    %r = arith.select %p, %d, %zero : f32
    linalg.yield %r : f32
  } -> tensor<64x128xf32>
  return %h, %dpre : tensor<64x128xf32>, tensor<64x128xf32>
}

// CHECK-LABEL: func.func @relu_and_mask
// CHECK-SAME:    (%[[Y:.*]]: tensor<64x128xf32>, %[[B:.*]]: tensor<128xf32>, %[[DY:.*]]: tensor<64x128xf32>)
// CHECK:         %[[H:.*]] = linalg.generic {{.*}}ins(%[[Y]], %[[B]] :
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK:         %[[D:.*]] = linalg.generic {{.*}}ins(%[[Y]], %[[B]], %[[DY]] :
// CHECK:           arith.addf
// CHECK:           arith.cmpf ogt
// CHECK:           arith.select
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[H]], %[[D]]

// -----

#id3 = affine_map<(n, t, c) -> (n, t, c)>
#row = affine_map<(n, t, c) -> (n, t, 0)>

// Must not fuse: layernorm's rsqrt(var + eps), per row and kept as
// N x T x 1, is read at column 0 by every element of its row.
func.func @per_row_unit_dim(%x: tensor<4x64x64xf32>, %var: tensor<4x64x1xf32>) -> tensor<4x64x64xf32> {
  %e = tensor.empty() : tensor<4x64x64xf32>
  %er = tensor.empty() : tensor<4x64x1xf32>
  %eps = arith.constant 1.0e-5 : f32
  %rstd = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%var : tensor<4x64x1xf32>) outs(%er : tensor<4x64x1xf32>) {
  ^bb0(%v: f32, %o: f32):
    %s = arith.addf %v, %eps : f32
    %r = math.rsqrt %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64x1xf32>
  %y = linalg.generic {indexing_maps = [#id3, #row, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %rstd : tensor<4x64x64xf32>, tensor<4x64x1xf32>) outs(%e : tensor<4x64x64xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.mulf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x64x64xf32>
  return %y : tensor<4x64x64xf32>
}

// CHECK-LABEL: func.func @per_row_unit_dim
// AUDIT: unchanged: must not fuse, the per-row rsqrt keeps its own loop as in the input.
// CHECK:         %[[R:.*]] = linalg.generic {{.*}}ins(%{{.*}} : tensor<4x64x1xf32>)
// CHECK:           math.rsqrt
// CHECK:         linalg.generic {{.*}}ins(%{{.*}}, %[[R]] :
// CHECK-NOT:       math.rsqrt
// CHECK:         return

// -----

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

// Must not be recomputed: the causal mask's where(m, s, -1e9) reads an i1
// tensor; computed inside softmax's max and again in the normalization it
// measured slower than stored once, so both read it.
func.func @masked_scores(%m: tensor<64x64xi1>, %s: tensor<64x64xf32>) -> (tensor<64xf32>, tensor<64x64xf32>) {
  %e = tensor.empty() : tensor<64x64xf32>
  %r0 = tensor.empty() : tensor<64xf32>
  %big = arith.constant -1.0e9 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %acc = linalg.fill ins(%ninf : f32) outs(%r0 : tensor<64xf32>) -> tensor<64xf32>
  %w = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %s : tensor<64x64xi1>, tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%c: i1, %v: f32, %o: f32):
    %r = arith.select %c, %v, %big : f32
    linalg.yield %r : f32
  } -> tensor<64x64xf32>
  %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%w : tensor<64x64xf32>) outs(%acc : tensor<64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %o : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.mulf %v, %v : f32
    linalg.yield %r : f32
  } -> tensor<64x64xf32>
  return %max, %y : tensor<64xf32>, tensor<64x64xf32>
}

// CHECK-LABEL: func.func @masked_scores
// AUDIT: unchanged: must not be recomputed, the where stays stored as in the input.
// CHECK:         %[[W:.*]] = linalg.generic
// CHECK:           arith.select
// CHECK:         linalg.generic {{.*}}ins(%[[W]] :
// CHECK-NOT:       arith.select
// CHECK:         linalg.generic {{.*}}ins(%[[W]] :
// CHECK-NOT:       arith.select
// CHECK:         return
