// RUN: deepc-opt %s -split-input-file -verify-diagnostics

func.func @channels(%x: tensor<?x2x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{input channels 2 differ from weight channels 3 times groups 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [0, 0] : tensor<?x2x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<?x4x6x6xf32>
  return
}

// -----

func.func @window(%x: tensor<?x3x4x4xf32>, %w: tensor<4x3x5x5xf32>) {
  // expected-error @+2 {{window 5 is larger than the input 4 padded by 0 on each side}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [0, 0] : tensor<?x3x4x4xf32>, tensor<4x3x5x5xf32> -> tensor<?x4x1x1xf32>
  return
}

// -----

func.func @stride(%x: tensor<?x3x4x4xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'stride' must have two positive entries}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [0, 1] padding = [0, 0] : tensor<?x3x4x4xf32>, tensor<4x3x3x3xf32> -> tensor<?x4x2x2xf32>
  return
}

// -----

func.func @bias(%x: tensor<?x3x4x4xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{bias must have shape [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [0, 0] : tensor<?x3x4x4xf32>, tensor<4x3x3x3xf32>, tensor<3xf32> -> tensor<?x4x2x2xf32>
  return
}

// -----

func.func @groups(%x: tensor<?x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+2 {{groups 4 must be positive and divide the filters 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [0, 0] groups = 4 : tensor<?x4x8x8xf32>, tensor<6x2x3x3xf32> -> tensor<?x6x6x6xf32>
  return
}

// -----

func.func @group_channels(%x: tensor<?x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+2 {{input channels 4 differ from weight channels 2 times groups 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [0, 0] groups = 3 : tensor<?x4x8x8xf32>, tensor<6x2x3x3xf32> -> tensor<?x6x6x6xf32>
  return
}

// -----

func.func @dilated_window(%x: tensor<?x3x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{window 7 is larger than the input 6 padded by 0 on each side}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [0, 0] dilation = [3, 1] : tensor<?x3x6x6xf32>, tensor<4x3x3x3xf32> -> tensor<?x4x1x4xf32>
  return
}

// -----

func.func @dilation(%x: tensor<?x3x6x6xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'dilation' must have two positive entries}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [0, 0] dilation = [0, 1] : tensor<?x3x6x6xf32>, tensor<4x3x3x3xf32> -> tensor<?x4x4x4xf32>
  return
}

// -----

func.func @grad_input_groups(%g: tensor<?x6x6x6xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+1 {{input channels 4 differ from weight channels 2 times groups 3}}
  %0 = nn.conv2d_grad_input %g, %w stride = [1, 1] padding = [0, 0] groups = 3 : tensor<?x6x6x6xf32>, tensor<6x2x3x3xf32> -> tensor<?x4x8x8xf32>
  return
}

// -----

func.func @dynamic_height(%x: tensor<?x3x?x4xf32>) {
  // expected-error @+2 {{input must be a rank-4 tensor with static dims 1 to 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.maxpool2d %x kernel = [2, 2] stride = [2, 2] : tensor<?x3x?x4xf32> -> tensor<?x3x?x2xf32>
  return
}

// -----

func.func @pool_result(%x: tensor<?x3x5x5xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<?x3x2x2xf32>' are incompatible with return type(s) of operation 'tensor<?x3x3x3xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.avgpool2d %x kernel = [2, 2] stride = [2, 2] : tensor<?x3x5x5xf32> -> tensor<?x3x3x3xf32>
  return
}

// -----

func.func @grad_input_size(%g: tensor<?x6x4x4xf32>, %w: tensor<6x3x3x3xf32>) {
  // expected-error @+1 {{grad type 'tensor<?x6x4x4xf32>' does not match the forward result of input 'tensor<?x3x12x12xf32>'}}
  %0 = nn.conv2d_grad_input %g, %w stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<6x3x3x3xf32> -> tensor<?x3x12x12xf32>
  return
}

// -----

func.func @grad_weight_channels(%g: tensor<?x6x4x4xf32>, %x: tensor<?x3x8x8xf32>) {
  // expected-error @+1 {{input channels 3 differ from weight channels 2 times groups 1}}
  %0 = nn.conv2d_grad_weight %g, %x stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<?x3x8x8xf32> -> tensor<6x2x3x3xf32>
  return
}

// -----

func.func @maxpool_grad(%g: tensor<?x3x4x4xf32>, %x: tensor<?x3x8x8xf32>) {
  // expected-error @+1 {{grad type 'tensor<?x3x4x4xf32>' does not match the forward result of input 'tensor<?x3x8x8xf32>'}}
  %0 = nn.maxpool2d_grad %g, %x kernel = [3, 3] stride = [2, 2] : tensor<?x3x4x4xf32>, tensor<?x3x8x8xf32>
  return
}
