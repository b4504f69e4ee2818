// RUN: deepc-opt %s -split-input-file -canonicalize | FileCheck %s
// RUN: deepc-opt %s -split-input-file -deepc-lower-nn-to-linalg \
// RUN:   | FileCheck %s --check-prefix=LOWER --implicit-check-not=nn.

// Widening to f32 then narrowing back gives the bf16 value itself: the
// pair folds away.
// CHECK-LABEL: func.func @widen_then_narrow
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xbf16>)
// CHECK-NEXT: return %[[X]]
// LOWER-LABEL: func.func @widen_then_narrow
// LOWER: linalg.generic
// LOWER: arith.extf %{{.*}} : bf16 to f32
// LOWER: linalg.generic
// LOWER: arith.truncf %{{.*}} : f32 to bf16
func.func @widen_then_narrow(%x: tensor<?x4xbf16>) -> tensor<?x4xbf16> {
  %0 = nn.cast %x : tensor<?x4xbf16> -> tensor<?x4xf32>
  %1 = nn.cast %0 : tensor<?x4xf32> -> tensor<?x4xbf16>
  return %1 : tensor<?x4xbf16>
}

// -----

// Narrowing then widening rounds: it stays.
// CHECK-LABEL: func.func @narrow_then_widen
// AUDIT: unchanged: the rounding pair must not fold away.
// CHECK-NEXT: nn.cast %{{.*}} : tensor<3xf32> -> tensor<3xbf16>
// CHECK-NEXT: nn.cast %{{.*}} : tensor<3xbf16> -> tensor<3xf32>
func.func @narrow_then_widen(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = nn.cast %x : tensor<3xf32> -> tensor<3xbf16>
  %1 = nn.cast %0 : tensor<3xbf16> -> tensor<3xf32>
  return %1 : tensor<3xf32>
}

// -----

// A cast to its own type is its operand (gradcheck's f64 promotion makes
// these); lowered, it is nothing.
// CHECK-LABEL: func.func @same_type
// CHECK-SAME: (%[[X:.*]]: tensor<2xf64>)
// CHECK-NEXT: return %[[X]]
// LOWER-LABEL: func.func @same_type
// LOWER-SAME: (%[[X:.*]]: tensor<2xf64>)
// LOWER-NEXT: return %[[X]]
func.func @same_type(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = nn.cast %x : tensor<2xf64> -> tensor<2xf64>
  return %0 : tensor<2xf64>
}
