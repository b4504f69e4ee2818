//===- AOTInit.cpp - NAME_init_params of the C ABI ------------------------===//
//
// The object computes the same initial parameters as the driver
// (runtime/Init.cpp): element i of the parameter that is argument k of the
// model is drawn from Philox4x32-10 with counter (i, k) and key `seed`, made
// a double in (0, 1) from 53 bits, and mapped by the parameter's init (the
// same double arithmetic in the same order; log and cos from libm). Two
// internal loops per model, `NAME__init_uniform` and `NAME__init_normal`,
// take (dst, count, a, b, seed, stream); the exported function calls one
// per parameter with the init's arguments computed here, as the driver
// computes them.
//
//===----------------------------------------------------------------------===//
#include "codegen/AOT.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>

using namespace mlir;

namespace deepc {

namespace {
/// The init of one parameter as a loop and its two arguments.
struct InitCall {
  bool normal = false;
  double a = 0, b = 0;
};
} // namespace

/// The driver's initParam, reduced to uniform(a, b) or normal(a, b).
static InitCall initCall(const ArgSpec &arg) {
  llvm::ArrayRef<int64_t> shape = arg.type.shape;
  int64_t fanIn = 1, fanOut = 1;
  if (shape.size() == 1) {
    fanIn = fanOut = shape[0];
  } else if (shape.size() >= 2) {
    int64_t receptive = 1;
    for (int64_t d : shape.drop_front(2))
      receptive *= d;
    fanIn = shape[1] * receptive;
    fanOut = shape[0] * receptive;
  }
  const std::vector<double> &args = arg.initArgs;
  double a = args.empty() ? 0.0 : args[0], b = args.empty() ? 1.0 : args[1];
  if (arg.init == "zeros" || arg.init == "ones") {
    // lo + (hi - lo) * u with lo == hi is exactly lo.
    double c = arg.init == "ones" ? 1.0 : 0.0;
    return {false, c, c};
  }
  if (arg.init == "uniform")
    return {false, a, b};
  if (arg.init == "normal")
    return {true, a, b};
  if (arg.init == "glorot_uniform") {
    double bound = std::sqrt(6.0 / double(fanIn + fanOut));
    return {false, -bound, bound};
  }
  return {true, 0.0, std::sqrt(2.0 / double(fanIn))};
}

/// The four 32-bit words of Philox4x32-10 for counter (index, stream)
/// under key seed.
static std::array<Value, 4> philox(ImplicitLocOpBuilder &b, Value index,
                                   Value stream, Value seed) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto c64 = [&](uint64_t v) -> Value {
    return LLVM::ConstantOp::create(b, i64, int64_t(v));
  };
  auto c32 = [&](uint32_t v) -> Value {
    return LLVM::ConstantOp::create(b, i32, int64_t(int32_t(v)));
  };
  auto lo = [&](Value v) -> Value { return LLVM::TruncOp::create(b, i32, v); };
  auto hi = [&](Value v) -> Value {
    return lo(LLVM::LShrOp::create(b, v, c64(32)));
  };
  std::array<Value, 4> ctr = {lo(index), hi(index), lo(stream), hi(stream)};
  Value key0 = lo(seed), key1 = hi(seed);
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 = LLVM::AddOp::create(b, key0, c32(0x9E3779B9));
      key1 = LLVM::AddOp::create(b, key1, c32(0xBB67AE85));
    }
    Value p0 = LLVM::MulOp::create(b, c64(0xD2511F53),
                                   LLVM::ZExtOp::create(b, i64, ctr[0]));
    Value p1 = LLVM::MulOp::create(b, c64(0xCD9E8D57),
                                   LLVM::ZExtOp::create(b, i64, ctr[2]));
    Value w0 =
        LLVM::XOrOp::create(b, LLVM::XOrOp::create(b, hi(p1), ctr[1]), key0);
    Value w2 =
        LLVM::XOrOp::create(b, LLVM::XOrOp::create(b, hi(p0), ctr[3]), key1);
    ctr = {w0, lo(p1), w2, lo(p0)};
  }
  return ctr;
}

/// (double(((hi << 32) | lo) >> 11) + 0.5) * 2^-53, in (0, 1).
static Value toUnit(ImplicitLocOpBuilder &b, Value hi, Value lo) {
  Type i64 = b.getI64Type(), f64 = b.getF64Type();
  Value bits = LLVM::OrOp::create(
      b,
      LLVM::ShlOp::create(b, LLVM::ZExtOp::create(b, i64, hi),
                          LLVM::ConstantOp::create(b, i64, 32)),
      LLVM::ZExtOp::create(b, i64, lo));
  bits = LLVM::LShrOp::create(b, bits, LLVM::ConstantOp::create(b, i64, 11));
  Value d = LLVM::UIToFPOp::create(b, f64, bits);
  d = LLVM::FAddOp::create(
      b, d, LLVM::ConstantOp::create(b, f64, b.getF64FloatAttr(0.5)));
  return LLVM::FMulOp::create(
      b, d, LLVM::ConstantOp::create(b, f64, b.getF64FloatAttr(0x1p-53)));
}

/// `name(dst, count, a, b, seed, stream)`: dst[i] = float(a + (b - a) * u_i)
/// or, for `normal`, float(a + b * z_i) (Box-Muller).
static LLVM::LLVMFuncOp addFill(ModuleOp module, ImplicitLocOpBuilder &b,
                                StringRef name, bool normal) {
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx), i64 = b.getI64Type(),
       f64 = b.getF64Type(), f32 = b.getF32Type();
  b.setInsertionPointToEnd(module.getBody());
  auto func = LLVM::LLVMFuncOp::create(
      b, name,
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                  {ptr, i64, f64, f64, i64, i64}),
      LLVM::Linkage::Internal);
  Block *entry = func.addEntryBlock(b);
  Region &body = func.getBody();
  Block *header = new Block(), *loop = new Block(), *exit = new Block();
  body.push_back(header);
  body.push_back(loop);
  body.push_back(exit);
  Value dst = entry->getArgument(0), count = entry->getArgument(1),
        a = entry->getArgument(2), bArg = entry->getArgument(3),
        seed = entry->getArgument(4), stream = entry->getArgument(5);

  b.setInsertionPointToStart(entry);
  LLVM::BrOp::create(b, ValueRange{LLVM::ConstantOp::create(b, i64, 0)},
                     header);
  Value i = header->addArgument(i64, b.getLoc());
  b.setInsertionPointToStart(header);
  Value more = LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::slt, i, count);
  LLVM::CondBrOp::create(b, more, loop, exit);

  b.setInsertionPointToStart(loop);
  std::array<Value, 4> w = philox(b, i, stream, seed);
  Value u1 = toUnit(b, w[0], w[1]);
  Value v;
  if (normal) {
    Value u2 = toUnit(b, w[2], w[3]);
    Value minus2 = LLVM::ConstantOp::create(b, f64, b.getF64FloatAttr(-2.0));
    Value twoPi =
        LLVM::ConstantOp::create(b, f64, b.getF64FloatAttr(2.0 * M_PI));
    Value r = LLVM::SqrtOp::create(
        b, LLVM::FMulOp::create(b, minus2, LLVM::LogOp::create(b, u1)));
    Value z = LLVM::FMulOp::create(
        b, r, LLVM::CosOp::create(b, LLVM::FMulOp::create(b, twoPi, u2)));
    v = LLVM::FAddOp::create(b, a, LLVM::FMulOp::create(b, bArg, z));
  } else {
    Value width = LLVM::FSubOp::create(b, bArg, a);
    v = LLVM::FAddOp::create(b, a, LLVM::FMulOp::create(b, width, u1));
  }
  Value at = LLVM::GEPOp::create(b, ptr, f32, dst, ArrayRef<LLVM::GEPArg>{i});
  LLVM::StoreOp::create(b, LLVM::FPTruncOp::create(b, f32, v), at);
  LLVM::BrOp::create(b,
                     ValueRange{LLVM::AddOp::create(
                         b, i, LLVM::ConstantOp::create(b, i64, 1))},
                     header);
  b.setInsertionPointToStart(exit);
  LLVM::ReturnOp::create(b, ValueRange{});
  return func;
}

void addAOTInits(ModuleOp module, llvm::ArrayRef<AOTEntry> entries) {
  ImplicitLocOpBuilder b(module.getLoc(), module.getContext());
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx), i64 = b.getI64Type(),
       f64 = b.getF64Type(), f32 = b.getF32Type();
  for (const AOTEntry &e : entries) {
    if (e.isTrain)
      continue;
    const std::string &m = e.spec.name;
    LLVM::LLVMFuncOp fills[2] = {
        addFill(module, b, m + "__init_uniform", false),
        addFill(module, b, m + "__init_normal", true)};
    b.setInsertionPointToEnd(module.getBody());
    auto func = LLVM::LLVMFuncOp::create(
        b, m + "_init_params",
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptr, i64}));
    Block *entry = func.addEntryBlock(b);
    Block *fill = new Block(), *done = new Block();
    func.getBody().push_back(fill);
    func.getBody().push_back(done);
    Value params = entry->getArgument(0), seed = entry->getArgument(1);
    b.setInsertionPointToStart(entry);
    Value null = LLVM::ICmpOp::create(b, LLVM::ICmpPredicate::eq, params,
                                      LLVM::ZeroOp::create(b, ptr));
    LLVM::CondBrOp::create(b, null, done, fill);
    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, ValueRange{});

    b.setInsertionPointToStart(fill);
    size_t p = 0;
    for (size_t k = 0; k < e.spec.args.size(); ++k) {
      const ArgSpec &arg = e.spec.args[k];
      if (arg.kind != Role::Param)
        continue;
      const FlatTensor &t = e.params[p++];
      InitCall call = initCall(arg);
      Value offset = LLVM::ConstantOp::create(b, i64, t.offset);
      Value dst = LLVM::GEPOp::create(b, ptr, f32, params,
                                      ArrayRef<LLVM::GEPArg>{offset});
      LLVM::CallOp::create(
          b, fills[call.normal],
          ValueRange{
              dst, LLVM::ConstantOp::create(b, i64, t.numel()),
              LLVM::ConstantOp::create(b, f64, b.getF64FloatAttr(call.a)),
              LLVM::ConstantOp::create(b, f64, b.getF64FloatAttr(call.b)), seed,
              LLVM::ConstantOp::create(b, i64, int64_t(k))});
    }
    LLVM::ReturnOp::create(b, ValueRange{});
  }
}

} // namespace deepc
