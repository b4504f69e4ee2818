// RUN: deepc-opt %s -split-input-file -verify-diagnostics

func.func @rank(%x: tensor<?xf32>, %w: tensor<1xf32>) {
  // expected-error @+1 {{expects an input of rank 2 to 4 ([N, C, ...])}}
  %0 = nn.batchnorm %x, %w, %w, %w, %w {eps = 1.0e-05 : f64} : tensor<?xf32>, tensor<1xf32>
  return
}

// -----

func.func @channels(%x: tensor<?x8xf32>, %w: tensor<6xf32>) {
  // expected-error @+1 {{has 6 per-channel values for 8 channels (dimension 1)}}
  %0:3 = nn.batchnorm_train %x, %w, %w, %w, %w {eps = 1.0e-05 : f64, momentum = 0.1 : f64} : tensor<?x8xf32>, tensor<6xf32>
  return
}

// -----

func.func @eps(%x: tensor<?x6xf32>, %w: tensor<6xf32>) {
  // expected-error @+1 {{expects a positive eps}}
  %0 = nn.batchnorm %x, %w, %w, %w, %w {eps = 0.0 : f64} : tensor<?x6xf32>, tensor<6xf32>
  return
}

// -----

func.func @momentum(%x: tensor<?x6xf32>, %w: tensor<6xf32>) {
  // expected-error @+1 {{expects a momentum in [0, 1]}}
  %0:3 = nn.batchnorm_train %x, %w, %w, %w, %w {eps = 1.0e-05 : f64, momentum = 1.5 : f64} : tensor<?x6xf32>, tensor<6xf32>
  return
}

// -----

func.func @p(%x: tensor<?x6xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{expects p in [0, 1)}}
  %0 = nn.dropout %x, %c {p = 1.0 : f64, seed = 0 : i64, stream = 0 : i64} : tensor<?x6xf32>, tensor<f32>
  return
}

// -----

func.func @counter(%x: tensor<?x6xf32>, %c: tensor<f64>) {
  // expected-error @+1 {{expects a counter of the input's element type}}
  %0 = nn.dropout %x, %c {p = 0.5 : f64, seed = 0 : i64, stream = 0 : i64} : tensor<?x6xf32>, tensor<f64>
  return
}
