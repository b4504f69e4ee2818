// RUN: deepc-opt %s -split-input-file --deepc-expand-bf16 | FileCheck %s
// RUN: deepc-opt %s -split-input-file --deepc-expand-bf16 --convert-to-llvm | FileCheck %s --check-prefix=LLVM

// f32 -> bf16 on a target without bf16 instructions: integer arithmetic on
// the f32 bits (round to nearest even, NaN kept quiet), no arith.truncf left
// for LLVM to turn into a call of __truncsfbf2.
func.func @trunc_vector(%x: vector<8xf32>) -> vector<8xbf16> {
  %y = arith.truncf %x : vector<8xf32> to vector<8xbf16>
  return %y : vector<8xbf16>
}
// CHECK-LABEL: func.func @trunc_vector
// CHECK-NOT: arith.truncf
// CHECK: arith.bitcast %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.*}} : vector<8xi32> to vector<8xi16>
// CHECK: arith.bitcast %{{.*}} : vector<8xi16> to vector<8xbf16>
// LLVM-LABEL: llvm.func @trunc_vector
// LLVM-NOT: llvm.fptrunc
// LLVM: llvm.return

// -----

// bf16 -> f32: the 16 bits shifted into the high half of an f32.
func.func @ext_scalar(%x: bf16) -> f32 {
  %y = arith.extf %x : bf16 to f32
  return %y : f32
}
// CHECK-LABEL: func.func @ext_scalar
// CHECK-NOT: arith.extf
// CHECK: arith.bitcast %{{.*}} : bf16 to i16
// CHECK: arith.extui %{{.*}} : i16 to i32
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// LLVM-LABEL: llvm.func @ext_scalar
// LLVM-NOT: llvm.fpext
// LLVM: llvm.return

// -----

// Arithmetic on bf16 is done in f32 between an extension and a rounding,
// both expanded.
func.func @add(%a: vector<8xbf16>, %b: vector<8xbf16>) -> vector<8xbf16> {
  %c = arith.addf %a, %b : vector<8xbf16>
  return %c : vector<8xbf16>
}
// CHECK-LABEL: func.func @add
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.truncf
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.truncf
// CHECK: return %{{.*}} : vector<8xbf16>
// LLVM-LABEL: llvm.func @add
// LLVM-NOT: llvm.fptrunc
// LLVM: llvm.fadd {{.*}} : vector<8xf32>
// LLVM-NOT: llvm.fptrunc
// LLVM: llvm.return

// -----

// Conversions between other types are LLVM's to lower.
func.func @f64_to_f32(%x: f64) -> f32 {
  %y = arith.truncf %x : f64 to f32
  return %y : f32
}
// CHECK-LABEL: func.func @f64_to_f32
// AUDIT: unchanged: deepc-expand-bf16 must leave conversions that involve no bf16 alone.
// CHECK: arith.truncf %{{.*}} : f64 to f32
