//===- Signature.cpp - What a compiled function takes and returns ---------===//
#include "codegen/Signature.h"

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
