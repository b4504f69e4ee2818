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
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/FormatVariadic.h"

#include <atomic>
#include <csetjmp>
#include <cstdlib>
#include <malloc.h>
#include <unistd.h>

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

// Compiled code allocates its buffers with malloc: sizes follow the batch
// and can exceed the memory (a huge batch, an outer product of wide
// inputs). malloc then returns null and the code would write through it,
// or the kernel's overcommit grants the memory and kills the process when
// it is touched. So JIT code calls the functions below instead: they keep
// the bytes the compiled code holds within the machine's memory and, if a
// buffer does not fit, leave the compiled code with longjmp to the
// JITModule::call that called it, which frees the buffers the code held
// and returns an error. Compiled code holds no locks and runs no
// destructors, so nothing else is skipped.
namespace {
struct AllocationGuard {
  std::jmp_buf *exit = nullptr; ///< set while JITModule::call runs code
  uint64_t held = 0;            ///< bytes of the compiled code's buffers
  uint64_t refused = 0;         ///< the size that did not fit
  llvm::DenseSet<void *> live;  ///< the compiled code's buffers
};
thread_local AllocationGuard guard;

uint64_t physicalMemory() {
  static const uint64_t bytes = [] {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? uint64_t(pages) * uint64_t(size)
                                 : UINT64_MAX;
  }();
  return bytes;
}

[[noreturn]] void refuse(uint64_t bytes) {
  guard.refused = bytes;
  std::longjmp(*guard.exit, 1);
}

/// Whether `bytes` more fit beside what the compiled code holds.
bool fits(uint64_t bytes) {
  uint64_t memory = physicalMemory();
  return bytes <= memory && guard.held <= memory - bytes;
}

void *track(void *p, uint64_t bytes) {
  if (!p && bytes && guard.exit)
    refuse(bytes);
  if (p) {
    guard.held += malloc_usable_size(p);
    guard.live.insert(p);
  }
  return p;
}

/// Frees what compiled code left when it was stopped.
void freeLive() {
  for (void *p : guard.live)
    std::free(p);
  guard.live.clear();
  guard.held = 0;
}
} // namespace

extern "C" void *deepcMalloc(size_t bytes) {
  if (guard.exit && !fits(bytes))
    refuse(bytes);
  return track(std::malloc(bytes), bytes);
}

extern "C" void *deepcCalloc(size_t count, size_t size) {
  uint64_t bytes;
  if (__builtin_mul_overflow(uint64_t(count), uint64_t(size), &bytes))
    bytes = UINT64_MAX;
  if (guard.exit && !fits(bytes))
    refuse(bytes);
  return track(std::calloc(count, size), bytes);
}

extern "C" void *deepcAlignedAlloc(size_t alignment, size_t bytes) {
  if (guard.exit && !fits(bytes))
    refuse(bytes);
  return track(std::aligned_alloc(alignment, bytes), bytes);
}

extern "C" void deepcFree(void *p) {
  if (!p)
    return;
  uint64_t size = malloc_usable_size(p);
  guard.held -= std::min(guard.held, size);
  guard.live.erase(p);
  std::free(p);
}

/// Runs a packed function; false if a buffer did not fit (guard.refused).
/// No object with a destructor lives in this frame: longjmp lands here.
static bool runGuarded(void (*fn)(void **), void **args) {
  std::jmp_buf exit;
  guard.exit = &exit;
  guard.refused = 0;
  if (setjmp(exit)) {
    guard.exit = nullptr;
    return false;
  }
  fn(args);
  guard.exit = nullptr;
  return true;
}

static std::string gigabytes(uint64_t bytes) {
  return llvm::formatv("{0:F1} GB", double(bytes) / 1e9).str();
}

/// Whether `module` holds OpenMP ops (compiled with --threads > 1).
static bool usesOpenMP(mlir::ModuleOp module) {
  bool found = false;
  module.walk([&](mlir::Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "omp") {
      found = true;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return found;
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
  // Code compiled for several threads calls the OpenMP runtime.
  llvm::SmallVector<llvm::StringRef, 1> libraries;
  if (usesOpenMP(llvmDialectModule)) {
#ifdef DEEPC_LIBOMP_PATH
    libraries.push_back(DEEPC_LIBOMP_PATH);
    // A thread that waits at a barrier yields its core by default; on a
    // machine where other processes wake often, one of them then holds the
    // core for a time slice, and two threads ran up to 5x slower than one
    // (docs/ARCHITECTURE.md, Threads). Yield only when there are more
    // threads than cores, unless the user chose. Read when libomp starts.
    setenv("KMP_USE_YIELD", "2", /*overwrite=*/0);
#else
    return llvm::createStringError(
        "this code runs on several threads (--threads), but deepc was built "
        "without the OpenMP runtime (libomp-22-dev)");
#endif
  }
  options.sharedLibPaths = libraries;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.sectionMemoryMapper = mapper;
  auto engine =
      mlir::ExecutionEngine::create(llvmDialectModule, options, std::move(*tm));
  if (!engine)
    return engine.takeError();
  auto jit = std::make_unique<JITModule>();
  jit->engine = std::move(*engine);
  jit->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto bind = [&](llvm::StringRef name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    bind("malloc", &deepcMalloc);
    bind("calloc", &deepcCalloc);
    bind("aligned_alloc", &deepcAlignedAlloc);
    bind("free", &deepcFree);
    return symbols;
  });
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
  // The JIT compiles a module when one of its symbols is first looked up.
  // Look up every entry point now, so the machine code is made here and
  // not inside the first call: compile times then hold LLVM's share, and
  // a training epoch's time holds training alone.
  std::vector<std::string> entries;
  llvmDialectModule.walk([&](mlir::LLVM::LLVMFuncOp func) {
    llvm::StringRef name = func.getName();
    if (!func.isExternal() && name.consume_front("_mlir_ciface_"))
      entries.push_back(name.str());
  });
  for (const std::string &name : entries) {
    auto found = jit->engine->lookupPacked("_mlir_ciface_" + name);
    if (!found)
      return found.takeError();
    jit->entryPoints[name] = *found;
  }
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
  void (*&function)(void **) = entryPoints[spec.name];
  if (!function) {
    auto found = engine->lookupPacked("_mlir_ciface_" + spec.name);
    if (!found)
      return found.takeError();
    function = *found;
  }
  if (!runGuarded(function, packed.data())) {
    uint64_t memory = physicalMemory(), held = guard.held;
    freeLive();
    return llvm::createStringError(
        llvm::formatv("@{0} needs a buffer of {1}{2}, more than this "
                      "machine's memory ({3}); a smaller batch or smaller "
                      "layers may fit",
                      spec.name,
                      guard.refused == UINT64_MAX ? "more than 2^64 bytes"
                                                  : gigabytes(guard.refused),
                      held >= 100000000
                          ? " beside the " + gigabytes(held) + " it holds"
                          : std::string(),
                      gigabytes(memory))
            .str());
  }
  int64_t site = firstNonfinite.exchange(-1);

  // A result whose buffer the code allocated and no other result shares is
  // handed over as it is (a step's new parameters and optimizer state, each
  // step); the others are copied, then their buffers freed.
  const int64_t *w = results.data();
  llvm::DenseMap<void *, unsigned> uses;
  for (const ResultSpec &result : spec.results) {
    ++uses[reinterpret_cast<void *>(w[0])];
    w += 3 + 2 * result.type.shape.size();
  }
  std::vector<Tensor> out;
  llvm::SmallPtrSet<void *, 4> allocations;
  w = results.data();
  for (const ResultSpec &result : spec.results) {
    const TensorSpec &r = result.type;
    size_t rank = r.shape.size();
    auto *allocated = reinterpret_cast<char *>(w[0]);
    auto *aligned = reinterpret_cast<char *>(w[1]);
    int64_t offset = w[2];
    Tensor t;
    t.dtype = r.dtype;
    t.shape.assign(w + 3, w + 3 + rank);
    // Identity layouts at function boundaries make results contiguous.
    char *first = aligned + offset * dtypeSize(r.dtype);
    size_t size = static_cast<size_t>(t.numel()) * dtypeSize(r.dtype);
    if (allocated && uses[allocated] == 1 && guard.live.erase(allocated)) {
      guard.held -= std::min<uint64_t>(guard.held,
                                       malloc_usable_size(allocated));
      t.bytes = Bytes::adopt(first, size, allocated, std::free);
    } else {
      t.bytes.assign(first, first + size);
      // 0xdeadbeef marks a constant global's descriptor: nothing to free.
      if (allocated && reinterpret_cast<intptr_t>(allocated) != 0xdeadbeef)
        allocations.insert(allocated);
    }
    out.push_back(std::move(t));
    w += 3 + 2 * rank;
  }
  for (void *p : allocations)
    deepcFree(p);
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
