// RUN: deepc-opt %s --deepc-promote-f64 -verify-diagnostics

// Ops of other dialects may carry f32 attributes; the pass refuses them.
func.func @foreign() -> tensor<2xf32> {
  // expected-error @+1 {{deepc-promote-f64 cannot promote 'arith.constant'}}
  %0 = arith.constant dense<1.0> : tensor<2xf32>
  return %0 : tensor<2xf32>
}
