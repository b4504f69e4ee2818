//===- Passes.td - deepc passes ----------------------------*- tablegen -*-===//
//
// Every deepc pass is declared here (STYLE.md): `XxxPass` with flag
// `deepc-<verb>`, implemented with `GEN_PASS_DEF_*` and `impl::XxxPassBase`.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_PASSES_PASSES_TD
#define DEEPC_PASSES_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerNNToLinalgPass : Pass<"deepc-lower-nn-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower the nn dialect to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `nn` op into upstream ops on tensors, after which no `nn`
    op is left (the `linalg` stage of docs/DIALECT.md).

    - Elementwise ops become one `linalg.generic` each, broadcasting through
      the indexing maps (a size-1 operand dimension reads index 0), so no
      broadcast is materialized.
    - `nn.matmul` becomes `linalg.matmul` (leading dims of the left operand
      collapsed into M when the right one is a matrix) or
      `linalg.batch_matmul` (batch dims broadcast, then collapsed into one).
      `nn.dense` is a `linalg.matmul` whose indexing maps read the weight
      transposed, then a bias `linalg.generic`, so fusion sees the usual
      matmul + epilogue.
    - Reductions are `linalg.reduce` from the identity (`-inf`/`+inf` for
      max/min); the mean multiplies by `1/count`, with the count taken from
      run-time sizes. `nn.argmax` is one `linalg.generic` with a value and
      an index output that keeps the first maximum. Softmax subtracts the
      maximum before `exp` for stability.
    - `nn.reshape` becomes `tensor.collapse_shape`/`expand_shape` when the
      shapes allow it, else `tensor.reshape` with a shape computed at run
      time; `nn.transpose` becomes `linalg.transpose`.

    Dynamic dimensions (the batch) are read with `tensor.dim` wherever an
    output is created with `tensor.empty`.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

#endif // DEEPC_PASSES_PASSES_TD
