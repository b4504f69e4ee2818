//===- ReportCollect.cpp - What the --report page shows, from the pipeline ===//
//
// The pipeline runs one stage at a time (the stages of codegen/Pipeline.h,
// each built by buildDeepcPipeline, so the page shows exactly what
// `--emit=STAGE` prints), under a PassInstrumentation that times each pass
// and counts the module's ops after it. After each stage the module is
// printed with its locations inline, so every op line ends in the `.nn`
// lines it came from. The assembly is emitted with line tables (`.loc`)
// from those same locations.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Report.h"

#include "codegen/Emit.h"

#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/ViewOpGraph.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;

namespace deepc::driver {

namespace {
/// Times each pass and counts the module's ops after it, in the order the
/// passes first run. A pass nested on functions runs once per function:
/// its times add up and its size is the module's after the last one.
class PassRecorder : public PassInstrumentation {
public:
  PassRecorder(std::vector<ReportPass> &passes) : passes(passes) {}
  std::string stage;

  void runBeforePass(Pass *pass, Operation *) override {
    started[pass] = std::chrono::steady_clock::now();
  }
  void runAfterPass(Pass *pass, Operation *op) override { record(pass, op); }
  void runAfterPassFailed(Pass *pass, Operation *op) override {
    record(pass, op);
  }

private:
  void record(Pass *pass, Operation *op) {
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - started[pass])
                         .count();
    // The adaptors that run nested pipelines have no flag; the passes
    // inside them are recorded themselves.
    if (pass->getArgument().empty())
      return;
    auto [it, inserted] = index.try_emplace(pass, passes.size());
    if (inserted)
      passes.push_back({stage, pass->getArgument().str(), 0, 0});
    ReportPass &r = passes[it->second];
    r.seconds += seconds;
    Operation *module =
        isa<ModuleOp>(op) ? op : op->getParentOfType<ModuleOp>();
    uint64_t ops = 0;
    module->walk([&](Operation *) { ++ops; });
    r.ops = ops - 1; // Not the module itself.
  }

  std::vector<ReportPass> &passes;
  llvm::DenseMap<Pass *, std::chrono::steady_clock::time_point> started;
  llvm::DenseMap<Pass *, size_t> index;
};
} // namespace

/// Whether `loc` names a line of a file.
static bool hasFileLine(Location loc) {
  bool found = false;
  loc->walk([&](Location l) {
    if (isa<FileLineColLoc>(l))
      found = true;
    return found ? WalkResult::interrupt() : WalkResult::advance();
  });
  return found;
}

/// Prints `module` with inline locations into a stage record.
static ReportStage printStage(llvm::StringRef name, ModuleOp module) {
  ReportStage stage;
  stage.name = name.str();
  module->walk([&](Operation *op) {
    if (op == module.getOperation())
      return;
    ++stage.ops;
    // A declaration (malloc, a libm function) is no code of the source.
    auto fn = dyn_cast<FunctionOpInterface>(op);
    if (!hasFileLine(op->getLoc()) && !(fn && fn.isExternal()))
      ++stage.opsWithoutLoc;
  });
  OpPrintingFlags flags;
  flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  llvm::raw_string_ostream os(stage.text);
  module->print(os, flags);
  return stage;
}

/// The lines of the `.nn` file that `loc` names.
static std::vector<unsigned> locLines(Location loc) {
  std::vector<unsigned> lines;
  loc->walk([&](Location l) {
    if (auto file = dyn_cast<FileLineColLoc>(l))
      if (!llvm::is_contained(lines, file.getLine()))
        lines.push_back(file.getLine());
    return WalkResult::advance();
  });
  return lines;
}

/// One layered graph per function of the `nn` stage: its arguments and the
/// ops of its body, an edge from each value's producer to each user.
static std::vector<ReportGraph> drawGraphs(ModuleOp module) {
  std::vector<ReportGraph> graphs;
  for (Operation &fn : module.getBody()->getOperations()) {
    if (fn.getNumRegions() != 1 || fn.getRegion(0).empty())
      continue;
    ReportGraph graph;
    if (auto name = fn.getAttrOfType<StringAttr>("sym_name"))
      graph.function = name.str();
    Block &body = fn.getRegion(0).front();
    llvm::DenseMap<Value, unsigned> producer;
    for (BlockArgument arg : body.getArguments()) {
      producer[arg] = graph.nodes.size();
      graph.nodes.push_back({"%arg" + std::to_string(arg.getArgNumber()),
                             locLines(arg.getLoc()), 0});
    }
    for (Operation &op : body.getOperations()) {
      ReportGraphNode node{op.getName().getStringRef().str(),
                           locLines(op.getLoc()), 0};
      unsigned id = graph.nodes.size();
      // Operands defined inside nested regions are not drawn.
      for (Value operand : op.getOperands()) {
        auto it = producer.find(operand);
        if (it == producer.end())
          continue;
        graph.edges.push_back({it->second, id});
        node.layer = std::max(node.layer, graph.nodes[it->second].layer + 1);
      }
      for (Value result : op.getResults())
        producer[result] = id;
      graph.nodes.push_back(std::move(node));
    }
    graphs.push_back(std::move(graph));
  }
  return graphs;
}

llvm::Expected<CompileReport>
collectCompileReport(ModuleOp module, llvm::StringRef sourceName,
                     llvm::StringRef source, const PipelineOptions &options,
                     llvm::TargetMachine &tm) {
  MLIRContext *context = module->getContext();
  // The recorder's maps are not shared between threads.
  context->disableMultithreading();
  CompileReport report;
  report.sourceName = sourceName.str();
  report.source = source.str();
  report.stages.push_back(printStage("nn", module));
  report.graphs = drawGraphs(module);
  {
    llvm::raw_string_ostream os(report.dot);
    PassManager dotPM(context);
    dotPM.addPass(createPrintOpGraphPass(os));
    OwningOpRef<ModuleOp> copy = module.clone();
    if (failed(dotPM.run(*copy)))
      return llvm::createStringError("drawing the graph failed");
  }

  static constexpr std::pair<Stage, const char *> stages[] = {
      {Stage::Grad, "grad"},
      {Stage::Linalg, "linalg"},
      {Stage::Fused, "fused"},
      {Stage::Tiled, "tiled"},
      {Stage::Bufferized, "bufferized"},
      {Stage::LLVM, "llvm"}};
  auto recorder = std::make_unique<PassRecorder>(report.passes);
  PassRecorder *rec = recorder.get();
  for (auto [stage, name] : stages) {
    if (stage > options.last)
      break;
    PipelineOptions one = options;
    one.first = one.last = stage;
    PassManager pm(context);
    buildDeepcPipeline(pm, one);
    rec->stage = name;
    // One recorder across the stages: the pass manager owns it, so each
    // stage's gets a forwarding instance.
    struct Forward : PassInstrumentation {
      PassRecorder *to;
      Forward(PassRecorder *to) : to(to) {}
      void runBeforePass(Pass *p, Operation *op) override {
        to->runBeforePass(p, op);
      }
      void runAfterPass(Pass *p, Operation *op) override {
        to->runAfterPass(p, op);
      }
      void runAfterPassFailed(Pass *p, Operation *op) override {
        to->runAfterPassFailed(p, op);
      }
    };
    pm.addInstrumentation(std::make_unique<Forward>(rec));
    if (failed(pm.run(module)))
      return llvm::createStringError(
          ("the " + llvm::Twine(name) + " stage failed").str());
    report.stages.push_back(printStage(name, module));
  }
  if (options.last != Stage::LLVM)
    return report;

  // The assembly, with a line table: each instruction follows the `.loc`
  // of the op it came from.
  OwningOpRef<ModuleOp> copy = module.clone();
  PassManager scopes(context);
  scopes.addPass(LLVM::createDIScopeForLLVMFuncOpPass());
  if (failed(scopes.run(*copy)))
    return llvm::createStringError("adding debug scopes failed");
  llvm::LLVMContext llvmContext;
  auto llvmModule = translateAndOptimize(*copy, llvmContext, tm);
  if (!llvmModule)
    return llvmModule.takeError();
  ReportStage assembly;
  assembly.name = "asm";
  {
    llvm::SmallString<0> text;
    llvm::raw_svector_ostream os(text);
    if (llvm::Error err = emitMachineCode(**llvmModule, tm, os,
                                          /*object=*/false))
      return std::move(err);
    assembly.text = text.str().str();
  }
  report.stages.push_back(std::move(assembly));
  return report;
}

llvm::Expected<CompileReport>
buildCompileReport(Source &source, const MLIRGenOptions &genOptions,
                   const PipelineOptions &options, llvm::TargetMachine &tm,
                   const TargetModel &target) {
  auto context = makeContext();
  SourceMgrDiagnosticHandler diagnostics(source.sourceMgr, context.get());
  auto module = emitNN(*context, source, genOptions, target);
  if (!module)
    return llvm::createStringError("the report's module was not emitted");
  const llvm::MemoryBuffer *buffer =
      source.sourceMgr.getMemoryBuffer(source.sourceMgr.getMainFileID());
  return collectCompileReport(*module, buffer->getBufferIdentifier(),
                              buffer->getBuffer(), options, tm);
}

} // namespace deepc::driver
