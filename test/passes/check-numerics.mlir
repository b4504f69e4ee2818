// RUN: deepc-opt %s --deepc-check-numerics | FileCheck %s

// Every float result of an nn op gets a NaN/Inf test reporting its site;
// constants and integer results do not. Sites are numbered in order and
// listed with their locations on the module.

// CHECK: module attributes {deepc.numerics_sites = ["a.nn:3:7: 'nn.log'", "a.nn:4:9: 'nn.mul'"]}
// CHECK-LABEL: func.func @f
// CHECK: %[[LOG:.*]] = nn.log %arg0
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[FLAG:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[LOG]] : tensor<?x3xf32>) outs(%[[INIT]] : tensor<i1>)
// CHECK: math.absf
// CHECK: arith.cmpf uge, {{.*}}, %{{.*}} : f32
// CHECK: arith.ori
// CHECK: %[[ANY:.*]] = tensor.extract %[[FLAG]][] : tensor<i1>
// CHECK: scf.if %[[ANY]] {
// CHECK-NEXT: %[[SITE:.*]] = arith.constant 0 : i64
// CHECK-NEXT: func.call @deepc_nonfinite(%[[SITE]]) : (i64) -> ()
// CHECK: nn.constant
// CHECK-NOT: linalg.generic
// CHECK: nn.mul
// CHECK: arith.constant 1 : i64
// CHECK: nn.argmax
// CHECK-NOT: deepc_nonfinite(
// CHECK: return
// CHECK: func.func private @deepc_nonfinite(i64)
func.func @f(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>) {
  %0 = nn.log %x : tensor<?x3xf32> loc("a.nn":3:7)
  %c = nn.constant dense<2.0> : tensor<f32> loc("a.nn":4:13)
  %1 = nn.mul %0, %c : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xf32> loc("a.nn":4:9)
  %2 = nn.argmax %1 axis = 1 : tensor<?x3xf32> -> tensor<?xi64> loc("a.nn":5:9)
  return %1, %2 : tensor<?x3xf32>, tensor<?xi64>
}
