//===- NNOpsRecurrent.td - LSTM and GRU ops of nn ----------*- tablegen -*-===//
//
// The recurrent layers (included by NNOps.td). Each runs the recurrence of
// one layer over time on an input already projected by `nn.dense` (the
// `x W_ih^T + b_ih` of every step at once, one large matmul); its gradient
// op runs the recurrence backwards. Shape rules in NNOpsRecurrent.cpp,
// lowering to an scf.for over time in passes/LowerNNRecurrent.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_IR_NNOPSRECURRENT_TD
#define DEEPC_IR_NNOPSRECURRENT_TD

def NN_LstmOp : NN_Op<"lstm", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    AllElementTypesMatch<["input", "weight_hh", "bias_hh"]>]> {
  let summary = "The recurrence of a one-layer LSTM, as PyTorch's nn.LSTM";
  let description = [{
    `input[N, T, 4H]` is `x W_ih^T + b_ih` for every step; `weight_hh[4H,
    H]`, `bias_hh[4H]`. From `h = c = 0`, for each step `t` (from `T - 1`
    down to 0 with `reverse`), with PyTorch's gate order:
    `a = input[:, t] + h W_hh^T + b_hh`, `i, f, g, o = sigmoid(a[0:H]),
    sigmoid(a[H:2H]), tanh(a[2H:3H]), sigmoid(a[3H:4H])`, `c = f c + i g`,
    `h = o tanh(c)`. Results: the hidden states `result[N, T, H]`, and what
    the gradient reads: the cell states `cell[N, T, H]` and the activated
    gates `gates[N, T, 4H]` (i, f, g, o).

    ```mlir
    %h, %c, %g = nn.lstm %xp, %w, %b : tensor<?x?x32xf32>, tensor<32x8xf32>, tensor<32xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight_hh,
                       NN_FloatTensor:$bias_hh, UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$cell,
                      NN_FloatTensor:$gates);
  let assemblyFormat = [{
    $input `,` $weight_hh `,` $bias_hh attr-dict `:` type($input) `,`
    type($weight_hh) `,` type($bias_hh)
  }];
}

def NN_LstmGradOp : NN_Op<"lstm_grad", [Pure, InferTypeOpAdaptor,
    AllTypesMatch<["grad", "result", "cell"]>]> {
  let summary = "The gradient of nn.lstm";
  let description = [{
    Given `grad[N, T, H]`, the adjoint of an `nn.lstm`'s `result`, and that
    op's results and `weight_hh` (and `reverse`), runs the recurrence
    backwards (from the last step the forward took to the first) and gives
    the adjoints of its operands: `grad_input[N, T, 4H]` (of the gates
    before activation), `grad_weight_hh[4H, H]` and `grad_bias_hh[4H]`.

    ```mlir
    %dx, %dw, %db = nn.lstm_grad %dy, %h, %c, %g, %w : tensor<?x?x8xf32>, tensor<?x?x32xf32>, tensor<32x8xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$result,
                       NN_FloatTensor:$cell, NN_FloatTensor:$gates,
                       NN_FloatTensor:$weight_hh, UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$grad_input,
                      NN_FloatTensor:$grad_weight_hh,
                      NN_FloatTensor:$grad_bias_hh);
  let assemblyFormat = [{
    $grad `,` $result `,` $cell `,` $gates `,` $weight_hh attr-dict `:`
    type($grad) `,` type($gates) `,` type($weight_hh)
  }];
}

def NN_GruOp : NN_Op<"gru", [Pure, InferTypeOpAdaptor, NN_Differentiable,
    AllElementTypesMatch<["input", "weight_hh", "bias_hh"]>]> {
  let summary = "The recurrence of a one-layer GRU, as PyTorch's nn.GRU";
  let description = [{
    `input[N, T, 3H]` is `x W_ih^T + b_ih` for every step; `weight_hh[3H,
    H]`, `bias_hh[3H]`. From `h = 0`, for each step `t` (from `T - 1` down
    to 0 with `reverse`), with PyTorch's gate order: `a = h W_hh^T + b_hh`,
    `r = sigmoid(input[:, t, 0:H] + a[0:H])`, `z = sigmoid(input[:, t,
    H:2H] + a[H:2H])`, `n = tanh(input[:, t, 2H:3H] + r a[2H:3H])`,
    `h = n + z (h - n)` (= `(1 - z) n + z h`). Results: the hidden states
    `result[N, T, H]` and what the gradient reads, `gates[N, T, 4H]`: r, z,
    n and `a[2H:3H]`.

    ```mlir
    %h, %g = nn.gru %xp, %w, %b : tensor<?x?x24xf32>, tensor<24x8xf32>, tensor<24xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$input, NN_FloatTensor:$weight_hh,
                       NN_FloatTensor:$bias_hh, UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$result, NN_FloatTensor:$gates);
  let assemblyFormat = [{
    $input `,` $weight_hh `,` $bias_hh attr-dict `:` type($input) `,`
    type($weight_hh) `,` type($bias_hh)
  }];
}

def NN_GruGradOp : NN_Op<"gru_grad", [Pure, InferTypeOpAdaptor,
    AllTypesMatch<["grad", "result"]>]> {
  let summary = "The gradient of nn.gru";
  let description = [{
    Given `grad[N, T, H]`, the adjoint of an `nn.gru`'s `result`, and that
    op's results and `weight_hh` (and `reverse`), runs the recurrence
    backwards and gives the adjoints of its operands: `grad_input[N, T,
    3H]`, `grad_weight_hh[3H, H]` and `grad_bias_hh[3H]`.

    ```mlir
    %dx, %dw, %db = nn.gru_grad %dy, %h, %g, %w : tensor<?x?x8xf32>, tensor<?x?x32xf32>, tensor<24x8xf32>
    ```
  }];
  let arguments = (ins NN_FloatTensor:$grad, NN_FloatTensor:$result,
                       NN_FloatTensor:$gates, NN_FloatTensor:$weight_hh,
                       UnitAttr:$reverse);
  let results = (outs NN_FloatTensor:$grad_input,
                      NN_FloatTensor:$grad_weight_hh,
                      NN_FloatTensor:$grad_bias_hh);
  let assemblyFormat = [{
    $grad `,` $result `,` $gates `,` $weight_hh attr-dict `:` type($grad)
    `,` type($gates) `,` type($weight_hh)
  }];
}

#endif // DEEPC_IR_NNOPSRECURRENT_TD
