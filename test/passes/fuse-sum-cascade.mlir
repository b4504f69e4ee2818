// RUN: deepc-opt %s --deepc-to-fused | FileCheck %s

// A float sum over several dims lowers to a cascade of passes
// (LowerNNReductions.cpp), and deepc-fuse still computes the elementwise
// producer inside the first pass, which alone reads the full tensor: the
// square of batchnorm's variance is never stored (fuse.mlir's
// @square_into_sum, on the first pass of [N, 8, 28, 28] -> [N, 8, 28]).
// CHECK-LABEL: func.func @square_into_first_pass
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x28x28xf32>)
// CHECK: %[[COLS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[X]] : tensor<?x8x28x28xf32>) outs(%{{.*}} : tensor<?x8x28xf32>)
// CHECK: %[[SQ:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: arith.addf %[[SQ]], %{{.*}} fastmath<reassoc> : f32
// CHECK: %[[ROWS:.*]] = linalg.generic {{.*}} ins(%[[COLS]] : tensor<?x8x28xf32>) outs(%{{.*}} : tensor<8x28xf32>)
// CHECK-NOT: arith.mulf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[ROWS]] : tensor<8x28xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK-NOT: linalg.generic
// CHECK: return %[[SUM]]
func.func @square_into_first_pass(%x: tensor<?x8x28x28xf32>) -> tensor<8xf32> {
  %sq = nn.mul %x, %x : tensor<?x8x28x28xf32>, tensor<?x8x28x28xf32> -> tensor<?x8x28x28xf32>
  %s = nn.reduce_sum %sq axes = [0, 2, 3] : tensor<?x8x28x28xf32> -> tensor<8xf32>
  return %s : tensor<8xf32>
}
