//===- NNDialect.td - The nn dialect and its base op class -*- tablegen -*-===//
//
// The `nn` dialect: one op per construct of the `.nn` language, on ranked
// tensors whose batch dimension stays dynamic. docs/DIALECT.md is its
// contract with the frontend.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_IR_NNDIALECT_TD
#define DEEPC_IR_NNDIALECT_TD

include "mlir/IR/OpBase.td"

def NN_Dialect : Dialect {
  let name = "nn";
  let cppNamespace = "::deepc::nn";
  let summary = "Neural-network ops on ranked tensors, as the frontend emits them";
  let description = [{
    Ops with NumPy/PyTorch semantics on ranked tensors. Result types are
    inferred from operands and attributes wherever they can be; the lowering
    to linalg lives in `passes/LowerNNToLinalg.cpp`.
  }];
  let hasConstantMaterializer = 1;
}

/// Base class of every op of the dialect.
class NN_Op<string mnemonic, list<Trait> traits = []>
    : Op<NN_Dialect, mnemonic, traits>;

#endif // DEEPC_IR_NNDIALECT_TD
