// RUN: deepc-opt %s -split-input-file -verify-diagnostics

// Shapes the recurrent ops reject, each at the op, as the parser infers
// their result types.

func.func @rank(%x: tensor<?x32xf32>, %w: tensor<32x8xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{input must be [N, T, 4 H], got rank 2}}
  %h, %c, %g = nn.lstm %x, %w, %b : tensor<?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
  return
}

// -----

func.func @weight(%x: tensor<?x?x24xf32>, %w: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{weight_hh must be a static [4 H, H]}}
  %h, %c, %g = nn.lstm %x, %w, %b : tensor<?x?x24xf32>, tensor<24x8xf32>, tensor<24xf32>
  return
}

// -----

func.func @input(%x: tensor<?x?x30xf32>, %w: tensor<24x8xf32>, %b: tensor<24xf32>) {
  // expected-error @+1 {{input's last dimension must be 24 (3 H)}}
  %h, %g = nn.gru %x, %w, %b : tensor<?x?x30xf32>, tensor<24x8xf32>, tensor<24xf32>
  return
}

// -----

func.func @bias(%x: tensor<?x?x24xf32>, %w: tensor<24x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{bias_hh must be [24]}}
  %h, %g = nn.gru %x, %w, %b : tensor<?x?x24xf32>, tensor<24x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @grad(%dy: tensor<?x?x8xf32>, %h: tensor<?x?x8xf32>, %c: tensor<?x?x8xf32>, %g: tensor<?x?x24xf32>, %w: tensor<32x8xf32>) {
  // expected-error @+1 {{grad must be [N, T, H], gates [N, T, 4 H], weight_hh [4 H, H]}}
  %dx, %dw, %db = nn.lstm_grad %dy, %h, %c, %g, %w : tensor<?x?x8xf32>, tensor<?x?x24xf32>, tensor<32x8xf32>
  return
}
