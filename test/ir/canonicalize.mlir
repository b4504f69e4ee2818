// RUN: deepc-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @reshape_same_type
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_same_type(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.reshape %x : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<?x28x28xf32>)
// CHECK-NEXT: %[[R:.*]] = nn.reshape %[[X]] : tensor<?x28x28xf32> -> tensor<?x784xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<?x28x28xf32>) -> tensor<?x784xf32> {
  %0 = nn.reshape %x : tensor<?x28x28xf32> -> tensor<?x28x2x14xf32>
  %1 = nn.reshape %0 : tensor<?x28x2x14xf32> -> tensor<?x784xf32>
  return %1 : tensor<?x784xf32>
}

// -----

// A round trip through another shape folds away entirely.
// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @reshape_round_trip(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = nn.reshape %x : tensor<?x4xf32> -> tensor<?x2x2xf32>
  %1 = nn.reshape %0 : tensor<?x2x2xf32> -> tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = nn.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: return %[[C]]
func.func @reshape_constant() -> tensor<2x2xf32> {
  %0 = nn.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %1 = nn.reshape %0 : tensor<4xf32> -> tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x5xf32>)
// CHECK-NEXT: return %[[X]]
func.func @transpose_identity(%x: tensor<?x4x5xf32>) -> tensor<?x4x5xf32> {
  %0 = nn.transpose %x perm = [0, 1, 2] : tensor<?x4x5xf32> -> tensor<?x4x5xf32>
  return %0 : tensor<?x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_kept
// AUDIT: unchanged: a transpose that is not the identity must not fold away.
// CHECK-NEXT: nn.transpose %{{.*}} perm = [1, 0]
func.func @transpose_kept(%x: tensor<?x4xf32>) -> tensor<4x?xf32> {
  %0 = nn.transpose %x perm = [1, 0] : tensor<?x4xf32> -> tensor<4x?xf32>
  return %0 : tensor<4x?xf32>
}

// -----

// Constants are ConstantLike: CSE'd and hoisted like any constant.
// CHECK-LABEL: func.func @constant_dedup
// CHECK-NEXT: %[[C:.*]] = nn.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-NEXT: nn.add %[[C]], %[[C]]
func.func @constant_dedup() -> tensor<4xf32> {
  %0 = nn.constant dense<1.0> : tensor<4xf32>
  %1 = nn.constant dense<1.0> : tensor<4xf32>
  %2 = nn.add %0, %1 : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %2 : tensor<4xf32>
}
