//===- JITResultTest.cpp - How results leave JIT code ---------------------===//
//
// A result in a buffer of its own is handed to the caller as it is, not
// copied (the new weights and optimizer state of every training step);
// results that share a buffer are copied and the buffer freed once; and an
// adopted buffer outlives a later call that the memory guard stops
// (codegen/JIT.cpp).
//
//===----------------------------------------------------------------------===//
#include "codegen/JIT.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

namespace {

// own(x: f32[n], where: i64[1]) -> f32[n]: mallocs n floats, writes 2.0
// first and 3.0 last, stores the buffer's address in where[0], returns it.
// shared(x: f32[n]) -> (f32[n], f32[n]): one malloc'd buffer (1.0 first,
// 5.0 last) returned twice.
const char *kModule = R"mlir(
!desc = !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
!two = !llvm.struct<(!desc, !desc)>
llvm.func @malloc(i64) -> !llvm.ptr
llvm.func @fill(%n: i64, %first: f32, %last: f32) -> !desc {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  %c4 = llvm.mlir.constant(4 : i64) : i64
  %bytes = llvm.mul %n, %c4 : i64
  %out = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
  llvm.store %first, %out : f32, !llvm.ptr
  %end = llvm.sub %n, %c1 : i64
  %pl = llvm.getelementptr %out[%end] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %last, %pl : f32, !llvm.ptr
  %u = llvm.mlir.undef : !desc
  %s0 = llvm.insertvalue %out, %u[0] : !desc
  %s1 = llvm.insertvalue %out, %s0[1] : !desc
  %s2 = llvm.insertvalue %c0, %s1[2] : !desc
  %s3 = llvm.insertvalue %n, %s2[3, 0] : !desc
  %s4 = llvm.insertvalue %c1, %s3[4, 0] : !desc
  llvm.return %s4 : !desc
}
llvm.func @_mlir_ciface_own(%res: !llvm.ptr, %x: !llvm.ptr, %where: !llvm.ptr) {
  %d = llvm.load %x : !llvm.ptr -> !desc
  %n = llvm.extractvalue %d[3, 0] : !desc
  %two = llvm.mlir.constant(2.0 : f32) : f32
  %three = llvm.mlir.constant(3.0 : f32) : f32
  %r = llvm.call @fill(%n, %two, %three) : (i64, f32, f32) -> !desc
  %buf = llvm.extractvalue %r[0] : !desc
  %addr = llvm.ptrtoint %buf : !llvm.ptr to i64
  %w = llvm.load %where : !llvm.ptr -> !desc
  %wp = llvm.extractvalue %w[1] : !desc
  llvm.store %addr, %wp : i64, !llvm.ptr
  llvm.store %r, %res : !desc, !llvm.ptr
  llvm.return
}
llvm.func @_mlir_ciface_shared(%res: !llvm.ptr, %x: !llvm.ptr) {
  %d = llvm.load %x : !llvm.ptr -> !desc
  %n = llvm.extractvalue %d[3, 0] : !desc
  %one = llvm.mlir.constant(1.0 : f32) : f32
  %five = llvm.mlir.constant(5.0 : f32) : f32
  %r = llvm.call @fill(%n, %one, %five) : (i64, f32, f32) -> !desc
  %u = llvm.mlir.undef : !two
  %t0 = llvm.insertvalue %r, %u[0] : !two
  %t1 = llvm.insertvalue %r, %t0[1] : !two
  llvm.store %t1, %res : !two, !llvm.ptr
  llvm.return
}
)mlir";

deepc::TensorSpec vector(deepc::DType dtype, int64_t n) { return {dtype, {n}}; }

struct JITResult : ::testing::Test {
  void SetUp() override {
    context.loadDialect<mlir::LLVM::LLVMDialect>();
    module = mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
    ASSERT_TRUE(module);
    auto created = deepc::JITModule::create(*module);
    ASSERT_TRUE(static_cast<bool>(created))
        << llvm::toString(created.takeError());
    jit = std::move(*created);

    own.name = "own";
    deepc::ArgSpec x, where;
    x.type = vector(deepc::DType::F32, -1);
    where.type = vector(deepc::DType::I64, 1);
    own.args = {x, where};
    deepc::ResultSpec r;
    r.type = vector(deepc::DType::F32, -1);
    own.results = {r};

    shared.name = "shared";
    shared.args = {x};
    shared.results = {r, r};
  }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<deepc::JITModule> jit;
  deepc::FunctionSpec own, shared;
};

TEST_F(JITResult, AResultInItsOwnBufferIsNotCopied) {
  deepc::Tensor x(deepc::DType::F32, {5}), where(deepc::DType::I64, {1});
  auto out = jit->call(own, {&x, &where});
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  const deepc::Tensor &r = (*out)[0];
  ASSERT_EQ(r.shape, std::vector<int64_t>{5});
  EXPECT_EQ(reinterpret_cast<intptr_t>(r.data<float>()),
            static_cast<intptr_t>(where.data<int64_t>()[0]));
  EXPECT_EQ(r.data<float>()[0], 2.0f);
  EXPECT_EQ(r.data<float>()[4], 3.0f);

  // The adopted buffer stays the caller's through a call the memory guard
  // stops (which frees what the code held), and a copy of it is a copy.
  deepc::Tensor huge; // 2^40 floats: only the shape matters to the code
  huge.shape = {int64_t(1) << 40};
  auto refused = jit->call(own, {&huge, &where});
  ASSERT_FALSE(static_cast<bool>(refused));
  llvm::consumeError(refused.takeError());
  EXPECT_EQ(r.data<float>()[0], 2.0f);
  EXPECT_EQ(r.data<float>()[4], 3.0f);
  deepc::Tensor copy = r;
  EXPECT_NE(copy.data<float>(), r.data<float>());
  EXPECT_EQ(copy.bytes, r.bytes);
}

TEST_F(JITResult, ResultsThatShareABufferAreCopied) {
  deepc::Tensor x(deepc::DType::F32, {3});
  auto out = jit->call(shared, {&x});
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_NE((*out)[0].data<float>(), (*out)[1].data<float>());
  for (const deepc::Tensor &t : *out) {
    EXPECT_EQ(t.data<float>()[0], 1.0f);
    EXPECT_EQ(t.data<float>()[2], 5.0f);
  }
}

} // namespace
