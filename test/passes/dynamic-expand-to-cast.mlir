// RUN: deepc-opt %s -split-input-file -deepc-dynamic-expand-to-cast | FileCheck %s
// RUN: deepc-opt %s -split-input-file -deepc-dynamic-expand-to-cast -expand-strided-metadata | FileCheck %s --check-prefix=META

// An expand of [N T, 16] into [N, T, 16] (nn.dense on [N, T, D], both
// names), on which LLVM 22's expand-strided-metadata crashes: a
// reinterpret_cast of the base buffer with strides [T 16, 16, 1], which
// expand-strided-metadata then takes.
// CHECK-LABEL: func.func @two_dynamic
// CHECK-SAME: (%[[M:.*]]: memref<?x16xf32>, %[[N:.*]]: index, %[[T:.*]]: index)
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[S0:.*]] = arith.muli %c16, %[[T]]
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [0], sizes: [%[[N]], %[[T]], 16], strides: [%[[S0]], 16, 1] : memref<f32> to memref<?x?x16xf32>
// CHECK-NOT: memref.expand_shape
// META-LABEL: func.func @two_dynamic
// META: memref.reinterpret_cast
func.func @two_dynamic(%m: memref<?x16xf32>, %n: index, %t: index) -> memref<?x?x16xf32> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%n, %t, 16] : memref<?x16xf32> into memref<?x?x16xf32>
  return %e : memref<?x?x16xf32>
}

// -----

// A strided source: each group's innermost stride is the source's.
// CHECK-LABEL: func.func @strided
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %{{.*}}:2, %[[ST:.*]]:2 = memref.extract_strided_metadata
// CHECK: %[[S0:.*]] = arith.muli %[[ST]]#0, %arg2
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [%[[OFF]]], sizes: [%arg1, %arg2, 4], strides: [%[[S0]], %[[ST]]#0, 1]
func.func @strided(%m: memref<?x4xf32, strided<[?, 1], offset: ?>>, %n: index, %t: index) -> memref<?x?x4xf32, strided<[?, ?, 1], offset: ?>> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%n, %t, 4] : memref<?x4xf32, strided<[?, 1], offset: ?>> into memref<?x?x4xf32, strided<[?, ?, 1], offset: ?>>
  return %e : memref<?x?x4xf32, strided<[?, ?, 1], offset: ?>>
}

// -----

// One dynamic size per group: left to expand-strided-metadata.
// CHECK-LABEL: func.func @one_dynamic
// AUDIT: unchanged: the pass must leave an expand it need not rewrite
// CHECK: memref.expand_shape
// CHECK-NOT: memref.reinterpret_cast
func.func @one_dynamic(%m: memref<?x16xf32>, %n: index) -> memref<?x5x16xf32> {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [%n, 5, 16] : memref<?x16xf32> into memref<?x5x16xf32>
  return %e : memref<?x5x16xf32>
}
