// RUN: deepc-opt %s -split-input-file --deepc-autodiff=mode=grad | FileCheck %s --check-prefix=GRAD
// RUN: deepc-opt %s -split-input-file --deepc-autodiff | FileCheck %s --check-prefix=STEP

// The adjoint of a broadcast operand is summed over the broadcast dims; a
// value used twice gets the sum of its adjoints.

// GRAD-LABEL: func.func @broadcast_add
// GRAD-SAME: -> (tensor<f32> {nn.loss}, tensor<4xf32> {nn.grad = "b"}, tensor<?x1xf32> {nn.grad = "c"})
// GRAD-SAME: nn.autodiff = "grad"
// GRAD: %[[ONE:.*]] = nn.constant dense<1.000000e+00> : tensor<f32>
// GRAD: %[[DB1:.*]] = nn.broadcast_to %[[ONE]], %{{.*}} axes = [0] : tensor<f32>, tensor<4xf32> -> tensor<4xf32>
// GRAD: %[[G1:.*]] = nn.broadcast_to %[[ONE]], %{{.*}} axes = [0, 1] : tensor<f32>, tensor<?x4xf32> -> tensor<?x4xf32>
// GRAD: %[[DC:.*]] = nn.reduce_sum %[[G1]] axes = [1] {keepdims = true} : tensor<?x4xf32> -> tensor<?x1xf32>
// GRAD: %[[DB2:.*]] = nn.reduce_sum %[[G1]] axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
// GRAD: %[[SUM:.*]] = nn.add %[[DB1]], %[[DB2]] : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
// GRAD: return %{{.*}}, %[[SUM]], %[[DC]]
// STEP-LABEL: func.func @broadcast_add
// STEP-SAME: %{{.*}}: tensor<f32> {nn.lr}
func.func @broadcast_add(%x: tensor<?x4xf32> {nn.input = "x"}, %b: tensor<4xf32> {nn.param = "b"},
                         %c: tensor<?x1xf32> {nn.param = "c"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64}} {
  %0 = nn.add %x, %b : tensor<?x4xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %1 = nn.add %0, %c : tensor<?x4xf32>, tensor<?x1xf32> -> tensor<?x4xf32>
  %2 = nn.reduce_sum %1 axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  %3 = nn.reduce_sum %b axes = [0] : tensor<4xf32> -> tensor<f32>
  %4 = nn.add %2, %3 : tensor<f32>, tensor<f32> -> tensor<f32>
  return %4 : tensor<f32>
}

// -----

// dense + relu + cross_entropy trained with SGD, momentum 0.9: one momentum
// buffer per parameter, buf = 0.9 buf + g, p = p - lr buf; the logits stay.

// GRAD-LABEL: func.func @mlp
// GRAD-SAME: -> (tensor<f32> {nn.loss}, tensor<4x3xf32> {nn.grad = "fc.weight"}, tensor<4xf32> {nn.grad = "fc.bias"})
// GRAD: nn.softmax
// GRAD: nn.one_hot %{{.*}} : tensor<?xi32> -> tensor<?x4xf32>
// GRAD: nn.compare gt
// GRAD: nn.where

// STEP-LABEL: func.func @mlp
// STEP-SAME: %[[W:[^:]*]]: tensor<4x3xf32> {nn.param = "fc.weight"}, %[[B:[^:]*]]: tensor<4xf32> {nn.param = "fc.bias"}
// STEP-SAME: %[[BW:[^:]*]]: tensor<4x3xf32> {nn.state = "__opt__.fc.weight.momentum_buffer"}
// STEP-SAME: %[[BB:[^:]*]]: tensor<4xf32> {nn.state = "__opt__.fc.bias.momentum_buffer"}
// STEP-SAME: %[[LR:[^:]*]]: tensor<f32> {nn.lr})
// STEP-SAME: -> (tensor<f32> {nn.loss}, tensor<?x4xf32> {nn.logits_of = "y"}, tensor<4x3xf32> {nn.param = "fc.weight"}, tensor<4xf32> {nn.param = "fc.bias"}, tensor<4x3xf32> {nn.state = "__opt__.fc.weight.momentum_buffer"}, tensor<4xf32> {nn.state = "__opt__.fc.bias.momentum_buffer"})
// STEP: %[[DW:.*]] = nn.matmul %{{.*}}, %{{.*}} : tensor<4x?xf32>, tensor<?x3xf32> -> tensor<4x3xf32>
// STEP: %[[M:.*]] = nn.constant dense<0.899999976> : tensor<f32>
// STEP: %[[MB:.*]] = nn.mul %[[M]], %[[BW]]
// STEP: %[[NB:.*]] = nn.add %[[MB]], %[[DW]]
// STEP: %[[UPD:.*]] = nn.mul %[[LR]], %[[NB]]
// STEP: %[[NW:.*]] = nn.sub %[[W]], %[[UPD]]
// STEP: return %{{.*}}, %{{.*}}, %[[NW]], %{{.*}}, %[[NB]], %{{.*}} :
func.func @mlp(%x: tensor<?x3xf32> {nn.input = "x"}, %y: tensor<?xi32> {nn.input = "y"},
               %w: tensor<4x3xf32> {nn.param = "fc.weight"}, %b: tensor<4xf32> {nn.param = "fc.bias"})
    -> (tensor<f32>, tensor<?x4xf32> {nn.logits_of = "y"})
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64, momentum = 0.9 : f64, nesterov = false, weight_decay = 0.0 : f64}} {
  %h = nn.dense %x, %w, %b : tensor<?x3xf32>, tensor<4x3xf32>, tensor<4xf32> -> tensor<?x4xf32>
  %r = nn.relu %h : tensor<?x4xf32>
  %l = nn.cross_entropy %r, %y : tensor<?x4xf32>, tensor<?xi32> -> tensor<f32>
  return %l, %r : tensor<f32>, tensor<?x4xf32>
}

// -----

// Adam: exp_avg and exp_avg_sq per parameter, one shared step, incremented
// first and used in both bias corrections.

// STEP-LABEL: func.func @adam
// STEP-SAME: {nn.state = "__opt__.w.exp_avg"}
// STEP-SAME: {nn.state = "__opt__.w.exp_avg_sq"}
// STEP-SAME: %[[STEP:[^:]*]]: tensor<f32> {nn.state = "__opt__.step"}
// STEP-SAME: {nn.lr}
// STEP-SAME: tensor<f32> {nn.state = "__opt__.step"})
// STEP: %[[T:.*]] = nn.add %[[STEP]], %{{.*}} : tensor<f32>, tensor<f32> -> tensor<f32>
// STEP: nn.pow %{{.*}}, %[[T]]
// STEP: nn.pow %{{.*}}, %[[T]]
// STEP: return {{.*}}, %[[T]] :
func.func @adam(%w: tensor<3xf32> {nn.param = "w"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "adam", lr = 1.0e-3 : f64, beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64}} {
  %0 = nn.mul %w, %w : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %1 = nn.reduce_sum %0 axes = [0] : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// clip_norm: total = sqrt(sum of every squared gradient element),
// coef = min(clip / (total + 1e-6), 1), every gradient times coef.

// STEP-LABEL: func.func @clip
// STEP: %[[ONE:.*]] = nn.constant dense<1.000000e+00> : tensor<f32>
// STEP: %[[GB:.*]] = nn.broadcast_to
// STEP: %[[GA:.*]] = nn.broadcast_to
// STEP: %[[SA:.*]] = nn.mul %[[GA]], %[[GA]]
// STEP: %[[RA:.*]] = nn.reduce_sum %[[SA]] axes = [0]
// STEP: %[[SB:.*]] = nn.mul %[[GB]], %[[GB]]
// STEP: %[[RB:.*]] = nn.reduce_sum %[[SB]] axes = [0, 1]
// STEP: %[[TOT:.*]] = nn.add %[[RA]], %[[RB]]
// STEP: %[[NORM:.*]] = nn.sqrt %[[TOT]]
// STEP: %[[CLIP:.*]] = nn.constant dense<5.000000e-01> : tensor<f32>
// STEP: %[[EPS:.*]] = nn.constant dense<9.99999997E-7> : tensor<f32>
// STEP: %[[DEN:.*]] = nn.add %[[NORM]], %[[EPS]]
// STEP: %[[Q:.*]] = nn.div %[[CLIP]], %[[DEN]]
// STEP: %[[COEF:.*]] = nn.min %[[Q]], %[[ONE]]
// STEP: nn.mul %[[GA]], %[[COEF]]
// STEP: nn.mul %[[GB]], %[[COEF]]
func.func @clip(%a: tensor<3xf32> {nn.param = "a"}, %b: tensor<2x2xf32> {nn.param = "b"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64, clip_norm = 0.5 : f64}} {
  %0 = nn.reduce_sum %a axes = [0] : tensor<3xf32> -> tensor<f32>
  %1 = nn.reduce_sum %b axes = [0, 1] : tensor<2x2xf32> -> tensor<f32>
  %2 = nn.add %0, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  return %2 : tensor<f32>
}

// -----

// A parameter the loss does not reach: a zero gradient, returned unchanged,
// its state unchanged.

// GRAD-LABEL: func.func @unused
// GRAD: %[[Z:.*]] = nn.constant dense<0.000000e+00> : tensor<2xf32>
// GRAD: return %{{.*}}, %{{.*}}, %[[Z]] :

// STEP-LABEL: func.func @unused
// STEP-SAME: %[[U:[^:]*]]: tensor<2xf32> {nn.param = "u"}
// STEP-SAME: %[[BU:[^:]*]]: tensor<2xf32> {nn.state = "__opt__.u.momentum_buffer"}
// STEP: return %{{.*}}, %{{.*}}, %[[U]], %{{.*}}, %[[BU]] :
func.func @unused(%w: tensor<3xf32> {nn.param = "w"}, %u: tensor<2xf32> {nn.param = "u"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64, momentum = 0.5 : f64}} {
  %0 = nn.reduce_sum %w axes = [0] : tensor<3xf32> -> tensor<f32>
  %1 = nn.reduce_sum %u axes = [0] : tensor<2xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Functions without nn.train are left alone.

// GRAD-LABEL: func.func @model
// AUDIT: unchanged: deepc-autodiff must leave a function without nn.train alone.
// GRAD-NOT: nn.autodiff
// GRAD: return %{{.*}} : tensor<?x4xf32>
func.func @model(%x: tensor<?x4xf32> {nn.input = "x"}) -> tensor<?x4xf32> {
  %0 = nn.relu %x : tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Embedding: the table's adjoint is the scatter-add of the result's adjoint
// into the rows the ids name (nn.embedding_grad), not a one-hot matmul; the
// ids get none.

// GRAD-LABEL: func.func @embedding
// GRAD-SAME: -> (tensor<f32> {nn.loss}, tensor<7x4xf32> {nn.grad = "e.weight"})
// GRAD: %[[G:.*]] = nn.broadcast_to %{{.*}}, %{{.*}} axes = [0, 1, 2] : tensor<f32>, tensor<?x5x4xf32> -> tensor<?x5x4xf32>
// GRAD-NOT: nn.one_hot
// GRAD-NOT: nn.matmul
// GRAD: %[[DW:.*]] = nn.embedding_grad %[[G]], %arg0 : tensor<?x5x4xf32>, tensor<?x5xi32> -> tensor<7x4xf32>
// GRAD: return %{{.*}}, %[[DW]]
// GRAD-NOT: nn.one_hot
// GRAD-NOT: nn.matmul
func.func @embedding(%ids: tensor<?x5xi32> {nn.input = "ids"}, %w: tensor<7x4xf32> {nn.param = "e.weight"}) -> tensor<f32>
    attributes {nn.train = {optimizer = "sgd", lr = 0.1 : f64}} {
  %e = nn.embedding %ids, %w : tensor<?x5xi32>, tensor<7x4xf32> -> tensor<?x5x4xf32>
  %s = nn.reduce_sum %e axes = [0, 1, 2] : tensor<?x5x4xf32> -> tensor<f32>
  return %s : tensor<f32>
}
