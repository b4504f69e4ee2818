// RUN: deepc-opt %s -split-input-file --deepc-autodiff -verify-diagnostics

// An op on the path from a parameter to the loss without a gradient rule.
func.func @no_rule(%w: tensor<4xf32> {nn.param = "w"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd"}} {
  // expected-error @+1 {{no gradient for 'tensor.cast' yet}}
  %0 = tensor.cast %w : tensor<4xf32> to tensor<?xf32>
  %1 = nn.reduce_sum %0 axes = [0] : tensor<?xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// Off the path (inputs only), an op needs no rule.
func.func @off_path(%x: tensor<4xf32> {nn.input = "x"}, %w: tensor<4xf32> {nn.param = "w"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd"}} {
  %0 = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  %1 = tensor.cast %0 : tensor<?xf32> to tensor<4xf32>
  %2 = nn.mul %1, %w : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %3 = nn.reduce_sum %2 axes = [0] : tensor<4xf32> -> tensor<f32>
  return %3 : tensor<f32>
}

// -----

// expected-error @+1 {{the loss must be a rank-0 float tensor, not 'tensor<4xf32>'}}
func.func @not_scalar(%w: tensor<4xf32> {nn.param = "w"}) -> tensor<4xf32>
    attributes {nn.train = {optimizer = "sgd"}} {
  return %w : tensor<4xf32>
}

// -----

// expected-error @+1 {{unknown optimizer 'rmsprop'}}
func.func @optimizer(%w: tensor<4xf32> {nn.param = "w"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "rmsprop"}} {
  %0 = nn.reduce_sum %w axes = [0] : tensor<4xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
