// RUN: deepc-opt %s -split-input-file -verify-diagnostics

func.func @broadcast(%a: tensor<?x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{operand shapes ?x3 and 4 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.add %a, %b : tensor<?x3xf32>, tensor<4xf32> -> tensor<?x3xf32>
  return
}

// -----

func.func @broadcast_result(%a: tensor<?x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<?x4xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.mul %a, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @element_types(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{all of {lhs, rhs, result} have same element type}}
  %0 = nn.sub %a, %b : tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>
  return
}

// -----

func.func @pow_float(%a: tensor<4xi32>) {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = nn.pow %a, %a : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

func.func @unary_float(%a: tensor<4xi32>) {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = nn.exp %a : tensor<4xi32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<4xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{operands must have rank >= 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : tensor<4xf32>, tensor<4x2xf32> -> tensor<2xf32>
  return
}

// -----

func.func @matmul_inner(%a: tensor<?x3xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+2 {{inner dimensions differ: 3 vs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : tensor<?x3xf32>, tensor<4x2xf32> -> tensor<?x2xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x5x3xf32>, %b: tensor<4x3x2xf32>) {
  // expected-error @+2 {{batch dimensions 2 and 4 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.matmul %a, %b : tensor<2x5x3xf32>, tensor<4x3x2xf32> -> tensor<2x5x2xf32>
  return
}

// -----

func.func @dense_inner(%x: tensor<?x3xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+2 {{input features 3 differ from weight columns 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.dense %x, %w : tensor<?x3xf32>, tensor<8x4xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @dense_weight_rank(%x: tensor<?x3xf32>, %w: tensor<3xf32>) {
  // expected-error @+2 {{expects an input of rank >= 1 and a weight of rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.dense %x, %w : tensor<?x3xf32>, tensor<3xf32> -> tensor<?xf32>
  return
}

// -----

func.func @dense_bias(%x: tensor<?x4xf32>, %w: tensor<8x4xf32>, %b: tensor<7xf32>) {
  // expected-error @+2 {{bias must have shape [8]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.dense %x, %w, %b : tensor<?x4xf32>, tensor<8x4xf32>, tensor<7xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @dense_float(%x: tensor<?x4xi32>, %w: tensor<8x4xi32>) {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = nn.dense %x, %w : tensor<?x4xi32>, tensor<8x4xi32> -> tensor<?x8xi32>
  return
}

// -----

func.func @axes_range(%x: tensor<?x10xf32>) {
  // expected-error @+2 {{axis 2 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_sum %x axes = [2] : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @axes_negative(%x: tensor<?x10xf32>) {
  // expected-error @+2 {{axis -1 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_max %x axes = [-1] : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @axes_sorted(%x: tensor<?x10xf32>) {
  // expected-error @+2 {{axes must be sorted and unique}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_min %x axes = [1, 0] : tensor<?x10xf32> -> tensor<f32>
  return
}

// -----

func.func @axes_unique(%x: tensor<?x10xf32>) {
  // expected-error @+2 {{axes must be sorted and unique}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_sum %x axes = [1, 1] : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @reduce_keepdims(%x: tensor<?x10xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<?x1xf32>' are incompatible with return type(s) of operation 'tensor<?xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.reduce_sum %x axes = [1] {keepdims = true} : tensor<?x10xf32> -> tensor<?xf32>
  return
}

// -----

func.func @mean_float(%x: tensor<?x10xi32>) {
  // expected-error @+1 {{must be ranked tensor of floating-point values}}
  %0 = nn.reduce_mean %x axes = [1] : tensor<?x10xi32> -> tensor<?xi32>
  return
}

// -----

func.func @argmax_axis(%x: tensor<?x10xf32>) {
  // expected-error @+2 {{axis 3 is out of range [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.argmax %x axis = 3 : tensor<?x10xf32> -> tensor<?xi64>
  return
}

// -----

func.func @argmax_i64(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{must be ranked tensor of 64-bit signless integer values}}
  %0 = nn.argmax %x axis = 1 : tensor<?x10xf32> -> tensor<?xi32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{axis 2 is out of range [0, 2)}}
  %0 = nn.softmax %x axis = 2 : tensor<?x10xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{axis -1 is out of range [0, 2)}}
  %0 = nn.log_softmax %x axis = -1 : tensor<?x10xf32>
  return
}

// -----

func.func @reshape_dynamic(%x: tensor<?x784xf32>) {
  // expected-error @+1 {{result has more than one dynamic dimension}}
  %0 = nn.reshape %x : tensor<?x784xf32> -> tensor<?x?x28xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<4x6xf32>) {
  // expected-error @+1 {{cannot reshape 24 elements to 5x5}}
  %0 = nn.reshape %x : tensor<4x6xf32> -> tensor<5x5xf32>
  return
}

// -----

func.func @reshape_divides(%x: tensor<4x6xf32>) {
  // expected-error @+1 {{cannot reshape 24 elements to ?x5}}
  %0 = nn.reshape %x : tensor<4x6xf32> -> tensor<?x5xf32>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{all of {input, result} have same element type}}
  %0 = nn.reshape %x : tensor<4xf32> -> tensor<2x2xf16>
  return
}

// -----

func.func @transpose_perm(%x: tensor<?x4xf32>) {
  // expected-error @+2 {{perm is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x perm = [0, 0] : tensor<?x4xf32> -> tensor<?x?xf32>
  return
}

// -----

func.func @transpose_perm_size(%x: tensor<?x4xf32>) {
  // expected-error @+2 {{perm is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.transpose %x perm = [1, 0, 2] : tensor<?x4xf32> -> tensor<4x?xf32>
  return
}
