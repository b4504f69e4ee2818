//===- Signature.cpp - What a compiled function takes and returns ---------===//
#include "codegen/Signature.h"
#include "ir/NNOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FormatVariadic.h"

namespace deepc {

std::string TensorSpec::str() const {
  std::string s = dtypeName(dtype).lower() + "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

static llvm::Expected<TensorSpec> getTensorSpec(mlir::Type type) {
  auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
  if (!tensor)
    return llvm::createStringError(
        llvm::formatv("expected a ranked tensor, got {0}", type).str());
  TensorSpec spec;
  mlir::Type elt = tensor.getElementType();
  if (elt.isF32())
    spec.dtype = DType::F32;
  else if (elt.isF64())
    spec.dtype = DType::F64;
  else if (elt.isBF16())
    spec.dtype = DType::BF16;
  else if (elt.isInteger(32))
    spec.dtype = DType::I32;
  else if (elt.isInteger(64))
    spec.dtype = DType::I64;
  else if (elt.isInteger(1))
    spec.dtype = DType::Bool;
  else
    return llvm::createStringError(
        llvm::formatv("unsupported element type {0}", elt).str());
  for (int64_t d : tensor.getShape())
    spec.shape.push_back(mlir::ShapedType::isDynamic(d) ? -1 : d);
  return spec;
}

/// The argument of `func` that `v` is, read through ops that only move or
/// convert elements (reshape, transpose, cast); null if none.
static mlir::BlockArgument sourceArgument(mlir::func::FuncOp func,
                                          mlir::Value v) {
  while (mlir::Operation *op = v.getDefiningOp()) {
    if (!mlir::isa<nn::ReshapeOp, nn::TransposeOp, nn::CastOp>(op))
      return {};
    v = op->getOperand(0);
  }
  auto arg = llvm::dyn_cast<mlir::BlockArgument>(v);
  return arg && arg.getOwner()->getParentOp() == func ? arg
                                                      : mlir::BlockArgument();
}

/// Fills in `idRows` and `idTable` of the inputs that embeddings read as ids.
static void findIdInputs(mlir::func::FuncOp func, FunctionSpec &spec) {
  func.walk([&](nn::EmbeddingOp op) {
    mlir::BlockArgument ids = sourceArgument(func, op.getIds());
    if (!ids || spec.args[ids.getArgNumber()].kind != Role::Input)
      return;
    ArgSpec &arg = spec.args[ids.getArgNumber()];
    int64_t rows = op.getWeight().getType().getDimSize(0);
    if (arg.idRows && arg.idRows <= rows)
      return;
    arg.idRows = rows;
    arg.idTable = "embedding";
    if (mlir::BlockArgument w = sourceArgument(func, op.getWeight()))
      if (spec.args[w.getArgNumber()].kind == Role::Param) {
        llvm::StringRef name = spec.args[w.getArgNumber()].name;
        name.consume_back(".weight");
        arg.idTable = name.str();
      }
  });
}

llvm::Expected<FunctionSpec> getFunctionSpec(mlir::func::FuncOp func) {
  FunctionSpec spec;
  spec.name = func.getSymName().str();
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
    ArgSpec arg;
    auto type = getTensorSpec(func.getArgument(i).getType());
    if (!type)
      return type.takeError();
    arg.type = *type;
    if (auto name = func.getArgAttrOfType<mlir::StringAttr>(i, "nn.input")) {
      arg.kind = ArgSpec::Input;
      arg.name = name.str();
    } else if (auto name =
                   func.getArgAttrOfType<mlir::StringAttr>(i, "nn.state")) {
      arg.kind = Role::State;
      arg.name = name.str();
    } else if (auto name =
                   func.getArgAttrOfType<mlir::StringAttr>(i, "nn.grad")) {
      arg.kind = Role::Grad;
      arg.name = name.str();
    } else if (func.getArgAttr(i, "nn.lr")) {
      arg.kind = Role::LearningRate;
      arg.name = "lr";
    } else if (auto name =
                   func.getArgAttrOfType<mlir::StringAttr>(i, "nn.param")) {
      arg.kind = ArgSpec::Param;
      arg.name = name.str();
      if (auto init = func.getArgAttrOfType<mlir::StringAttr>(i, "nn.init"))
        arg.init = init.str();
      if (auto args =
              func.getArgAttrOfType<mlir::DenseF64ArrayAttr>(i, "nn.init_args"))
        arg.initArgs.assign(args.asArrayRef().begin(), args.asArrayRef().end());
    } else {
      return llvm::createStringError(
          llvm::formatv("argument {0} of @{1} is neither an input nor a "
                        "parameter",
                        i, spec.name)
              .str());
    }
    spec.args.push_back(std::move(arg));
  }
  findIdInputs(func, spec);
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i) {
    ResultSpec result;
    auto type = getTensorSpec(func.getResultTypes()[i]);
    if (!type)
      return type.takeError();
    result.type = *type;
    auto named = [&](llvm::StringRef attr, Role role) {
      if (auto name = func.getResultAttrOfType<mlir::StringAttr>(i, attr)) {
        result.role = role;
        result.name = name.str();
        return true;
      }
      return false;
    };
    if (auto ignore =
            func.getResultAttrOfType<mlir::IntegerAttr>(i, "nn.ignore_index"))
      result.ignoreIndex = ignore.getInt();
    result.multiLabel = bool(func.getResultAttr(i, "nn.multilabel"));
    if (func.getResultAttr(i, "nn.loss"))
      result.role = Role::Loss;
    else if (!named("nn.logits_of", Role::Logits) &&
             !named("nn.param", Role::Param) && !named("nn.state", Role::State))
      named("nn.grad", Role::Grad);
    spec.results.push_back(std::move(result));
  }
  return spec;
}

int FunctionSpec::findArg(Role role, llvm::StringRef name) const {
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].kind == role && (name.empty() || args[i].name == name))
      return static_cast<int>(i);
  return -1;
}

int FunctionSpec::findResult(Role role, llvm::StringRef name) const {
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].role == role && (name.empty() || results[i].name == name))
      return static_cast<int>(i);
  return -1;
}

} // namespace deepc
