// RUN: deepc-opt %s | deepc-opt | FileCheck %s

// The recurrent ops round-trip with their inferred result types: the
// hidden states [N, T, H], the LSTM's cells [N, T, H] and gates [N, T, 4H],
// the GRU's saved values [N, T, 4H] (r, z, n, W_hn h + b_hn); a static T
// stays static; `reverse` is a unit attribute.
// CHECK-LABEL: func.func @lstm
// CHECK: %[[H:.*]], %[[C:.*]], %[[G:.*]] = nn.lstm %arg0, %arg1, %arg2 {reverse} : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
// CHECK: nn.lstm_grad %arg3, %[[H]], %[[C]], %[[G]], %arg1 {reverse} : tensor<?x?x8xf32>, tensor<?x?x32xf32>, tensor<32x8xf32>
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
func.func @lstm(%x: tensor<?x?x32xf32>, %w: tensor<32x8xf32>, %b: tensor<32xf32>, %dy: tensor<?x?x8xf32>) -> (tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>) {
  %h, %c, %g = nn.lstm %x, %w, %b {reverse} : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
  %dx, %dw, %db = nn.lstm_grad %dy, %h, %c, %g, %w {reverse} : tensor<?x?x8xf32>, tensor<?x?x32xf32>, tensor<32x8xf32>
  return %dx, %dw, %db : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
}

// CHECK-LABEL: func.func @gru
// CHECK: %[[H:.*]], %[[G:.*]] = nn.gru %arg0, %arg1, %arg2 : tensor<?x5x24xf32>, tensor<24x8xf32>, tensor<24xf32>
// CHECK: nn.gru_grad %arg3, %[[H]], %[[G]], %arg1 : tensor<?x5x8xf32>, tensor<?x5x32xf32>, tensor<24x8xf32>
// CHECK: return %{{.*}}, %{{.*}} : tensor<?x5x8xf32>, tensor<?x5x24xf32>
func.func @gru(%x: tensor<?x5x24xf32>, %w: tensor<24x8xf32>, %b: tensor<24xf32>, %dy: tensor<?x5x8xf32>) -> (tensor<?x5x8xf32>, tensor<?x5x24xf32>) {
  %h, %g = nn.gru %x, %w, %b : tensor<?x5x24xf32>, tensor<24x8xf32>, tensor<24xf32>
  %dx, %dw, %db = nn.gru_grad %dy, %h, %g, %w : tensor<?x5x8xf32>, tensor<?x5x32xf32>, tensor<24x8xf32>
  return %h, %dx : tensor<?x5x8xf32>, tensor<?x5x24xf32>
}
