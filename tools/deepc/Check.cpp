//===- Check.cpp - deepc check --------------------------------------------===//
//
// Parses and type-checks a .nn file, then emits every model and train block
// to the `nn` dialect and derives every training step, without compiling:
// what is accepted here, `deepc compile`, `train` and `predict` accept up to
// the machine (the C ABI's limits, docs/AOT.md, are compile's alone). Some
// errors are only found while emitting (a construct not supported yet, two
// models of a train block with one parameter name); they are reported here
// at their place in the file too.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"

#include "codegen/Pipeline.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand checkCommand("check",
                            "Parse and type-check a .nn file; exit 0 or 1");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"), cl::sub(checkCommand),
                                  cl::cat(deepcCategory));

int runCheck() {
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  auto context = makeContext();
  mlir::SourceMgrDiagnosticHandler diagnostics(source->sourceMgr,
                                               context.get());
  auto module = emitNN(*context, *source, everything(*source));
  if (!module)
    return 1;
  mlir::PassManager pm(context.get());
  buildDeepcPipeline(pm, PipelineOptions::upTo(Stage::Grad));
  return mlir::failed(pm.run(*module)) ? 1 : 0;
}

} // namespace deepc::driver
