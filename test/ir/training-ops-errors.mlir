// RUN: deepc-opt %s -split-input-file -verify-diagnostics

func.func @compare_shapes(%a: tensor<?x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{operand shapes ?x3 and 4 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.compare lt, %a, %b : tensor<?x3xf32>, tensor<4xf32> -> tensor<?x3xi1>
  return
}

// -----

func.func @compare_predicate(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, ne, lt, le, gt, ge]}}
  %0 = nn.compare ugt, %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  return
}

// -----

func.func @where_condition(%c: tensor<4xf32>, %a: tensor<4xf32>) {
  // expected-error @+1 {{must be ranked tensor of 1-bit signless integer values}}
  %0 = nn.where %c, %a, %a : tensor<4xf32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @broadcast_shape(%a: tensor<3xf32>, %x: tensor<?x4xf32>) {
  // expected-error @+2 {{cannot broadcast 3 to ?x4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.broadcast_to %a, %x : tensor<3xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @broadcast_axes(%a: tensor<?xf32>, %x: tensor<?x4xf32>) {
  // expected-error @+2 {{cannot broadcast rank 1 to rank 2 with the given axes}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.broadcast_to %a, %x axes = [0, 1] : tensor<?xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @one_hot_classes(%y: tensor<?xi32>) {
  // expected-error @+1 {{the number of classes (last result dim) must be a static size >= 1}}
  %0 = nn.one_hot %y : tensor<?xi32> -> tensor<?x?xf32>
  return
}

// -----

func.func @one_hot_rank(%y: tensor<?xi32>) {
  // expected-error @+1 {{result rank must be the indices' rank + 1}}
  %0 = nn.one_hot %y : tensor<?xi32> -> tensor<10xf32>
  return
}

// -----

func.func @cross_entropy_rows(%l: tensor<4x10xf32>, %y: tensor<3xi32>) {
  // expected-error @+2 {{logits have 4 rows but labels have 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.cross_entropy %l, %y : tensor<4x10xf32>, tensor<3xi32> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels(%l: tensor<?x10xf32>, %y: tensor<?xf32>) {
  // expected-error @+1 {{must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = nn.cross_entropy %l, %y : tensor<?x10xf32>, tensor<?xf32> -> tensor<f32>
  return
}

// -----

func.func @mse_shapes(%a: tensor<?x3xf32>, %b: tensor<?x2xf32>) {
  // expected-error @+2 {{operand shapes ?x3 and ?x2 are not broadcast-compatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = nn.mse %a, %b : tensor<?x3xf32>, tensor<?x2xf32> -> tensor<f32>
  return
}

// -----

func.func @bce_types(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+1 {{all of {lhs, rhs, result} have same element type}}
  %0 = nn.bce_with_logits %a, %b : tensor<3xf32>, tensor<3xf64> -> tensor<f32>
  return
}
