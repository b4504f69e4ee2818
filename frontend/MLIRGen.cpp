//===- MLIRGen.cpp - From the checked AST to the nn dialect ---------------===//
//
// One `func.func` per model (docs/DIALECT.md): the inputs, then the
// parameters in creation order, as arguments with `nn.input` / `nn.param`,
// `nn.init`, `nn.init_args` attributes; one op per construct, located at its
// place in the `.nn` file. Literals are rank-0 `nn.constant`s of the element
// type of the tensor they meet, broadcast by the binary ops. Constructs
// without an op yet are reported as "not supported yet" at their place.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen.h"
#include "frontend/Builtins.h"
#include "frontend/Sema.h"
#include "ir/NNDialect.h"
#include "ir/NNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Casting.h"

using namespace deepc;
using namespace deepc::ast;
using mlir::Value;

Value MLIRGen::unsupported(llvm::SMLoc l, const llvm::Twine &what) {
  if (reported.insert(l.getPointer()).second)
    diags.error(l, what + " is not supported yet");
  return nullptr;
}

mlir::Location MLIRGen::loc(llvm::SMLoc l) {
  if (!l.isValid())
    return builder.getUnknownLoc();
  auto [line, col] = sm.getLineAndColumn(l);
  return mlir::FileLineColLoc::get(fileName, line, col);
}

mlir::Type MLIRGen::elemType(ElemType e, llvm::SMLoc l) {
  switch (e) {
  case ElemType::F32:
    return builder.getF32Type();
  case ElemType::BF16:
    return builder.getBF16Type();
  case ElemType::I32:
    return builder.getI32Type();
  case ElemType::I64:
    return builder.getI64Type();
  case ElemType::Bool:
    return builder.getI1Type();
  }
  return nullptr;
}

mlir::RankedTensorType MLIRGen::tensorType(const Type &t, llvm::SMLoc l) {
  mlir::Type elem = elemType(t.elem, l);
  if (!elem)
    return nullptr;
  llvm::SmallVector<int64_t, 4> shape;
  for (const Dim &d : t.dims)
    shape.push_back(d.isStatic() ? d.size : mlir::ShapedType::kDynamic);
  return mlir::RankedTensorType::get(shape, elem);
}

Value MLIRGen::constant(double value, mlir::Type elem, mlir::Location l) {
  auto type = mlir::RankedTensorType::get({}, elem);
  mlir::DenseElementsAttr attr;
  if (auto f = llvm::dyn_cast<mlir::FloatType>(elem)) {
    llvm::APFloat v(value);
    bool lost;
    v.convert(f.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
    attr = mlir::DenseElementsAttr::get(type, v);
  } else {
    unsigned width = elem.getIntOrFloatBitWidth();
    attr = mlir::DenseElementsAttr::get(
        type, llvm::APInt(width, static_cast<int64_t>(value), /*isSigned=*/true,
                          /*implicitTrunc=*/true));
  }
  return nn::ConstantOp::create(builder, l,
                                llvm::cast<mlir::ElementsAttr>(attr));
}

mlir::OwningOpRef<mlir::ModuleOp> MLIRGen::run(const Program &program,
                                               const MLIRGenOptions &options) {
  ctx.getOrLoadDialect<nn::NNDialect>();
  ctx.getOrLoadDialect<mlir::func::FuncDialect>();
  fileName = builder.getStringAttr(program.fileName);
  this->program = &program;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::FileLineColLoc::get(fileName, 1, 1));
  builder.setInsertionPointToEnd(module->getBody());

  for (const std::string &name : options.models)
    if (!program.findModel(name))
      diags.error(llvm::SMLoc(),
                  "no model named '" + name + "' in " + program.fileName);
  for (const std::string &name : options.trains)
    if (llvm::none_of(program.trains,
                      [&](const auto &t) { return t->name == name; }))
      diags.error(llvm::SMLoc(),
                  "no train block named '" + name + "' in " + program.fileName);
  // Asking for train blocks alone emits no model.
  bool allModels = options.models.empty() && options.trains.empty();
  for (const auto &model : program.models)
    if (allModels || llvm::is_contained(options.models, model->name))
      genModel(*model);
  for (const auto &train : program.trains)
    if (llvm::is_contained(options.trains, train->name))
      genTrain(*train);
  if (diags.numErrors())
    return nullptr;
  if (mlir::failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

mlir::DictionaryAttr MLIRGen::paramAttrs(const ParamInfo &p) {
  llvm::SmallVector<mlir::NamedAttribute, 3> attrs{
      builder.getNamedAttr("nn.param", builder.getStringAttr(p.name)),
      builder.getNamedAttr("nn.init",
                           builder.getStringAttr(getBuiltinInfo(p.init).name))};
  if (!p.initArgs.empty())
    attrs.push_back(builder.getNamedAttr(
        "nn.init_args", builder.getDenseF64ArrayAttr(p.initArgs)));
  if (p.buffer)
    attrs.push_back(builder.getNamedAttr("nn.buffer", builder.getUnitAttr()));
  return builder.getDictionaryAttr(attrs);
}

void MLIRGen::genModel(const ModelDecl &model) {
  scope = Scope();
  computeCopies.clear();
  training = nullptr;
  llvm::SmallVector<mlir::Type> argTypes, resultTypes;
  llvm::SmallVector<mlir::DictionaryAttr> argAttrs;
  bool ok = true;
  for (const InputDecl &in : model.inputs) {
    auto t = tensorType(in.type.type, in.range.Start);
    ok &= bool(t);
    argTypes.push_back(t);
    argAttrs.push_back(builder.getDictionaryAttr(
        builder.getNamedAttr("nn.input", builder.getStringAttr(in.name))));
  }
  for (const ParamInfo &p : model.params) {
    auto t = tensorType(p.type, p.loc);
    ok &= bool(t);
    argTypes.push_back(t);
    argAttrs.push_back(paramAttrs(p));
  }
  for (const TypeSpec &r : model.results) {
    auto t = tensorType(r.type, r.range.Start);
    ok &= bool(t);
    resultTypes.push_back(t);
  }
  if (!ok)
    return;

  auto func = mlir::func::FuncOp::create(
      builder, loc(model.nameRange.Start), model.name,
      builder.getFunctionType(argTypes, resultTypes));
  func.setAllArgAttrs(argAttrs);
  mlir::Block *entry = func.addEntryBlock();
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(entry);
  for (auto [i, in] : llvm::enumerate(model.inputs)) {
    entry->getArgument(i).setLoc(loc(in.range.Start));
    scope.values[in.name] = entry->getArgument(i);
  }
  for (auto [i, p] : llvm::enumerate(model.params)) {
    Value arg = entry->getArgument(model.inputs.size() + i);
    arg.setLoc(loc(p.loc));
    scope.params[p.name] = arg;
  }

  llvm::SmallVector<Value> results;
  const ReturnStmt *ret = genBody(model, results);
  if (!ret) {
    func.erase();
    return;
  }
  // Sema proved the shapes compatible; make the static facts agree.
  for (auto [v, type, r] : llvm::zip(results, resultTypes, model.results))
    if (v.getType() != type)
      v = nn::ReshapeOp::create(builder, loc(r.range.Start), type, v);
  mlir::func::ReturnOp::create(builder, loc(ret->getLoc()), results);
}

const ReturnStmt *MLIRGen::genBody(const ModelDecl &model,
                                   llvm::SmallVectorImpl<Value> &results) {
  for (const StmtPtr &stmt : model.body) {
    if (auto *b = llvm::dyn_cast<BindingStmt>(stmt.get())) {
      // A literal binding (`k = 2`) takes the type of each tensor it meets:
      // it is emitted at its uses.
      if (b->value->type.weak) {
        scope.literals[b->name] = b->value.get();
        continue;
      }
      Value v = genStored(*b->value);
      if (v)
        scope.values[b->name] = v;
      else
        scope.failed.insert(b->name);
    } else if (auto *r = llvm::dyn_cast<ReturnStmt>(stmt.get())) {
      std::vector<const Expr *> exprs;
      for (const ExprPtr &v : r->values)
        exprs.push_back(v.get());
      if (exprs.size() == 1)
        if (auto *t = llvm::dyn_cast<TupleExpr>(exprs[0])) {
          exprs.clear();
          for (const ExprPtr &v : t->elements)
            exprs.push_back(v.get());
        }
      for (auto [e, type] : llvm::zip(exprs, model.results)) {
        mlir::Type elem = elemType(type.type.elem, type.range.Start);
        Value v = elem ? genAs(*e, elem) : Value();
        if (!v)
          return nullptr;
        results.push_back(v);
      }
      return r;
    }
    // `param` statements are arguments already.
  }
  return nullptr;
}

Value MLIRGen::castTo(Value v, mlir::Type elem, mlir::Location l) {
  auto type = llvm::cast<mlir::RankedTensorType>(v.getType());
  if (type.getElementType() == elem ||
      !llvm::isa<mlir::FloatType>(type.getElementType()))
    return v;
  return nn::CastOp::create(builder, l, type.clone(elem), v);
}

Value MLIRGen::toCompute(Value v) {
  if (!v || !mlir::getElementTypeOrSelf(v.getType()).isBF16())
    return v;
  Value &copy = computeCopies[v];
  if (!copy)
    copy = castTo(v, builder.getF32Type(), v.getLoc());
  return copy;
}

Value MLIRGen::gen(const Expr &e, mlir::Type elemHint) {
  // Literals meeting a bf16 tensor are f32, as the tensor is once read.
  if (elemHint && elemHint.isBF16())
    elemHint = builder.getF32Type();
  return toCompute(genStored(e, elemHint));
}

Value MLIRGen::genAs(const Expr &e, mlir::Type elem) {
  Value v = genStored(e, elem.isBF16() ? builder.getF32Type() : elem);
  return v ? castTo(v, elem, loc(e.getLoc())) : v;
}

Value MLIRGen::genStored(const Expr &e, mlir::Type elemHint) {
  mlir::Location l = loc(e.getLoc());
  // A literal expression (`2`, `-0.5`) becomes one constant of the type of
  // the tensor it meets.
  if (e.type.weak && e.type.rank() == 0)
    if (std::optional<double> v = constNumber(&e)) {
      mlir::Type elem = elemHint ? elemHint : elemType(e.type.elem, e.getLoc());
      return elem ? constant(*v, elem, l) : nullptr;
    }

  switch (e.getKind()) {
  case Expr::Kind::Number:
    llvm_unreachable("handled above");
  case Expr::Kind::Bool: {
    auto type = mlir::RankedTensorType::get({}, builder.getI1Type());
    auto attr =
        mlir::DenseElementsAttr::get(type, llvm::cast<BoolExpr>(e).value);
    return nn::ConstantOp::create(builder, l,
                                  llvm::cast<mlir::ElementsAttr>(attr));
  }
  case Expr::Kind::Name: {
    const auto &n = llvm::cast<NameExpr>(e);
    if (n.ref == NameExpr::Ref::Param)
      return scope.params.lookup(n.name);
    if (scope.failed.contains(n.name))
      return nullptr;
    if (const Expr *literal = scope.literals.lookup(n.name))
      return gen(*literal, elemHint);
    return scope.values.lookup(n.name);
  }
  case Expr::Kind::Unary: {
    Value x = gen(*llvm::cast<UnaryExpr>(e).operand, elemHint);
    if (!x)
      return nullptr;
    auto type = llvm::cast<mlir::RankedTensorType>(x.getType());
    if (!llvm::isa<mlir::FloatType>(type.getElementType())) {
      // Integer negation: 0 - x.
      Value zero = constant(0, type.getElementType(), l);
      return nn::SubOp::create(builder, l, zero, x);
    }
    return nn::NegOp::create(builder, l, x);
  }
  case Expr::Kind::Binary:
    return genBinary(llvm::cast<BinaryExpr>(e), elemHint);
  case Expr::Kind::Call:
    return genCall(llvm::cast<CallExpr>(e));
  case Expr::Kind::Index:
    return genIndex(llvm::cast<IndexExpr>(e));
  case Expr::Kind::List:
  case Expr::Kind::Tuple:
    break;
  }
  diags.error(e.getLoc(), "unexpected expression");
  return nullptr;
}

bool MLIRGen::genPair(const Expr &a, const Expr &b, Value &va, Value &vb,
                      mlir::Type elemHint) {
  // Emit the typed side first so that a literal on the other side takes its
  // element type.
  bool swap = a.type.weak && !b.type.weak;
  Value &first = swap ? vb : va, &second = swap ? va : vb;
  first = gen(swap ? b : a, elemHint);
  if (!first)
    return false;
  second = gen(swap ? a : b, mlir::getElementTypeOrSelf(first.getType()));
  return bool(second);
}

Value MLIRGen::genBinary(const BinaryExpr &e, mlir::Type elemHint) {
  if (e.op >= BinaryOp::Lt)
    return genCompare(e);
  Value lhs, rhs;
  if (!genPair(*e.lhs, *e.rhs, lhs, rhs, elemHint))
    return nullptr;
  mlir::Location l = loc(e.getLoc());
  switch (e.op) {
  case BinaryOp::Add:
    return nn::AddOp::create(builder, l, lhs, rhs);
  case BinaryOp::Sub:
    return nn::SubOp::create(builder, l, lhs, rhs);
  case BinaryOp::Mul:
    return nn::MulOp::create(builder, l, lhs, rhs);
  case BinaryOp::Div:
    return nn::DivOp::create(builder, l, lhs, rhs);
  case BinaryOp::MatMul:
    if (!llvm::isa<mlir::FloatType>(mlir::getElementTypeOrSelf(lhs.getType())))
      return unsupported(e.getLoc(), "'@' of integer tensors");
    return nn::MatmulOp::create(builder, l, lhs, rhs);
  default:
    llvm_unreachable("comparisons handled above");
  }
}

Value MLIRGen::genCall(const CallExpr &call) {
  mlir::Location l = loc(call.getLoc());
  if (call.model)
    return genModelCall(call);
  const std::vector<Expr *> &args = call.resolved;
  auto operand = [&](unsigned i) -> Value { return gen(*args[i]); };
  auto isFloatValue = [](Value v) {
    return llvm::isa<mlir::FloatType>(mlir::getElementTypeOrSelf(v.getType()));
  };

  switch (call.builtin) {
  case Builtin::Relu:
  case Builtin::Gelu:
  case Builtin::Tanh:
  case Builtin::Sigmoid:
  case Builtin::Exp:
  case Builtin::Log:
  case Builtin::Sqrt:
  case Builtin::Rsqrt:
  case Builtin::Abs:
  case Builtin::Neg: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    if (!isFloatValue(x))
      return unsupported(call.getLoc(),
                         "'" + call.callee + "' of an integer tensor");
    switch (call.builtin) {
    case Builtin::Relu:
      return nn::ReluOp::create(builder, l, x);
    case Builtin::Gelu:
      return nn::GeluOp::create(builder, l, x);
    case Builtin::Tanh:
      return nn::TanhOp::create(builder, l, x);
    case Builtin::Sigmoid:
      return nn::SigmoidOp::create(builder, l, x);
    case Builtin::Exp:
      return nn::ExpOp::create(builder, l, x);
    case Builtin::Log:
      return nn::LogOp::create(builder, l, x);
    case Builtin::Sqrt:
      return nn::SqrtOp::create(builder, l, x);
    case Builtin::Rsqrt:
      return nn::RsqrtOp::create(builder, l, x);
    case Builtin::Abs:
      return nn::AbsOp::create(builder, l, x);
    default:
      return nn::NegOp::create(builder, l, x);
    }
  }
  case Builtin::Pow:
  case Builtin::Max:
  case Builtin::Min: {
    bool binary = call.builtin == Builtin::Pow || args[1];
    if (binary) {
      Value a, b;
      if (!genPair(*args[0], *args[1], a, b))
        return nullptr;
      if (call.builtin == Builtin::Pow) {
        if (!isFloatValue(a))
          return unsupported(call.getLoc(), "'pow' of integer tensors");
        return nn::PowOp::create(builder, l, a, b);
      }
      if (call.builtin == Builtin::Max)
        return nn::MaxOp::create(builder, l, a, b);
      return nn::MinOp::create(builder, l, a, b);
    }
    [[fallthrough]];
  }
  case Builtin::Sum:
  case Builtin::Mean: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    int64_t rank = llvm::cast<mlir::RankedTensorType>(x.getType()).getRank();
    llvm::SmallVector<int64_t, 4> axes(call.axes.begin(), call.axes.end());
    bool hasAxis =
        args[call.builtin == Builtin::Max || call.builtin == Builtin::Min ? 2
                                                                          : 1];
    if (!hasAxis)
      for (int64_t i = 0; i < rank; ++i)
        axes.push_back(i);
    auto axesAttr = builder.getDenseI64ArrayAttr(axes);
    auto keep = builder.getBoolAttr(call.keepdims);
    switch (call.builtin) {
    case Builtin::Sum:
      return nn::ReduceSumOp::create(builder, l, x, axesAttr, keep);
    case Builtin::Mean:
      return nn::ReduceMeanOp::create(builder, l, x, axesAttr, keep);
    case Builtin::Max:
      return nn::ReduceMaxOp::create(builder, l, x, axesAttr, keep);
    default:
      return nn::ReduceMinOp::create(builder, l, x, axesAttr, keep);
    }
  }
  case Builtin::Argmax: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    if (!call.axes.empty())
      return nn::ArgmaxOp::create(builder, l, x, uint64_t(call.axes[0]),
                                  call.keepdims);
    // Without an axis: the index into the flattened tensor, as in NumPy.
    auto type = llvm::cast<mlir::RankedTensorType>(x.getType());
    int64_t count = type.hasStaticShape() ? type.getNumElements()
                                          : mlir::ShapedType::kDynamic;
    Value flat = nn::ReshapeOp::create(
        builder, l, mlir::RankedTensorType::get({count}, type.getElementType()),
        x);
    Value index = nn::ArgmaxOp::create(builder, l, flat, uint64_t(0), false);
    if (!call.keepdims)
      return index;
    auto ones = mlir::RankedTensorType::get(
        llvm::SmallVector<int64_t>(type.getRank(), 1), builder.getI64Type());
    return nn::ReshapeOp::create(builder, l, ones, index);
  }
  case Builtin::Softmax:
  case Builtin::LogSoftmax: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    if (call.builtin == Builtin::Softmax)
      return nn::SoftmaxOp::create(builder, l, x, uint64_t(call.axes[0]));
    return nn::LogSoftmaxOp::create(builder, l, x, uint64_t(call.axes[0]));
  }
  case Builtin::Reshape:
  case Builtin::Flatten: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    auto type = tensorType(call.type, call.getLoc());
    if (!type)
      return nullptr;
    if (llvm::count(type.getShape(), mlir::ShapedType::kDynamic) > 1)
      return unsupported(call.getLoc(), "'" + call.callee +
                                            "' to a shape with several "
                                            "dynamic dimensions");
    return nn::ReshapeOp::create(builder, l, type, x);
  }
  case Builtin::Transpose: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    return nn::TransposeOp::create(builder, l, x,
                                   builder.getDenseI64ArrayAttr(call.axes));
  }
  case Builtin::Dense: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    Value w = toCompute(scope.params.lookup(call.params[0].name));
    Value b = call.params.size() > 1
                  ? toCompute(scope.params.lookup(call.params[1].name))
                  : Value();
    return nn::DenseOp::create(builder, l, x, w, b);
  }
  case Builtin::Conv1d:
  case Builtin::Conv2d:
  case Builtin::MaxPool1d:
  case Builtin::MaxPool2d:
  case Builtin::AvgPool1d:
  case Builtin::AvgPool2d:
  case Builtin::GlobalAvgPool:
  case Builtin::AdaptiveAvgPool2d:
  case Builtin::Upsample2d:
    return genWindowLayer(call);
  case Builtin::BatchNorm:
    return genBatchNorm(call);
  case Builtin::Dropout:
    return genDropout(call);
  case Builtin::CrossEntropy:
  case Builtin::Mse:
  case Builtin::BceWithLogits:
  case Builtin::Nll:
  case Builtin::L1Loss:
  case Builtin::Huber:
    return genLoss(call);
  case Builtin::L1:
  case Builtin::L2:
    return genPenalty(call);
  case Builtin::Where:
    return genWhere(call);
  case Builtin::LeakyRelu:
    return genLeakyRelu(call);
  case Builtin::LayerNorm:
    return genLayerNorm(call);
  case Builtin::Embedding:
    return genEmbedding(call);
  case Builtin::Lstm:
  case Builtin::Gru:
    return genRecurrent(call);
  case Builtin::Arange:
    return genArange(call);
  case Builtin::Concat:
    return genConcat(call);
  case Builtin::CastBf16:
  case Builtin::CastF32: {
    Value x = operand(0);
    if (!x)
      return nullptr;
    return castTo(x,
                  call.builtin == Builtin::CastBf16
                      ? mlir::Type(builder.getBF16Type())
                      : mlir::Type(builder.getF32Type()),
                  l);
  }
  default:
    return unsupported(call.getLoc(), "'" + call.callee + "'");
  }
}

mlir::OwningOpRef<mlir::ModuleOp>
deepc::mlirGen(mlir::MLIRContext &context, const ast::Program &program,
               llvm::SourceMgr &sm, const MLIRGenOptions &options) {
  MLIRGen gen(context, sm);
  return gen.run(program, options);
}
