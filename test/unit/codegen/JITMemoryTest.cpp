//===- JITMemoryTest.cpp - Buffers of JIT code beyond the memory ----------===//
//
// Compiled code mallocs buffers whose sizes follow its inputs. One larger
// than the machine's memory must make JITModule::call return an error, not
// hand the code a null pointer to write through (codegen/JIT.cpp).
//
//===----------------------------------------------------------------------===//
#include "codegen/JIT.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cstring>

namespace {

// f(x: f32[n]) -> f32[n * n]: mallocs 4 n^2 bytes, writes 1.0 at both ends
// and returns the buffer (sizes n * n, stride 1).
const char *kModule = R"mlir(
!desc = !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
llvm.func @malloc(i64) -> !llvm.ptr
llvm.func @_mlir_ciface_f(%res: !llvm.ptr, %arg: !llvm.ptr) {
  %d = llvm.load %arg : !llvm.ptr -> !desc
  %n = llvm.extractvalue %d[3, 0] : !desc
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  %c4 = llvm.mlir.constant(4 : i64) : i64
  %nn = llvm.mul %n, %n : i64
  %bytes = llvm.mul %nn, %c4 : i64
  %out = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
  %one = llvm.mlir.constant(1.0 : f32) : f32
  llvm.store %one, %out : f32, !llvm.ptr
  %last = llvm.sub %nn, %c1 : i64
  %pl = llvm.getelementptr %out[%last] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %one, %pl : f32, !llvm.ptr
  %u = llvm.mlir.undef : !desc
  %s0 = llvm.insertvalue %out, %u[0] : !desc
  %s1 = llvm.insertvalue %out, %s0[1] : !desc
  %s2 = llvm.insertvalue %c0, %s1[2] : !desc
  %s3 = llvm.insertvalue %nn, %s2[3, 0] : !desc
  %s4 = llvm.insertvalue %c1, %s3[4, 0] : !desc
  llvm.store %s4, %res : !desc, !llvm.ptr
  llvm.return
}
)mlir";

TEST(JITMemory, ABufferBeyondTheMemoryIsAnError) {
  mlir::MLIRContext context;
  context.loadDialect<mlir::LLVM::LLVMDialect>();
  auto module = mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  auto jit = deepc::JITModule::create(*module);
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  deepc::FunctionSpec spec;
  spec.name = "f";
  deepc::ArgSpec arg;
  arg.type = {deepc::DType::F32, {-1}};
  spec.args.push_back(arg);
  deepc::ResultSpec result;
  result.type = {deepc::DType::F32, {-1}};
  spec.results.push_back(result);

  // 3 x 3 floats: fine, and both ends were written.
  deepc::Tensor small(deepc::DType::F32, {3});
  auto out = (*jit)->call(spec, {&small});
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  ASSERT_EQ((*out)[0].shape, std::vector<int64_t>{9});
  EXPECT_EQ((*out)[0].data<float>()[0], 1.0f);
  EXPECT_EQ((*out)[0].data<float>()[8], 1.0f);

  // 4 x 10^12 bytes (10^6 x 10^6 floats): no machine has that.
  deepc::Tensor wide(deepc::DType::F32, {1000000});
  auto refused = (*jit)->call(spec, {&wide});
  ASSERT_FALSE(static_cast<bool>(refused));
  std::string message = llvm::toString(refused.takeError());
  EXPECT_EQ(message.rfind("@f needs a buffer of 4000.0 GB, more than this "
                          "machine's memory (",
                          0),
            0u)
      << message;

  // The module still works after a refused call.
  auto again = (*jit)->call(spec, {&small});
  ASSERT_TRUE(static_cast<bool>(again)) << llvm::toString(again.takeError());
  EXPECT_EQ((*again)[0].data<float>()[8], 1.0f);
}

} // namespace
