//===- TargetTest.cpp - Target machines and models for other triples -----===//
//
// createTargetMachine(..., triple) and describeTarget for the three triples
// of `deepc compile --target` (codegen/Target.h), and the deepc.target
// attribute of such a model (passes/TargetModel.h).
//
//===----------------------------------------------------------------------===//
#include "codegen/Target.h"

#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

namespace {

deepc::TargetModel describe(llvm::StringRef triple, llvm::StringRef cpu = "",
                            llvm::StringRef features = "") {
  auto tm = deepc::createTargetMachine(cpu, deepc::CodeUse::Object, features,
                                       triple);
  if (!tm) {
    ADD_FAILURE() << llvm::toString(tm.takeError());
    return {};
  }
  return deepc::describeTarget(**tm, cpu, features, triple);
}

TEST(Target, EachTripleHasItsVectors) {
  deepc::TargetModel a64 = describe("aarch64-linux-gnu");
  EXPECT_EQ(a64.triple, "aarch64-unknown-linux-gnu");
  EXPECT_EQ(a64.cpu, "generic");
  EXPECT_EQ(a64.vectorBits, 128);
  EXPECT_EQ(a64.vectorRegisters, 32);

  deepc::TargetModel rv = describe("riscv64-linux-gnu");
  EXPECT_EQ(rv.cpu, "generic-rv64");
  EXPECT_EQ(rv.vectorBits, 0);
  EXPECT_EQ(rv.vectorRegisters, 8);
  EXPECT_EQ(rv.lanes(), 4);

  deepc::TargetModel rvv = describe("riscv64-linux-gnu", "", "+v,+zvl512b");
  EXPECT_EQ(rvv.vectorBits, 512);
  EXPECT_EQ(rvv.vectorRegisters, 32);
  EXPECT_EQ(rvv.lanes(), 16);

  // A named CPU brings its features and its caches.
  deepc::TargetModel x60 = describe("riscv64-linux-gnu", "spacemit-x60");
  EXPECT_EQ(x60.vectorBits, 256);
  deepc::TargetModel n1 = describe("aarch64-linux-gnu", "neoverse-n1");
  EXPECT_EQ(n1.l1Bytes, 64 * 1024);

  deepc::TargetModel x86 = describe("x86_64-linux-gnu", "x86-64-v4");
  EXPECT_EQ(x86.vectorBits, 512);
  EXPECT_EQ(x86.vectorRegisters, 32);
}

TEST(Target, ForeignTriplesAndCpusAreRefused) {
  for (auto [triple, cpu, features, message] :
       {std::tuple{"mips-linux-gnu", "", "", "unsupported target"},
        std::tuple{"aarch64-apple-darwin", "", "", "unsupported target"},
        std::tuple{"aarch64-linux-gnu", "znver4", "", "unknown target CPU"},
        std::tuple{"riscv64-linux-gnu", "", "+neon", "unknown target feature"},
        std::tuple{"riscv64-linux-gnu", "", "v", "malformed target feature"}}) {
    auto tm = deepc::createTargetMachine(cpu, deepc::CodeUse::Object, features,
                                         triple);
    ASSERT_FALSE(tm) << triple << " " << cpu << " " << features;
    EXPECT_NE(llvm::toString(tm.takeError()).find(message), std::string::npos)
        << triple;
  }
}

TEST(Target, AttributeKeepsTheTripleAndScalarTargets) {
  mlir::MLIRContext context;
  deepc::TargetModel rv = describe("riscv64-linux-gnu");
  auto back = deepc::TargetModel::fromAttr(rv.toAttr(&context));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->triple, rv.triple);
  EXPECT_EQ(back->vectorBits, 0);
  // Vectors narrower than 128 bits are no target deepc makes.
  deepc::TargetModel odd = rv;
  odd.vectorBits = 64;
  EXPECT_FALSE(deepc::TargetModel::fromAttr(odd.toAttr(&context)));
}

} // namespace
