//===- NNDialect.cpp - The nn dialect -------------------------------------===//

#include "ir/NNDialect.h"
#include "ir/NNOps.h"

using namespace mlir;
using namespace deepc::nn;

#include "ir/NNDialect.cpp.inc"

void NNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/NNOps.cpp.inc"
      >();
}

Operation *NNDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
