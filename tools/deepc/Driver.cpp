//===- Driver.cpp - Shared pieces of the deepc subcommands ----------------===//
#include "tools/deepc/Driver.h"

#include "codegen/Pipeline.h"

#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/WithColor.h"

namespace deepc::driver {

llvm::cl::OptionCategory deepcCategory("deepc options");

bool checkNumerics = false;
unsigned threads = 1;

std::string errorPrefix;

int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "deepc")
      << errorPrefix << message << "\n";
  return 1;
}

PipelineOptions jitPipeline() {
  PipelineOptions options;
  options.checkNumerics = checkNumerics;
  options.threads = threads;
  return options;
}

int checkThreads() {
  return threads == 0 ? fail("--threads must be at least 1") : 0;
}

int fail(llvm::Error error) {
  std::string message = llvm::toString(std::move(error));
  return fail(message);
}

std::unique_ptr<Source> loadAndCheck(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (std::error_code ec = buffer.getError()) {
    fail("cannot read '" + path + "': " + ec.message());
    return nullptr;
  }
  auto source = std::make_unique<Source>();
  source->sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  source->program = parseAndCheck(source->sourceMgr);
  if (!source->program)
    return nullptr;
  return source;
}

std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registerDeepcDialects(registry);
  auto context = std::make_unique<mlir::MLIRContext>(registry);
  context->loadAllAvailableDialects();
  return context;
}

MLIRGenOptions everything(const Source &source) {
  MLIRGenOptions options;
  for (const auto &model : source.program->models)
    options.models.push_back(model->name);
  for (const auto &train : source.program->trains)
    options.trains.push_back(train->name);
  return options;
}

mlir::OwningOpRef<mlir::ModuleOp> emitNN(mlir::MLIRContext &context,
                                         Source &source,
                                         const MLIRGenOptions &options,
                                         const TargetModel &target) {
  auto module = mlirGen(context, *source.program, source.sourceMgr, options);
  if (module)
    setTargetModel(*module, target);
  return module;
}

} // namespace deepc::driver
