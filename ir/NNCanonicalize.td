//===- NNCanonicalize.td - Declarative rewrites of nn ops --*- tablegen -*-===//

#ifndef DEEPC_IR_NNCANONICALIZE_TD
#define DEEPC_IR_NNCANONICALIZE_TD

include "ir/NNOps.td"
include "mlir/IR/PatternBase.td"

/// reshape(reshape(x)) -> reshape(x): only the last shape matters.
def ReshapeOfReshape : Pat<(NN_ReshapeOp (NN_ReshapeOp $x)), (NN_ReshapeOp $x)>;

#endif // DEEPC_IR_NNCANONICALIZE_TD
