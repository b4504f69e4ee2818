//===- NNOpsRecurrent.cpp - nn.lstm, nn.gru and their gradients -----------===//
//
// Result types of the recurrent ops and their gradient rules. An op with
// G gates (LSTM 4, GRU 3) of H units reads `input[N, T, G H]` (N and T may
// be dynamic), `weight_hh[G H, H]` and `bias_hh[G H]`, H static.
//
//===----------------------------------------------------------------------===//

#include "ir/NNGradients.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace deepc::nn;

/// Checks the operands of a recurrent op with `gates` gates and returns H,
/// or failure (reported at `loc` when there is one).
static FailureOr<int64_t> checkRecurrent(std::optional<Location> loc,
                                         Type inputType, Type weightType,
                                         Type biasType, int64_t gates) {
  auto input = dyn_cast<RankedTensorType>(inputType);
  auto weight = dyn_cast<RankedTensorType>(weightType);
  auto bias = dyn_cast<RankedTensorType>(biasType);
  if (!input || !weight || !bias)
    return emitOptionalError(loc, "operands must be ranked tensors");
  if (input.getRank() != 3)
    return emitOptionalError(loc, "input must be [N, T, ", gates,
                             " H], got rank ", input.getRank());
  if (weight.getRank() != 2 || !weight.hasStaticShape() ||
      weight.getDimSize(0) != gates * weight.getDimSize(1))
    return emitOptionalError(loc, "weight_hh must be a static [", gates,
                             " H, H]");
  int64_t h = weight.getDimSize(1);
  if (input.getDimSize(2) != gates * h)
    return emitOptionalError(loc, "input's last dimension must be ", gates * h,
                             " (", gates, " H)");
  if (bias.getRank() != 1 || bias.getDimSize(0) != gates * h)
    return emitOptionalError(loc, "bias_hh must be [", gates * h, "]");
  return h;
}

/// `[N, T, size]` with N and T from `like`.
static RankedTensorType sequenceType(Type like, int64_t size) {
  auto type = cast<RankedTensorType>(like);
  return type.clone({type.getDimSize(0), type.getDimSize(1), size});
}

LogicalResult LstmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  Type input = adaptor.getInput().getType();
  FailureOr<int64_t> h =
      checkRecurrent(loc, input, adaptor.getWeightHh().getType(),
                     adaptor.getBiasHh().getType(), 4);
  if (failed(h))
    return failure();
  types.push_back(sequenceType(input, *h));
  types.push_back(sequenceType(input, *h));
  types.push_back(input);
  return success();
}

LogicalResult GruOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  Type input = adaptor.getInput().getType();
  FailureOr<int64_t> h =
      checkRecurrent(loc, input, adaptor.getWeightHh().getType(),
                     adaptor.getBiasHh().getType(), 3);
  if (failed(h))
    return failure();
  types.push_back(sequenceType(input, *h));
  types.push_back(sequenceType(input, 4 * *h));
  return success();
}

/// The results of a gradient op: the adjoints of input, weight_hh and
/// bias_hh, after checking that `grad`, `gates` and `weight` fit a forward
/// op of `gates` gates whose saved values have `saved` blocks of H.
static LogicalResult inferGradTypes(std::optional<Location> loc, Type grad,
                                    Type gatesType, Type weightType,
                                    int64_t gates, int64_t saved,
                                    SmallVectorImpl<Type> &types) {
  auto g = dyn_cast<RankedTensorType>(grad);
  auto s = dyn_cast<RankedTensorType>(gatesType);
  auto w = dyn_cast<RankedTensorType>(weightType);
  if (!g || !s || !w || g.getRank() != 3 || s.getRank() != 3 ||
      w.getRank() != 2 || !w.hasStaticShape())
    return emitOptionalError(loc, "expects [N, T, H] sequences and a static "
                                  "weight_hh");
  int64_t h = w.getDimSize(1);
  if (w.getDimSize(0) != gates * h || g.getDimSize(2) != h ||
      s.getDimSize(2) != saved * h)
    return emitOptionalError(loc, "grad must be [N, T, H], gates [N, T, ",
                             saved, " H], weight_hh [", gates, " H, H]");
  types.push_back(sequenceType(grad, gates * h));
  types.push_back(w);
  types.push_back(RankedTensorType::get({gates * h}, w.getElementType()));
  return success();
}

LogicalResult LstmGradOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  return inferGradTypes(loc, adaptor.getGrad().getType(),
                        adaptor.getGates().getType(),
                        adaptor.getWeightHh().getType(), 4, 4, types);
}

LogicalResult GruGradOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferGradTypes(loc, adaptor.getGrad().getType(),
                        adaptor.getGates().getType(),
                        adaptor.getWeightHh().getType(), 3, 4, types);
}

//===----------------------------------------------------------------------===//
// Gradient rules
//===----------------------------------------------------------------------===//

/// Only the hidden states are read outside the op (the other results are
/// saved for the gradient), so only their adjoint flows in. Appends the
/// gradient op's three results, or three nulls without an adjoint.
static LogicalResult
recurrentAdjoints(Operation *op, ValueRange adjoints,
                  SmallVectorImpl<Value> &out,
                  llvm::function_ref<Operation *()> build) {
  if (llvm::any_of(adjoints.drop_front(), [](Value v) { return bool(v); }))
    return op->emitError("the saved states of '")
           << op->getName() << "' have no gradient";
  if (!adjoints.front()) {
    out.append(op->getNumOperands(), Value());
    return success();
  }
  llvm::append_range(out, build()->getResults());
  return success();
}

LogicalResult LstmOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                           SmallVectorImpl<Value> &out) {
  return recurrentAdjoints(*this, adjoints, out, [&] {
    return LstmGradOp::create(b, getLoc(), adjoints.front(), getResult(),
                              getCell(), getGates(), getWeightHh(),
                              getReverse());
  });
}

LogicalResult GruOp::buildOperandAdjoints(OpBuilder &b, ValueRange adjoints,
                                          SmallVectorImpl<Value> &out) {
  return recurrentAdjoints(*this, adjoints, out, [&] {
    return GruGradOp::create(b, getLoc(), adjoints.front(), getResult(),
                             getGates(), getWeightHh(), getReverse());
  });
}
