//===- JITPlacementTest.cpp - JIT code works wherever its sections land ---===//
//
// The JIT's memory manager maps a module's code, read-only data and
// read-write data (among them the GOT that calls to libc and libm jump
// through) separately, and the OS may put them terabytes apart: under ASan
// it did (docs/HARDENING.md, Findings), and a 32-bit PC-relative reference
// from the code then reached an unmapped address. This test maps every
// section 64 GiB from the previous one and runs code that uses all three
// kinds of reference: a call to libm, a call to malloc and float constants.
//
//===----------------------------------------------------------------------===//
#include "codegen/JIT.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Memory.h"
#include "llvm/Support/Process.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <sys/mman.h>

namespace {

/// Places each mapping 64 GiB above the previous one, from 32 TiB (inside
/// the application range of x86-64 Linux, with or without ASan).
class ScatteringMapper : public llvm::SectionMemoryManager::MemoryMapper {
public:
  std::vector<uintptr_t> starts;

  llvm::sys::MemoryBlock
  allocateMappedMemory(llvm::SectionMemoryManager::AllocationPurpose,
                       size_t numBytes, const llvm::sys::MemoryBlock *const,
                       unsigned, std::error_code &ec) override {
    constexpr uintptr_t base = uintptr_t(32) << 40, stride = uintptr_t(64)
                                                             << 30;
    size_t page = llvm::sys::Process::getPageSizeEstimate();
    size_t size = (numBytes + page - 1) / page * page;
    for (; slot < 1024; ++slot) {
      uintptr_t want = base + slot * stride;
      void *p =
          ::mmap(reinterpret_cast<void *>(want), size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (p == MAP_FAILED)
        continue;
      if (reinterpret_cast<uintptr_t>(p) != want) { // a kernel without the flag
        ::munmap(p, size);
        continue;
      }
      ++slot;
      starts.push_back(want);
      ec = std::error_code();
      return llvm::sys::MemoryBlock(p, size);
    }
    ec = std::make_error_code(std::errc::not_enough_memory);
    return llvm::sys::MemoryBlock();
  }

  std::error_code protectMappedMemory(const llvm::sys::MemoryBlock &block,
                                      unsigned flags) override {
    return llvm::sys::Memory::protectMappedMemory(block, flags);
  }

  std::error_code releaseMappedMemory(llvm::sys::MemoryBlock &block) override {
    return llvm::sys::Memory::releaseMappedMemory(block);
  }

private:
  uintptr_t slot = 0;
};

// out[i] = cosf(in[i]) * 0.75 + 0.5 in a fresh malloc'ed buffer, with the C
// interface the JIT calls (`_mlir_ciface_f(result, argument)`).
const char *kModule = R"mlir(
!desc = !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
llvm.func @malloc(i64) -> !llvm.ptr
llvm.func @cosf(f32) -> f32
llvm.func @_mlir_ciface_f(%res: !llvm.ptr, %arg: !llvm.ptr) {
  %d = llvm.load %arg : !llvm.ptr -> !desc
  %in = llvm.extractvalue %d[1] : !desc
  %n = llvm.extractvalue %d[3, 0] : !desc
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  %c4 = llvm.mlir.constant(4 : i64) : i64
  %bytes = llvm.mul %n, %c4 : i64
  %out = llvm.call @malloc(%bytes) : (i64) -> !llvm.ptr
  llvm.br ^loop(%c0 : i64)
^loop(%i: i64):
  %done = llvm.icmp "sge" %i, %n : i64
  llvm.cond_br %done, ^exit, ^body
^body:
  %pi = llvm.getelementptr %in[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %x = llvm.load %pi : !llvm.ptr -> f32
  %c = llvm.call @cosf(%x) : (f32) -> f32
  %k = llvm.mlir.constant(0.75 : f32) : f32
  %m = llvm.fmul %c, %k : f32
  %h = llvm.mlir.constant(0.5 : f32) : f32
  %y = llvm.fadd %m, %h : f32
  %po = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %y, %po : f32, !llvm.ptr
  %next = llvm.add %i, %c1 : i64
  llvm.br ^loop(%next : i64)
^exit:
  %u = llvm.mlir.undef : !desc
  %s0 = llvm.insertvalue %out, %u[0] : !desc
  %s1 = llvm.insertvalue %out, %s0[1] : !desc
  %s2 = llvm.insertvalue %c0, %s1[2] : !desc
  %s3 = llvm.insertvalue %n, %s2[3, 0] : !desc
  %s4 = llvm.insertvalue %c1, %s3[4, 0] : !desc
  llvm.store %s4, %res : !desc, !llvm.ptr
  llvm.return
}
)mlir";

TEST(JITPlacement, SectionsFarApart) {
  mlir::MLIRContext context;
  context.loadDialect<mlir::LLVM::LLVMDialect>();
  auto module = mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);

  ScatteringMapper mapper;
  auto jit = deepc::JITModule::create(*module, &mapper);
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  deepc::FunctionSpec spec;
  spec.name = "f";
  deepc::ArgSpec arg;
  arg.type = {deepc::DType::F32, {-1}};
  spec.args.push_back(arg);
  deepc::ResultSpec result;
  result.type = {deepc::DType::F32, {-1}};
  spec.results.push_back(result);

  const int n = 37;
  deepc::Tensor x(deepc::DType::F32, {n});
  std::vector<float> xs(n);
  for (int i = 0; i < n; ++i)
    xs[i] = 0.3f * float(i) - 4.0f;
  std::memcpy(x.bytes.data(), xs.data(), n * sizeof(float));
  auto out = (*jit)->call(spec, {&x}); // compiles, links and runs
  // Code and data did land apart, farther than 32-bit offsets reach.
  ASSERT_GE(mapper.starts.size(), 2u);
  EXPECT_GT(mapper.starts.back() - mapper.starts.front(), uintptr_t(1) << 32);
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  ASSERT_EQ(out->size(), 1u);
  ASSERT_EQ((*out)[0].shape, std::vector<int64_t>{n});
  std::vector<float> ys(n);
  std::memcpy(ys.data(), (*out)[0].bytes.data(), n * sizeof(float));
  for (int i = 0; i < n; ++i)
    EXPECT_NEAR(ys[i], std::cos(xs[i]) * 0.75f + 0.5f, 1e-6f) << "i = " << i;
}

} // namespace
