//===- NNInterfaces.td - Interfaces of the nn dialect ------*- tablegen -*-===//
//
// Behaviour that many ops share, as op interfaces rather than switches over
// op names (STYLE.md): gradients first of all.
//
//===----------------------------------------------------------------------===//

#ifndef DEEPC_IR_NNINTERFACES_TD
#define DEEPC_IR_NNINTERFACES_TD

include "mlir/IR/OpBase.td"

def NN_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::deepc::nn";
  let description = [{
    An op that knows its reverse-mode gradient rule. The autodiff pass
    (`deepc-autodiff`) walks a function backwards and, for every op on a
    path from a parameter to the loss, asks the op to turn the adjoints of
    its results (the gradient of the loss with respect to each result) into
    the adjoints of its operands. The pass knows no op by name: an op is
    differentiable the day it implements this interface.

    A rule builds ordinary `nn` ops with the given builder, which is
    positioned after every forward op, so it may read the op's operands and
    results. Each operand adjoint has exactly the operand's type (a rule
    reduces over broadcast dimensions itself); an operand without a
    gradient (integer labels, a condition) gets a null value.
  }];

  let methods = [
    InterfaceMethod<[{
        Builds the adjoints of the operands from `resultAdjoints` (one per
        result; null for a result the loss does not depend on) and appends
        them to `operandAdjoints`, one per operand, null where the operand
        has no gradient. Returns failure, after reporting an error at the
        op, when the rule cannot be built (e.g. a shape it does not
        support).
      }],
      "::llvm::LogicalResult", "buildOperandAdjoints",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultAdjoints,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandAdjoints)>,
  ];
}

#endif // DEEPC_IR_NNINTERFACES_TD
