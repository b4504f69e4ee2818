//===- JIT.cpp - Running compiled functions in this process ---------------===//
//
// Compiled functions take and return memrefs through MLIR's C interface: a
// descriptor {allocated, aligned, offset, sizes[r], strides[r]} of 64-bit
// words per memref. Results come back through one descriptor struct that
// the caller owns; their buffers were malloc'ed by compiled code and are
// freed here once copied.
//
//===----------------------------------------------------------------------===//
#include "codegen/JIT.h"

#include "codegen/Emit.h"
#include "codegen/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/FormatVariadic.h"

#include <atomic>
#include <cstdlib>

namespace deepc {

void addCInterfaces(mlir::ModuleOp module) {
  mlir::UnitAttr unit = mlir::UnitAttr::get(module.getContext());
  for (auto func : module.getOps<mlir::func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      func->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(), unit);
}

/// The first site `deepc_nonfinite` reported since the last reset, or -1.
/// Compiled code calls it from the thread that runs the call; the atomic
/// keeps the first report should that code ever run on several threads.
static std::atomic<int64_t> firstNonfinite{-1};

/// What code compiled with deepc-check-numerics calls on a NaN or Inf.
extern "C" void deepcNonfinite(int64_t site) {
  int64_t none = -1;
  firstNonfinite.compare_exchange_strong(none, site);
}

llvm::Expected<std::unique_ptr<JITModule>>
JITModule::create(mlir::ModuleOp llvmDialectModule,
                  llvm::SectionMemoryManager::MemoryMapper *mapper) {
  auto tm = createTargetMachine("", CodeUse::JIT);
  if (!tm)
    return tm.takeError();
  registerLLVMTranslations(*llvmDialectModule->getContext());
  dropNNArgAttributes(llvmDialectModule);
  auto optimize = makeOptimizer(tm->get());
  mlir::ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.sectionMemoryMapper = mapper;
  auto engine =
      mlir::ExecutionEngine::create(llvmDialectModule, options, std::move(*tm));
  if (!engine)
    return engine.takeError();
  auto jit = std::make_unique<JITModule>();
  jit->engine = std::move(*engine);
  if (auto sites = llvmDialectModule->getAttrOfType<mlir::ArrayAttr>(
          "deepc.numerics_sites")) {
    for (auto site : sites.getAsValueRange<mlir::StringAttr>())
      jit->numericsSites.push_back(site.str());
    jit->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
      llvm::orc::SymbolMap symbols;
      symbols[interner("deepc_nonfinite")] = {
          llvm::orc::ExecutorAddr::fromPtr(&deepcNonfinite),
          llvm::JITSymbolFlags::Exported};
      return symbols;
    });
  }
  jit->engine->initialize();
  return jit;
}

/// The descriptor words of a contiguous row-major memref over `t`.
static void appendDescriptor(std::vector<int64_t> &words, const Tensor &t) {
  auto ptr = reinterpret_cast<int64_t>(t.bytes.data());
  words.push_back(ptr);
  words.push_back(ptr);
  words.push_back(0);
  for (int64_t d : t.shape)
    words.push_back(d);
  int64_t stride = 1;
  std::vector<int64_t> strides(t.shape.size());
  for (size_t i = t.shape.size(); i-- > 0;) {
    strides[i] = stride;
    stride *= t.shape[i];
  }
  words.insert(words.end(), strides.begin(), strides.end());
}

llvm::Expected<std::vector<Tensor>>
JITModule::call(const FunctionSpec &spec, llvm::ArrayRef<const Tensor *> args) {
  if (args.size() != spec.args.size())
    return llvm::createStringError(
        llvm::formatv("@{0} takes {1} arguments, got {2}", spec.name,
                      spec.args.size(), args.size())
            .str());

  // One descriptor per argument; pointers to them go in the packed list.
  std::vector<std::vector<int64_t>> argWords(args.size());
  std::vector<void *> descriptorPtrs(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    appendDescriptor(argWords[i], *args[i]);
    descriptorPtrs[i] = argWords[i].data();
  }
  // The results come back in one struct of descriptors.
  size_t resultWords = 0;
  for (const ResultSpec &r : spec.results)
    resultWords += 3 + 2 * r.type.shape.size();
  std::vector<int64_t> results(resultWords, 0);
  void *resultPtr = results.data();

  llvm::SmallVector<void *> packed;
  if (!spec.results.empty())
    packed.push_back(&resultPtr);
  for (void *&p : descriptorPtrs)
    packed.push_back(&p);
  firstNonfinite = -1;
  if (llvm::Error err =
          engine->invokePacked("_mlir_ciface_" + spec.name, packed))
    return std::move(err);
  int64_t site = firstNonfinite.exchange(-1);

  std::vector<Tensor> out;
  llvm::SmallPtrSet<void *, 4> allocations;
  const int64_t *w = results.data();
  for (const ResultSpec &result : spec.results) {
    const TensorSpec &r = result.type;
    size_t rank = r.shape.size();
    auto *allocated = reinterpret_cast<char *>(w[0]);
    auto *aligned = reinterpret_cast<char *>(w[1]);
    int64_t offset = w[2];
    std::vector<int64_t> sizes(w + 3, w + 3 + rank);
    Tensor t(r.dtype, sizes);
    // Identity layouts at function boundaries make results contiguous.
    std::memcpy(t.bytes.data(), aligned + offset * dtypeSize(r.dtype),
                t.bytes.size());
    out.push_back(std::move(t));
    // 0xdeadbeef marks a constant global's descriptor: nothing to free.
    if (allocated && reinterpret_cast<intptr_t>(allocated) != 0xdeadbeef)
      allocations.insert(allocated);
    w += 3 + 2 * rank;
  }
  for (void *p : allocations)
    std::free(p);
  if (site >= 0) {
    std::string where = size_t(site) < numericsSites.size()
                            ? numericsSites[site]
                            : "site " + std::to_string(site);
    return llvm::createStringError(
        llvm::formatv("{0} produced a NaN or Inf (the first in this call of "
                      "@{1}; --check-numerics)",
                      where, spec.name)
            .str());
  }
  return out;
}

} // namespace deepc
