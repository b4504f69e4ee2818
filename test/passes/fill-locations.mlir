// RUN: deepc-opt %s --split-input-file --deepc-fill-locations --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: deepc-opt %s --split-input-file --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=BEFORE

// A constant that ops of two lines read gets both lines; the ops keep
// theirs.
// BEFORE-LABEL: func.func @shared_constant
// BEFORE: arith.constant 2.000000e+00 : f32 loc(unknown)
// CHECK-LABEL: func.func @shared_constant
// CHECK: arith.constant 2.000000e+00 : f32 loc(fused["m.nn":3:5, "m.nn":4:5])
// CHECK: arith.mulf {{.*}} loc("m.nn":3:5)
// CHECK: arith.addf {{.*}} loc("m.nn":4:5)
func.func @shared_constant(%a: f32, %b: f32) -> (f32, f32) {
  %c = arith.constant 2.0 : f32 loc(unknown)
  %0 = arith.mulf %a, %c : f32 loc("m.nn":3:5)
  %1 = arith.addf %b, %c : f32 loc("m.nn":4:5)
  return %0, %1 : f32, f32 loc("m.nn":5:3)
} loc("m.nn":1:1)

// A declaration at module level has no user to take a location from and
// stays as it is.
// CHECK: func.func private @decl
// CHECK-SAME: loc(unknown)
func.func private @decl(f32) -> f32 loc(unknown)

// -----

// The body of a named op, and a chain of unknown ops inside it: the last
// op takes its parent's, the ops before it their user's.
// CHECK-LABEL: func.func @region_body
// CHECK: arith.negf {{.*}} loc("m.nn":7:9)
// CHECK: arith.mulf {{.*}} loc("m.nn":7:9)
// CHECK: scf.yield {{.*}} loc("m.nn":7:9)
// CHECK: } loc("m.nn":7:9)
func.func @region_body(%a: f32, %p: i1) -> f32 {
  %0 = scf.if %p -> f32 {
    %1 = arith.negf %a : f32 loc(unknown)
    %2 = arith.mulf %1, %1 : f32 loc(unknown)
    scf.yield %2 : f32 loc(unknown)
  } else {
    scf.yield %a : f32 loc("m.nn":8:1)
  } loc("m.nn":7:9)
  return %0 : f32 loc("m.nn":9:3)
} loc("m.nn":6:1)

