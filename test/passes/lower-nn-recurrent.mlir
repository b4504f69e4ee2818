// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg -canonicalize -cse \
// RUN:   | FileCheck %s --implicit-check-not=nn.
// RUN: deepc-opt %s -split-input-file -deepc-to-bufferized | FileCheck %s --check-prefix=BUF

// nn.lstm as one scf.for over T (dim 1) carrying h, c and the three
// sequences; the step reads input[:, t] (copied to a contiguous [N, 4H]),
// computes h W_hh^T as a linalg.matmul (reading W_hh transposed, as
// nn.dense does), writes the four activated gates and the states at t and
// yields h and c written into their own loop tensors. Bufferized, the
// [N, T, ...] sequences are allocated once, before the loop.
// CHECK-LABEL: func.func @lstm
// CHECK: %[[T:.*]] = tensor.dim %arg0, %c1
// CHECK: scf.for %[[I:.*]] = %c0 to %[[T]] step %c1 iter_args(%[[H:.*]] = %{{.*}}, %[[C:.*]] = %{{.*}}, %[[Y:.*]] = %{{.*}}, %{{.*}} = %{{.*}}, %[[G:.*]] = %{{.*}}) -> (tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x32xf32>)
// CHECK: tensor.extract_slice %arg0[0, %[[I]], 0] [%{{.*}}, 1, 32] [1, 1, 1] : tensor<?x?x32xf32> to tensor<?x32xf32>
// CHECK: linalg.matmul {{.*}} ins(%[[H]], %arg1 : tensor<?x8xf32>, tensor<32x8xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[G]][0, %[[I]], 0] [%{{.*}}, 1, 8]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, %[[I]], 24] [%{{.*}}, 1, 8]
// CHECK: linalg.copy ins(%{{.*}} : tensor<?x8xf32>) outs(%[[H]] : tensor<?x8xf32>)
// CHECK: linalg.copy ins(%{{.*}} : tensor<?x8xf32>) outs(%[[C]] : tensor<?x8xf32>)
// CHECK: tensor.insert_slice %{{.*}} into %[[Y]][0, %[[I]], 0] [%{{.*}}, 1, 8]
// CHECK: scf.yield
// BUF-LABEL: func.func @lstm
// BUF: memref.alloc(%{{.*}}, %{{.*}}) {{.*}} : memref<?x?x8xf32>
// BUF: scf.for
// BUF-NOT: memref.alloc(%{{.*}}, %{{.*}}) {{.*}} : memref<?x?x
// BUF: return
func.func @lstm(%x: tensor<?x?x32xf32>, %w: tensor<32x8xf32>, %b: tensor<32xf32>) -> tensor<?x?x8xf32> {
  %h, %c, %g = nn.lstm %x, %w, %b : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
  return %h : tensor<?x?x8xf32>
}

// -----

// Its gradient: the cells each step started from (c shifted one step
// later in time, zeros first), then a loop over the steps from T - 1 down
// whose step adjoint dA [N, 4H] is written at t and multiplies W_hh (the
// carried dh); after the loop, W_hh's adjoint is one matmul of dA^T, all
// steps' rows, against the hidden states shifted the same way.
// CHECK-LABEL: func.func @lstm_grad
// CHECK: %[[T:.*]] = tensor.dim %arg0, %c1
// CHECK: %[[LAST:.*]] = arith.subi %[[T]], %c1
// CHECK: %[[LEN:.*]] = arith.maxsi %[[LAST]], %c0
// CHECK: %[[CS:.*]] = tensor.extract_slice %arg2[0, 0, 0] [%{{.*}}, %[[LEN]], 8]
// CHECK: %[[CPREV:.*]] = tensor.insert_slice %[[CS]] into %{{.*}}[0, 1, 0] [%{{.*}}, %[[LEN]], 8]
// CHECK: %[[LOOP:.*]]:3 = scf.for %[[I:.*]] = %c0 to %[[T]]
// CHECK: %[[S:.*]] = arith.subi %[[LAST]], %[[I]]
// CHECK: tensor.extract_slice %[[CPREV]][0, %[[S]], 0]
// CHECK: %[[DA:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 24] [%{{.*}}, 8] [1, 1] : tensor<?x8xf32> into tensor<?x32xf32>
// CHECK: linalg.matmul ins(%[[DA]], %arg4 : tensor<?x32xf32>, tensor<32x8xf32>)
// CHECK: tensor.insert_slice %[[DA]] into %{{.*}}[0, %[[S]], 0] [%{{.*}}, 1, 32]
// CHECK: scf.yield
// CHECK: %[[HS:.*]] = tensor.extract_slice %arg1[0, 0, 0] [%{{.*}}, %[[LEN]], 8]
// CHECK: %[[HPREV:.*]] = tensor.insert_slice %[[HS]] into %{{.*}}[0, 1, 0]
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %[[LOOP]]#2 {{\[\[}}0, 1], [2]] : tensor<?x?x32xf32> into tensor<?x32xf32>
// CHECK: %[[HROWS:.*]] = tensor.collapse_shape %[[HPREV]]
// CHECK: %[[TR:.*]] = linalg.transpose ins(%[[ROWS]]
// CHECK: %[[DW:.*]] = linalg.matmul ins(%[[TR]], %[[HROWS]] : tensor<32x?xf32>, tensor<?x8xf32>)
// CHECK: return %[[LOOP]]#2, %[[DW]], %{{.*}} : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
func.func @lstm_grad(%dy: tensor<?x?x8xf32>, %h: tensor<?x?x8xf32>, %c: tensor<?x?x8xf32>, %g: tensor<?x?x32xf32>, %w: tensor<32x8xf32>) -> (tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>) {
  %dx, %dw, %db = nn.lstm_grad %dy, %h, %c, %g, %w : tensor<?x?x8xf32>, tensor<?x?x32xf32>, tensor<32x8xf32>
  return %dx, %dw, %db : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
}

// -----

// reverse: the forward takes step T - 1 - i in iteration i; the GRU
// gradient takes step i, and the states it started from are h shifted one
// step earlier (read from t = 1 on, written from t = 0, the last zero).
// CHECK-LABEL: func.func @gru_reverse
// CHECK: %[[T:.*]] = tensor.dim %arg0, %c1
// CHECK: scf.for %[[I:.*]] = %c0 to %[[T]]
// CHECK: %[[S:.*]] = arith.subi %{{.*}}, %[[I]]
// CHECK: tensor.extract_slice %arg0[0, %[[S]], 0]
// CHECK: scf.yield
// CHECK: %[[T2:.*]] = tensor.dim %arg3, %c1
// CHECK: %[[FROM:.*]] = arith.minsi %[[T2]], %c1
// CHECK: %[[HS:.*]] = tensor.extract_slice %{{.*}}[0, %[[FROM]], 0]
// CHECK: %[[HPREV:.*]] = tensor.insert_slice %[[HS]] into %{{.*}}[0, 0, 0]
// CHECK: scf.for %[[J:.*]] = %c0 to %[[T2]]
// CHECK: tensor.extract_slice %[[HPREV]][0, %[[J]], 0]
// CHECK: scf.yield
func.func @gru_reverse(%x: tensor<?x?x24xf32>, %w: tensor<24x8xf32>, %b: tensor<24xf32>, %dy: tensor<?x?x8xf32>) -> (tensor<?x?x24xf32>, tensor<24x8xf32>, tensor<24xf32>) {
  %h, %g = nn.gru %x, %w, %b {reverse} : tensor<?x?x24xf32>, tensor<24x8xf32>, tensor<24xf32>
  %dx, %dw, %db = nn.gru_grad %dy, %h, %g, %w {reverse} : tensor<?x?x8xf32>, tensor<?x?x32xf32>, tensor<24x8xf32>
  return %dx, %dw, %db : tensor<?x?x24xf32>, tensor<24x8xf32>, tensor<24xf32>
}
