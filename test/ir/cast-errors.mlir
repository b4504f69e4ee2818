// RUN: deepc-opt %s -split-input-file -verify-diagnostics

func.func @shape(%x: tensor<?x4xbf16>) {
  // expected-error @+1 {{changes the shape from 'tensor<?x4xbf16>' to 'tensor<?x2xf32>'; a cast keeps it}}
  %0 = nn.cast %x : tensor<?x4xbf16> -> tensor<?x2xf32>
  return
}

// -----

func.func @integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = nn.cast %x : tensor<4xi32> -> tensor<4xf32>
  return
}
