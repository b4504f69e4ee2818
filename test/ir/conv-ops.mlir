// RUN: deepc-opt %s | deepc-opt | FileCheck %s

// Round trip of convolution, pooling and their gradient ops, with the
// result types inferred by the forward ops.

// CHECK-LABEL: func.func @lenet_layer
// CHECK: nn.conv2d %arg0, %arg1, %arg2 stride = [1, 1] padding = [2, 2] : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32> -> tensor<?x6x28x28xf32>
// CHECK: nn.maxpool2d %{{.*}} kernel = [2, 2] stride = [2, 2] : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
// CHECK: nn.avgpool2d %{{.*}} kernel = [3, 2] stride = [2, 1] : tensor<?x6x14x14xf32> -> tensor<?x6x6x13xf32>
// CHECK: nn.conv2d %{{.*}}, %arg3 stride = [2, 3] padding = [0, 1] : tensor<?x6x6x13xf32>, tensor<4x6x3x3xf32> -> tensor<?x4x2x5xf32>
func.func @lenet_layer(%x: tensor<?x1x28x28xf32>, %w: tensor<6x1x5x5xf32>, %b: tensor<6xf32>, %w2: tensor<4x6x3x3xf32>) -> tensor<?x4x2x5xf32> {
  %0 = nn.conv2d %x, %w, %b stride = [1, 1] padding = [2, 2] : tensor<?x1x28x28xf32>, tensor<6x1x5x5xf32>, tensor<6xf32> -> tensor<?x6x28x28xf32>
  %1 = nn.maxpool2d %0 kernel = [2, 2] stride = [2, 2] : tensor<?x6x28x28xf32> -> tensor<?x6x14x14xf32>
  %2 = nn.avgpool2d %1 kernel = [3, 2] stride = [2, 1] : tensor<?x6x14x14xf32> -> tensor<?x6x6x13xf32>
  %3 = nn.conv2d %2, %w2 stride = [2, 3] padding = [0, 1] : tensor<?x6x6x13xf32>, tensor<4x6x3x3xf32> -> tensor<?x4x2x5xf32>
  return %3 : tensor<?x4x2x5xf32>
}

// CHECK-LABEL: func.func @grads
// CHECK: nn.conv2d_grad_input %arg0, %arg1 stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<6x3x3x3xf32> -> tensor<?x3x8x8xf32>
// CHECK: nn.conv2d_grad_weight %arg0, %arg2 stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<?x3x8x8xf32> -> tensor<6x3x3x3xf32>
// CHECK: nn.maxpool2d_grad %arg3, %arg2 kernel = [3, 3] stride = [2, 2] : tensor<?x3x3x3xf32>, tensor<?x3x8x8xf32>
// CHECK: nn.avgpool2d_grad %arg3 kernel = [3, 3] stride = [2, 2] : tensor<?x3x3x3xf32> -> tensor<?x3x8x8xf32>
func.func @grads(%g: tensor<?x6x4x4xf32>, %w: tensor<6x3x3x3xf32>, %x: tensor<?x3x8x8xf32>, %gp: tensor<?x3x3x3xf32>) -> (tensor<?x3x8x8xf32>, tensor<6x3x3x3xf32>, tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>) {
  %0 = nn.conv2d_grad_input %g, %w stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<6x3x3x3xf32> -> tensor<?x3x8x8xf32>
  %1 = nn.conv2d_grad_weight %g, %x stride = [2, 2] padding = [1, 1] : tensor<?x6x4x4xf32>, tensor<?x3x8x8xf32> -> tensor<6x3x3x3xf32>
  %2 = nn.maxpool2d_grad %gp, %x kernel = [3, 3] stride = [2, 2] : tensor<?x3x3x3xf32>, tensor<?x3x8x8xf32>
  %3 = nn.avgpool2d_grad %gp kernel = [3, 3] stride = [2, 2] : tensor<?x3x3x3xf32> -> tensor<?x3x8x8xf32>
  return %0, %1, %2, %3 : tensor<?x3x8x8xf32>, tensor<6x3x3x3xf32>, tensor<?x3x8x8xf32>, tensor<?x3x8x8xf32>
}

// Dilation and groups print only when they differ from 1.
// CHECK-LABEL: func.func @dilated_grouped
// CHECK: nn.conv2d %arg0, %arg1 stride = [1, 1] padding = [2, 1] dilation = [2, 1] groups = 2 : tensor<?x4x8x8xf32>, tensor<6x2x3x3xf32> -> tensor<?x6x8x8xf32>
// CHECK: nn.conv2d_grad_input %{{.*}}, %arg1 stride = [1, 1] padding = [2, 1] dilation = [2, 1] groups = 2 : tensor<?x6x8x8xf32>, tensor<6x2x3x3xf32> -> tensor<?x4x8x8xf32>
// CHECK: nn.conv2d_grad_weight %{{.*}}, %arg0 stride = [1, 1] padding = [2, 1] dilation = [2, 1] groups = 2 : tensor<?x6x8x8xf32>, tensor<?x4x8x8xf32> -> tensor<6x2x3x3xf32>
// CHECK: nn.conv2d %arg0, %arg2 stride = [1, 1] padding = [0, 0] groups = 4 : tensor<?x4x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<?x4x6x6xf32>
func.func @dilated_grouped(%x: tensor<?x4x8x8xf32>, %w: tensor<6x2x3x3xf32>, %d: tensor<4x1x3x3xf32>) -> (tensor<?x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<?x4x6x6xf32>) {
  %0 = nn.conv2d %x, %w stride = [1, 1] padding = [2, 1] dilation = [2, 1] groups = 2 : tensor<?x4x8x8xf32>, tensor<6x2x3x3xf32> -> tensor<?x6x8x8xf32>
  %1 = nn.conv2d_grad_input %0, %w stride = [1, 1] padding = [2, 1] dilation = [2, 1] groups = 2 : tensor<?x6x8x8xf32>, tensor<6x2x3x3xf32> -> tensor<?x4x8x8xf32>
  %2 = nn.conv2d_grad_weight %0, %x stride = [1, 1] padding = [2, 1] dilation = [2, 1] groups = 2 : tensor<?x6x8x8xf32>, tensor<?x4x8x8xf32> -> tensor<6x2x3x3xf32>
  %3 = nn.conv2d %x, %d stride = [1, 1] padding = [0, 0] dilation = [1, 1] groups = 4 : tensor<?x4x8x8xf32>, tensor<4x1x3x3xf32> -> tensor<?x4x6x6xf32>
  return %1, %2, %3 : tensor<?x4x8x8xf32>, tensor<6x2x3x3xf32>, tensor<?x4x6x6xf32>
}
