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
// The compiled code's malloc and free go through an allocation guard kept
// in the object (addAllocationGuard): a buffer larger than the machine's
// memory, or one malloc refuses, ends the call with longjmp to its wrapper,
// which frees every buffer the call held and returns 2.
//
//===----------------------------------------------------------------------===//
#include "codegen/AOT.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>

using namespace mlir;

namespace deepc {

// The allocation guard's symbols, all internal to the object.
static constexpr const char *kGuardedMalloc = "__deepc_malloc";
static constexpr const char *kGuardedFree = "__deepc_free";
static constexpr const char *kGuardReleaseAll = "__deepc_release_all";
static constexpr const char *kGuardExit = "__deepc_exit"; ///< jmp_buf *
static constexpr const char *kGuardLive = "__deepc_live"; ///< list head
static constexpr const char *kGuardMemory =
    "__deepc_memory"; ///< bytes, 0: unknown
/// Bytes reserved for a jmp_buf (glibc's: 200 on x86-64, 312 on AArch64).
static constexpr int64_t kJmpBufBytes = 512;
/// Each guarded buffer starts with {prev, next} of the list of live ones.
static constexpr int64_t kHeaderBytes = 16;

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

  /// A new block at the end of the current function.
  Block *newBlock() {
    Region *region = b.getInsertionBlock()->getParent();
    region->push_back(new Block());
    return &region->back();
  }

  /// The address of the global `name`.
  Value addressOf(StringRef name) {
    return LLVM::AddressOfOp::create(b, ptrTy, name);
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

/// A thread-local internal pointer global, initially null.
static void addPointerGlobal(WrapperBuilder &w, StringRef name) {
  ImplicitLocOpBuilder &b = w.b;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(w.module.getBody());
  auto global = LLVM::GlobalOp::create(
      b, w.ptrTy, /*isConstant=*/false, LLVM::Linkage::Internal, name,
      Attribute(), /*alignment=*/8, /*addrSpace=*/0, /*dsoLocal=*/true,
      /*thread_local_=*/true);
  Block *init = b.createBlock(&global.getInitializerRegion());
  b.setInsertionPointToStart(init);
  LLVM::ReturnOp::create(b, ValueRange{LLVM::ZeroOp::create(b, w.ptrTy)});
}

/// Routes the compiled code's malloc and free through guard functions:
///   __deepc_malloc(size): a buffer of more bytes than the machine has, or
///     one malloc refuses, longjmps to *__deepc_exit (set by the wrapper
///     around each call; null outside one, where the null is returned);
///     else a block with a 16-byte header linking it into __deepc_live.
///   __deepc_free(p): unlinks and frees it.
///   __deepc_release_all(): frees every live block (the call was stopped).
/// The object stays dependent on the C library only (sysconf, _setjmp,
/// longjmp). JIT code has its own guard (codegen/JIT.cpp).
static void addAllocationGuard(WrapperBuilder &w) {
  ImplicitLocOpBuilder &b = w.b;
  MLIRContext *ctx = b.getContext();
  Type ptr = w.ptrTy, i64 = w.i64, voidTy = LLVM::LLVMVoidType::get(ctx);
  // Move the compiled code's calls first: the guard's own calls below go
  // to the C library's malloc and free.
  (void)SymbolTable::replaceAllSymbolUses(StringAttr::get(ctx, "malloc"),
                                          StringAttr::get(ctx, kGuardedMalloc),
                                          w.module.getOperation());
  (void)SymbolTable::replaceAllSymbolUses(StringAttr::get(ctx, "free"),
                                          StringAttr::get(ctx, kGuardedFree),
                                          w.module.getOperation());
  auto libMalloc = w.getOrDeclare("malloc", ptr, {i64});
  auto libFree = w.getOrDeclare("free", voidTy, {ptr});
  auto sysconf = w.getOrDeclare("sysconf", i64, {w.i32});
  auto setjmp = w.getOrDeclare("_setjmp", w.i32, {ptr});
  setjmp.setPassthroughAttr(b.getArrayAttr({b.getStringAttr("returns_twice")}));
  auto longjmp = w.getOrDeclare("longjmp", voidTy, {ptr, w.i32});
  longjmp.setPassthroughAttr(b.getArrayAttr({b.getStringAttr("noreturn")}));
  addPointerGlobal(w, kGuardExit);
  addPointerGlobal(w, kGuardLive);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(w.module.getBody());
    LLVM::GlobalOp::create(b, i64, /*isConstant=*/false,
                           LLVM::Linkage::Internal, kGuardMemory,
                           b.getI64IntegerAttr(0), /*alignment=*/8);
  }
  auto ne0 = [&](Value p) {
    return LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ne, p,
                                LLVM::ZeroOp::create(b, ptr));
  };

  // __deepc_malloc(size)
  {
    auto func = w.startFunction(kGuardedMalloc, ptr, {i64});
    func.setLinkage(LLVM::Linkage::Internal);
    Value size = func.getArgument(0);
    // The machine's memory, asked once (sysconf is a system call) and kept
    // in __deepc_memory: _SC_PHYS_PAGES (85) x _SC_PAGESIZE (30), as glibc
    // numbers them; no limit (all ones) if either is unknown.
    Value memorySlot = w.addressOf(kGuardMemory);
    Value cached = LLVM::LoadOp::create(b, i64, memorySlot);
    Block *ask = w.newBlock(), *judge = w.newBlock();
    judge->addArgument(i64, b.getLoc());
    LLVM::CondBrOp::create(
        b,
        LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::eq, cached, w.constI64(0)),
        ask, ValueRange{}, judge, ValueRange{cached});
    b.setInsertionPointToStart(ask);
    Value pages = LLVM::CallOp::create(b, sysconf, ValueRange{w.constI32(85)})
                      .getResult();
    Value pageSize =
        LLVM::CallOp::create(b, sysconf, ValueRange{w.constI32(30)})
            .getResult();
    Value known = LLVM::AndOp::create(
        b,
        LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::sgt, pages, w.constI64(0)),
        LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::sgt, pageSize,
                             w.constI64(0)));
    Value asked = LLVM::SelectOp::create(
        b, known, LLVM::MulOp::create(b, pages, pageSize), w.constI64(-1));
    LLVM::StoreOp::create(b, asked, memorySlot);
    LLVM::BrOp::create(b, ValueRange{asked}, judge);

    b.setInsertionPointToStart(judge);
    Value memory = judge->getArgument(0);
    Block *tryMalloc = w.newBlock(), *refuse = w.newBlock(),
          *link = w.newBlock(), *stop = w.newBlock(), *giveNull = w.newBlock();
    LLVM::CondBrOp::create(
        b, LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ugt, size, memory),
        refuse, tryMalloc);

    b.setInsertionPointToStart(tryMalloc);
    Value raw =
        LLVM::CallOp::create(
            b, libMalloc,
            ValueRange{LLVM::AddOp::create(b, size, w.constI64(kHeaderBytes))})
            .getResult();
    LLVM::CondBrOp::create(b, ne0(raw), link, refuse);

    b.setInsertionPointToStart(refuse);
    Value exit = LLVM::LoadOp::create(b, ptr, w.addressOf(kGuardExit));
    LLVM::CondBrOp::create(b, ne0(exit), stop, giveNull);
    b.setInsertionPointToStart(stop);
    LLVM::CallOp::create(b, longjmp, ValueRange{exit, w.constI32(1)});
    LLVM::UnreachableOp::create(b);
    b.setInsertionPointToStart(giveNull);
    LLVM::ReturnOp::create(b, ValueRange{LLVM::ZeroOp::create(b, ptr)});

    // raw->prev = 0; raw->next = live; if (live) live->prev = raw;
    // live = raw; return raw + 16.
    b.setInsertionPointToStart(link);
    Value liveSlot = w.addressOf(kGuardLive);
    Value head = LLVM::LoadOp::create(b, ptr, liveSlot);
    LLVM::StoreOp::create(b, LLVM::ZeroOp::create(b, ptr), w.wordPtr(raw, 0));
    LLVM::StoreOp::create(b, head, w.wordPtr(raw, 1));
    Value scratch = LLVM::AllocaOp::create(b, ptr, i64, w.constI64(1), 8);
    LLVM::StoreOp::create(
        b, raw,
        LLVM::SelectOp::create(b, ne0(head), w.wordPtr(head, 0), scratch));
    LLVM::StoreOp::create(b, raw, liveSlot);
    LLVM::ReturnOp::create(
        b,
        ValueRange{w.offsetPtr(raw, b.getI8Type(), w.constI64(kHeaderBytes))});
  }

  // __deepc_free(p)
  {
    auto func = w.startFunction(kGuardedFree, voidTy, {ptr});
    func.setLinkage(LLVM::Linkage::Internal);
    Value p = func.getArgument(0);
    Block *unlink = w.newBlock(), *done = w.newBlock();
    LLVM::CondBrOp::create(b, ne0(p), unlink, done);
    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, ValueRange{});
    // prev ? prev->next : live = next; next ? next->prev : scratch = prev.
    b.setInsertionPointToStart(unlink);
    Value header = w.offsetPtr(p, b.getI8Type(), w.constI64(-kHeaderBytes));
    Value prev = LLVM::LoadOp::create(b, ptr, w.wordPtr(header, 0));
    Value next = LLVM::LoadOp::create(b, ptr, w.wordPtr(header, 1));
    Value scratch = LLVM::AllocaOp::create(b, ptr, i64, w.constI64(1), 8);
    LLVM::StoreOp::create(b, next,
                          LLVM::SelectOp::create(b, ne0(prev),
                                                 w.wordPtr(prev, 1),
                                                 w.addressOf(kGuardLive)));
    LLVM::StoreOp::create(
        b, prev,
        LLVM::SelectOp::create(b, ne0(next), w.wordPtr(next, 0), scratch));
    LLVM::CallOp::create(b, libFree, ValueRange{header});
    LLVM::ReturnOp::create(b, ValueRange{});
  }

  // __deepc_release_all(): while (live) { h = live; live = h->next; free(h); }
  {
    auto func = w.startFunction(kGuardReleaseAll, voidTy, {});
    func.setLinkage(LLVM::Linkage::Internal);
    Block *loop = w.newBlock(), *body = w.newBlock(), *done = w.newBlock();
    LLVM::BrOp::create(b, ValueRange{}, loop);
    b.setInsertionPointToStart(loop);
    Value h = LLVM::LoadOp::create(b, ptr, w.addressOf(kGuardLive));
    LLVM::CondBrOp::create(b, ne0(h), body, done);
    b.setInsertionPointToStart(body);
    LLVM::StoreOp::create(b, LLVM::LoadOp::create(b, ptr, w.wordPtr(h, 1)),
                          w.addressOf(kGuardLive));
    LLVM::CallOp::create(b, libFree, ValueRange{h});
    LLVM::BrOp::create(b, ValueRange{}, loop);
    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, ValueRange{});
  }
}

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

  // exit = &jmp_buf; if (_setjmp(exit)) { release all; exit = 0; return 2; }
  Value exitSlot = w.addressOf(kGuardExit);
  Value jmpBuf = LLVM::AllocaOp::create(b, w.ptrTy, b.getI8Type(),
                                        w.constI64(kJmpBufBytes), 16);
  LLVM::StoreOp::create(b, jmpBuf, exitSlot);
  auto setjmp = w.module.lookupSymbol<LLVM::LLVMFuncOp>("_setjmp");
  Value jumped =
      LLVM::CallOp::create(b, setjmp, ValueRange{jmpBuf}).getResult();
  Block *refused = w.newBlock(), *run = w.newBlock();
  LLVM::CondBrOp::create(
      b,
      LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::ne, jumped, w.constI32(0)),
      refused, run);
  b.setInsertionPointToStart(refused);
  LLVM::CallOp::create(
      b, w.module.lookupSymbol<LLVM::LLVMFuncOp>(kGuardReleaseAll),
      ValueRange{});
  LLVM::StoreOp::create(b, LLVM::ZeroOp::create(b, w.ptrTy),
                        w.addressOf(kGuardExit));
  LLVM::ReturnOp::create(b, ValueRange{w.constI32(2)});
  b.setInsertionPointToStart(run);

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
        w.getOrDeclare(kGuardedFree, LLVM::LLVMVoidType::get(b.getContext()),
                       {w.ptrTy}),
        ValueRange{LLVM::IntToPtrOp::create(b, w.ptrTy, toFree)});
    freed.push_back(allocated);
    at += 3 + 2 * rank;
  }
  LLVM::StoreOp::create(b, LLVM::ZeroOp::create(b, w.ptrTy),
                        w.addressOf(kGuardExit));
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
  addAllocationGuard(w);
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
