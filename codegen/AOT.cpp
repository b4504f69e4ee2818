//===- AOT.cpp - The C ABI wrappers of deepc compile -o -------------------===//
//
// Each wrapper checks its pointers and n, builds one memref descriptor
// ({allocated, aligned, offset, sizes[r], strides[r]}, 64-bit words) per
// argument of the compiled function, pointing into the caller's buffers
// (parameters and state at their offsets in the flat buffers), calls
// `_mlir_ciface_NAME`, copies each result descriptor's data to where the
// caller wants it and frees the buffers the compiled code malloc'ed (once
// each: two results may share one; 0xdeadbeef marks a constant global).
//
//===----------------------------------------------------------------------===//
#include "codegen/AOT.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>

using namespace mlir;

namespace deepc {

int64_t FlatTensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Lays out the arguments of `role` back to back; errors for what a flat
/// float buffer cannot hold.
static llvm::Error layOut(const FunctionSpec &spec, Role role,
                          std::vector<FlatTensor> &out, int64_t &count) {
  count = 0;
  for (const ArgSpec &arg : spec.args) {
    if (arg.kind != role)
      continue;
    if (arg.type.dtype != DType::F32 || llvm::is_contained(arg.type.shape, -1))
      return llvm::createStringError(
          llvm::formatv("@{0}: '{1}' is {2}; the C ABI takes static f32 "
                        "parameters and state",
                        spec.name, arg.name, arg.type.str())
              .str());
    if (arg.type.shape.size() > 8)
      return llvm::createStringError("@" + spec.name + ": '" + arg.name +
                                     "' has rank > 8");
    FlatTensor t{arg.name, count, arg.type.shape};
    count += t.numel();
    out.push_back(std::move(t));
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<AOTEntry>> describeAOT(ModuleOp gradModule) {
  std::vector<AOTEntry> entries;
  for (auto func : gradModule.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    auto spec = getFunctionSpec(func);
    if (!spec)
      return spec.takeError();
    AOTEntry entry;
    entry.spec = std::move(*spec);
    entry.isTrain = func->hasAttr("nn.autodiff");
    if (auto train = func->getAttrOfType<DictionaryAttr>("nn.train"))
      if (auto opt = train.getAs<StringAttr>("optimizer"))
        entry.optimizer = opt.str();
    // bf16 storage has no C ABI yet: say so before any other complaint.
    for (const ArgSpec &arg : entry.spec.args)
      if (arg.type.dtype == DType::BF16)
        return llvm::createStringError(
            llvm::formatv("@{0}: '{1}' is {2}; the C ABI of deepc compile "
                          "has no bf16 yet (docs/AOT.md): train and run bf16 "
                          "models with deepc train/predict",
                          entry.spec.name, arg.name, arg.type.str())
                .str());
    if (llvm::Error err =
            layOut(entry.spec, Role::Param, entry.params, entry.paramCount))
      return std::move(err);
    if (llvm::Error err =
            layOut(entry.spec, Role::State, entry.state, entry.stateCount))
      return std::move(err);
    for (const ArgSpec &arg : entry.spec.args) {
      bool cType = arg.type.dtype == DType::F32 ||
                   arg.type.dtype == DType::I32 || arg.type.dtype == DType::I64;
      if (arg.kind == Role::Input && !cType)
        return llvm::createStringError(
            llvm::formatv("@{0}: input '{1}' is {2}, which the C ABI does not "
                          "take (f32, i32 or i64)",
                          entry.spec.name, arg.name, arg.type.str())
                .str());
    }
    for (const ResultSpec &r : entry.spec.results)
      if (r.type.dtype == DType::BF16 || r.type.dtype == DType::Bool)
        return llvm::createStringError(
            llvm::formatv("@{0}: a result is {1}, which the C ABI does not "
                          "return",
                          entry.spec.name, r.type.str())
                .str());
    entries.push_back(std::move(entry));
  }
  return entries;
}

namespace {
/// Builds one wrapper function in the LLVM dialect.
class WrapperBuilder {
public:
  WrapperBuilder(ModuleOp module, ImplicitLocOpBuilder &b)
      : module(module), b(b), ptrTy(LLVM::LLVMPointerType::get(b.getContext())),
        i64(b.getI64Type()), i32(b.getI32Type()) {}

  Value constI64(int64_t v) { return LLVM::ConstantOp::create(b, i64, v); }
  Value constI32(int64_t v) { return LLVM::ConstantOp::create(b, i32, v); }

  /// `base` advanced by `count` elements of `elemTy`.
  Value offsetPtr(Value base, Type elemTy, Value count) {
    return LLVM::GEPOp::create(b, ptrTy, elemTy, base,
                               ArrayRef<LLVM::GEPArg>{count});
  }
  Value wordPtr(Value words, int64_t index) {
    return LLVM::GEPOp::create(b, ptrTy, i64, words,
                               ArrayRef<LLVM::GEPArg>{int32_t(index)});
  }
  Value loadWord(Value words, int64_t index) {
    return LLVM::LoadOp::create(b, i64, wordPtr(words, index));
  }

  /// A descriptor (in `words`) of a contiguous memref at `data` of shape
  /// `shape`, its dynamic dimensions `n`.
  void fillDescriptor(Value words, Value data, llvm::ArrayRef<int64_t> shape,
                      Value n) {
    LLVM::StoreOp::create(b, data, wordPtr(words, 0));
    LLVM::StoreOp::create(b, data, wordPtr(words, 1));
    LLVM::StoreOp::create(b, constI64(0), wordPtr(words, 2));
    size_t rank = shape.size();
    Value stride = constI64(1);
    for (size_t i = rank; i-- > 0;) {
      Value size = shape[i] < 0 ? n : constI64(shape[i]);
      LLVM::StoreOp::create(b, size, wordPtr(words, 3 + i));
      LLVM::StoreOp::create(b, stride, wordPtr(words, 3 + rank + i));
      stride = LLVM::MulOp::create(b, stride, size);
    }
  }

  /// An alloca of `count` 64-bit words.
  Value allocaWords(int64_t count) {
    return LLVM::AllocaOp::create(b, ptrTy, i64, constI64(count), 8);
  }

  LLVM::LLVMFuncOp getOrDeclare(StringRef name, Type result,
                                ArrayRef<Type> args) {
    if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return f;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    return LLVM::LLVMFuncOp::create(b, name,
                                    LLVM::LLVMFunctionType::get(result, args));
  }

  /// A new external function `name` returning `result`, with its entry
  /// block as the insertion point.
  LLVM::LLVMFuncOp startFunction(StringRef name, Type result,
                                 ArrayRef<Type> args) {
    b.setInsertionPointToEnd(module.getBody());
    auto func = LLVM::LLVMFuncOp::create(
        b, name, LLVM::LLVMFunctionType::get(result, args));
    Block *entry = func.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    return func;
  }

  /// Returns 1 from the current function where `bad` holds; continues in a
  /// new block otherwise.
  void returnIfBad(Value bad) {
    Block *current = b.getInsertionBlock();
    Region *region = current->getParent();
    Block *fail = new Block(), *ok = new Block();
    region->push_back(fail);
    region->push_back(ok);
    LLVM::CondBrOp::create(b, bad, fail, ok);
    b.setInsertionPointToStart(fail);
    LLVM::ReturnOp::create(b, ValueRange{constI32(1)});
    b.setInsertionPointToStart(ok);
  }

  Value isNull(Value p) {
    return LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::eq, p,
                                LLVM::ZeroOp::create(b, ptrTy));
  }
  Value orOf(Value a, Value c) { return LLVM::OrOp::create(b, a, c); }

  ModuleOp module;
  ImplicitLocOpBuilder &b;
  Type ptrTy, i64, i32;
};
} // namespace

static int64_t elementBytes(DType t) {
  return t == DType::F64 || t == DType::I64 ? 8 : 4;
}

/// Where a result of the step goes: a pointer, or null to drop it.
using ResultSink = std::function<Value(size_t)>;

/// Calls `_mlir_ciface_NAME` with `descriptors` and hands each result to
/// `sink` (copy, then free the compiled code's buffers). Returns 0.
static void callAndCollect(WrapperBuilder &w, const FunctionSpec &spec,
                           ArrayRef<Value> descriptors,
                           const ResultSink &sink) {
  ImplicitLocOpBuilder &b = w.b;
  auto callee =
      w.module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" + spec.name);
  int64_t resultWords = 0;
  for (const ResultSpec &r : spec.results)
    resultWords += 3 + 2 * int64_t(r.type.shape.size());
  SmallVector<Value> operands;
  Value results;
  if (resultWords) {
    results = w.allocaWords(resultWords);
    operands.push_back(results);
  }
  operands.append(descriptors.begin(), descriptors.end());
  LLVM::CallOp::create(b, callee, operands);

  Value marker = w.constI64(0xdeadbeef);
  SmallVector<Value> freed;
  int64_t at = 0;
  for (size_t j = 0; j < spec.results.size(); ++j) {
    const TensorSpec &type = spec.results[j].type;
    int64_t rank = type.shape.size();
    Value allocated = w.loadWord(results, at);
    Value aligned =
        LLVM::LoadOp::create(b, w.ptrTy, w.wordPtr(results, at + 1));
    Value offset = w.loadWord(results, at + 2);
    Value bytes = w.constI64(elementBytes(type.dtype));
    for (int64_t d = 0; d < rank; ++d)
      bytes = LLVM::MulOp::create(b, bytes, w.loadWord(results, at + 3 + d));
    if (Value dst = sink(j)) {
      Value src = w.offsetPtr(
          aligned, b.getIntegerType(8 * elementBytes(type.dtype)), offset);
      LLVM::MemcpyOp::create(b, dst, src, bytes, /*isVolatile=*/false);
    }
    // free(allocated) unless a constant's marker or freed already.
    Value fresh =
        LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ne, allocated, marker);
    for (Value earlier : freed)
      fresh = LLVM::AndOp::create(
          b, fresh,
          LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ne, allocated, earlier));
    Value toFree = LLVM::SelectOp::create(b, fresh, allocated, w.constI64(0));
    LLVM::CallOp::create(
        b,
        w.getOrDeclare("free", LLVM::LLVMVoidType::get(b.getContext()),
                       {w.ptrTy}),
        ValueRange{LLVM::IntToPtrOp::create(b, w.ptrTy, toFree)});
    freed.push_back(allocated);
    at += 3 + 2 * rank;
  }
  LLVM::ReturnOp::create(b, ValueRange{w.constI32(0)});
}

/// `NAME_count(void)` returning `value`.
static void addCount(WrapperBuilder &w, StringRef name, int64_t value) {
  w.startFunction(name, w.i64, {});
  LLVM::ReturnOp::create(w.b, ValueRange{w.constI64(value)});
}

/// `m_forward(params, inputs..., n, outs...)`.
static void addForward(WrapperBuilder &w, const AOTEntry &e) {
  const FunctionSpec &spec = e.spec;
  SmallVector<Type> types{w.ptrTy};
  int numInputs = 0;
  for (const ArgSpec &a : spec.args)
    numInputs += a.kind == Role::Input;
  types.append(numInputs, w.ptrTy);
  types.push_back(w.i64);
  types.append(spec.results.size(), w.ptrTy);
  auto func = w.startFunction(spec.name + "_forward", w.i32, types);
  ImplicitLocOpBuilder &b = w.b;
  auto args = func.getArguments();
  Value n = args[1 + numInputs];
  Value bad =
      LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::sle, n, w.constI64(0));
  for (BlockArgument arg : args)
    if (arg != n)
      bad = w.orOf(bad, w.isNull(arg));
  w.returnIfBad(bad);

  SmallVector<Value> descriptors;
  int input = 0, param = 0;
  for (const ArgSpec &a : spec.args) {
    Value words = w.allocaWords(3 + 2 * a.type.shape.size());
    Value data = a.kind == Role::Input
                     ? args[1 + input++]
                     : w.offsetPtr(args[0], b.getF32Type(),
                                   w.constI64(e.params[param++].offset));
    w.fillDescriptor(words, data, a.type.shape, n);
    descriptors.push_back(words);
  }
  callAndCollect(w, spec, descriptors,
                 [&](size_t j) { return args[2 + numInputs + j]; });
}

/// `t_step(params, state, inputs..., n, lr, loss)`.
static void addStep(WrapperBuilder &w, const AOTEntry &e) {
  const FunctionSpec &spec = e.spec;
  SmallVector<Type> types{w.ptrTy, w.ptrTy};
  int numInputs = 0;
  for (const ArgSpec &a : spec.args)
    numInputs += a.kind == Role::Input;
  types.append(numInputs, w.ptrTy);
  types.append({w.i64, w.b.getF32Type(), w.ptrTy});
  auto func = w.startFunction(spec.name + "_step", w.i32, types);
  ImplicitLocOpBuilder &b = w.b;
  auto args = func.getArguments();
  Value params = args[0], state = args[1], n = args[2 + numInputs],
        lr = args[3 + numInputs], loss = args[4 + numInputs];
  Value bad =
      LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::sle, n, w.constI64(0));
  for (int i = 0; i < 2 + numInputs; ++i)
    if (i != 1 || e.stateCount)
      bad = w.orOf(bad, w.isNull(args[i]));
  bad = w.orOf(bad, w.isNull(loss));
  w.returnIfBad(bad);

  auto lookup = [&](const std::vector<FlatTensor> &list,
                    StringRef name) -> int64_t {
    for (const FlatTensor &t : list)
      if (t.name == name)
        return t.offset;
    return -1;
  };
  SmallVector<Value> descriptors;
  int input = 0;
  for (const ArgSpec &a : spec.args) {
    Value words = w.allocaWords(3 + 2 * a.type.shape.size());
    Value data;
    if (a.kind == Role::Input) {
      data = args[2 + input++];
    } else if (a.kind == Role::LearningRate) {
      data =
          LLVM::AllocaOp::create(b, w.ptrTy, b.getF32Type(), w.constI64(1), 4);
      LLVM::StoreOp::create(b, lr, data);
    } else {
      bool isParam = a.kind == Role::Param;
      data =
          w.offsetPtr(isParam ? params : state, b.getF32Type(),
                      w.constI64(lookup(isParam ? e.params : e.state, a.name)));
    }
    w.fillDescriptor(words, data, a.type.shape, n);
    descriptors.push_back(words);
  }
  callAndCollect(w, spec, descriptors, [&](size_t j) -> Value {
    const ResultSpec &r = spec.results[j];
    if (r.role == Role::Loss)
      return loss;
    if (r.role != Role::Param && r.role != Role::State)
      return nullptr;
    bool isParam = r.role == Role::Param;
    return w.offsetPtr(
        isParam ? params : state, b.getF32Type(),
        w.constI64(lookup(isParam ? e.params : e.state, r.name)));
  });
}

llvm::Error addAOTWrappers(ModuleOp module, ArrayRef<AOTEntry> entries) {
  // Everything compiled so far becomes internal: only the C ABI is exported.
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal())
      func.setLinkage(LLVM::Linkage::Internal);
  for (auto global : module.getOps<LLVM::GlobalOp>())
    if ((global.getValueOrNull() || !global.getInitializerRegion().empty()) &&
        global.getLinkage() != LLVM::Linkage::Private)
      global.setLinkage(LLVM::Linkage::Internal);

  ImplicitLocOpBuilder b(module.getLoc(), module.getContext());
  WrapperBuilder w(module, b);
  for (const AOTEntry &e : entries) {
    if (!module.lookupSymbol<LLVM::LLVMFuncOp>("_mlir_ciface_" + e.spec.name))
      return llvm::createStringError("no C interface for @" + e.spec.name);
    if (e.isTrain) {
      addCount(w, e.spec.name + "_param_count", e.paramCount);
      addCount(w, e.spec.name + "_state_count", e.stateCount);
      addStep(w, e);
    } else {
      addCount(w, e.spec.name + "_param_count", e.paramCount);
      addForward(w, e);
    }
  }
  addAOTInits(module, entries);
  return llvm::Error::success();
}

} // namespace deepc
