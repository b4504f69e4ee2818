//===- NNOpsCast.cpp - nn.cast: float storage types -----------------------===//
//
// The verifier, folder and gradient rule of nn.cast, which moves float
// tensors between their storage type (bf16) and their compute type (f32);
// docs/LANGUAGE.md, bf16.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

using namespace mlir;
using namespace deepc::nn;

LogicalResult CastOp::verify() {
  RankedTensorType from = getInput().getType(), to = getType();
  if (from.getShape() != to.getShape())
    return emitOpError("changes the shape from ")
           << from << " to " << to << "; a cast keeps it";
  return success();
}

/// Whether converting `from` to `to` keeps every value exactly.
static bool isWidening(Type from, Type to) {
  const llvm::fltSemantics &f = cast<FloatType>(from).getFloatSemantics();
  const llvm::fltSemantics &t = cast<FloatType>(to).getFloatSemantics();
  using llvm::APFloat;
  return APFloat::semanticsPrecision(t) >= APFloat::semanticsPrecision(f) &&
         APFloat::semanticsMaxExponent(t) >= APFloat::semanticsMaxExponent(f) &&
         APFloat::semanticsMinExponent(t) <= APFloat::semanticsMinExponent(f);
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  Value input = getInput();
  if (input.getType() == getType())
    return input;
  // Widening then narrowing back gives the original: bf16 -> f32 -> bf16.
  if (auto inner = input.getDefiningOp<CastOp>())
    if (inner.getInput().getType() == getType() &&
        isWidening(getType().getElementType(),
                   inner.getType().getElementType()))
      return inner.getInput();
  return {};
}

LogicalResult CastOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                           SmallVectorImpl<Value> &out) {
  Value g = adjoints[0];
  Type type = getInput().getType();
  out.push_back(g.getType() == type ? g : CastOp::create(b, getLoc(), type, g));
  return success();
}
