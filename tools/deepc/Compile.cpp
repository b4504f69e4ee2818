//===- Compile.cpp - deepc compile ----------------------------------------===//
//
// Prints one stage of the compiler (--emit=STAGE; --emit=dot draws the `nn`
// stage, or with --train the step after autodiff, as a Graphviz graph), or
// writes an object file with the C ABI of every model and train block (and,
// with --header, its C header; codegen/AOT.h, docs/AOT.md).
// Output goes to a ToolOutputFile, which is deleted unless the whole
// compilation succeeded: a failure never leaves a half-written file.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Report.h"
#include "tools/deepc/Subcommands.h"

#include "codegen/AOT.h"
#include "codegen/Emit.h"
#include "codegen/JIT.h"
#include "codegen/Pipeline.h"
#include "codegen/Target.h"
#include "runtime/AtomicFile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/ViewOpGraph.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCAsmInfo.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand compileCommand(
    "compile", "Compile a .nn file: print a stage (--emit) or write an object");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"),
                                  cl::sub(compileCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string> output("o",
                                   cl::desc("Output file ('-' for stdout)"),
                                   cl::value_desc("file"), cl::init(""),
                                   cl::sub(compileCommand),
                                   cl::cat(deepcCategory));
static cl::opt<std::string>
    emit("emit",
         cl::desc("Stage to print: ast, nn, grad, linalg, fused, tiled, "
                  "bufferized, llvm, llvm-ir, asm, obj, or dot (the nn "
                  "graph, the step's with --train, for Graphviz)"),
         cl::value_desc("stage"), cl::init(""), cl::sub(compileCommand),
         cl::cat(deepcCategory));
static cl::opt<std::string> header("header",
                                   cl::desc("C header to write (with -o F.o)"),
                                   cl::value_desc("file"), cl::init(""),
                                   cl::sub(compileCommand),
                                   cl::cat(deepcCategory));
static cl::list<std::string>
    models("model", cl::desc("Compile only this model"), cl::value_desc("name"),
           cl::sub(compileCommand), cl::cat(deepcCategory));
static cl::list<std::string>
    trains("train",
           cl::desc("Compile this train block (its step from --emit=grad "
                    "on); without --model, only the train blocks"),
           cl::value_desc("name"), cl::sub(compileCommand),
           cl::cat(deepcCategory));
static cl::opt<bool> printAfterAll("print-ir-after-all",
                                   cl::desc("Print the IR after every pass"),
                                   cl::sub(compileCommand),
                                   cl::cat(deepcCategory));
static cl::list<std::string>
    printAfter("print-ir-after",
               cl::desc("Print the IR after the named pass (its flag, e.g. "
                        "one-shot-bufferize)"),
               cl::value_desc("pass"), cl::sub(compileCommand),
               cl::cat(deepcCategory));
static cl::opt<std::string>
    targetTriple("target",
                 cl::desc("Target triple of the machine code (default: this "
                          "host): x86_64-linux-gnu, aarch64-linux-gnu or "
                          "riscv64-linux-gnu (docs/AOT.md, Other machines)"),
                 cl::value_desc("triple"), cl::init(""),
                 cl::sub(compileCommand), cl::cat(deepcCategory));
static cl::opt<std::string>
    mcpu("mcpu",
         cl::desc("Target CPU of the machine code (default: this host's CPU "
                  "and all its features, or with --target the triple's "
                  "baseline), e.g. x86-64-v3, neoverse-n1, sifive-u74"),
         cl::value_desc("name"), cl::init(""), cl::sub(compileCommand),
         cl::cat(deepcCategory));
static cl::opt<std::string>
    mattr("mattr",
          cl::desc("Target features to add or remove, comma-separated "
                   "LLVM names (e.g. -avx512f or +avx2,+fma; +sve; +v), on "
                   "top of --mcpu's or this host's"),
          cl::value_desc("+a,-b"), cl::init(""), cl::sub(compileCommand),
          cl::cat(deepcCategory));
static cl::opt<std::string>
    lib("lib",
        cl::desc("Write a library instead of an object: static (-o M.a) or "
                 "shared (-o M.so, linked by $CC or cc)"),
        cl::value_desc("static|shared"), cl::init(""), cl::sub(compileCommand),
        cl::cat(deepcCategory));
static cl::opt<bool> timing("timing", cl::desc("Time each pass"),
                            cl::sub(compileCommand), cl::cat(deepcCategory));
static cl::opt<unsigned> threadsFlag(
    "threads",
    cl::desc("Print the code that train, eval, predict and bench run with "
             "--threads T: large matmuls split across T OpenMP threads "
             "(--emit only; objects run on one thread)"),
    cl::init(1), cl::sub(compileCommand), cl::cat(deepcCategory));
static cl::opt<std::string>
    reportPath("report",
               cl::desc("Write an HTML report: the source, every stage with "
                        "each op linked to its line, per-pass times, the "
                        "graph (docs/REPORT.md)"),
               cl::value_desc("file.html"), cl::init(""),
               cl::sub(compileCommand), cl::cat(deepcCategory));
static cl::opt<bool>
    debugInfo("mlir-print-debuginfo",
              cl::desc("Print locations (into the .nn file) with the IR"),
              cl::sub(compileCommand), cl::cat(deepcCategory));

namespace {
/// What `--emit` can name beyond the pipeline's stages.
enum class Output { AST, IR, LLVMIR, Asm, Object };
} // namespace

/// The C compiler that links --lib shared: `cc` for this host, Debian's
/// cross compiler (aarch64-linux-gnu-gcc, ...) for --target.
static std::string sharedLinker() {
  if (targetTriple.empty())
    return "cc";
  return (llvm::Triple(llvm::Triple::normalize(targetTriple)).getArchName() +
          "-linux-gnu-gcc")
      .str();
}

/// The first line of --emit=asm: what the decisions were made for, as an
/// assembler comment.
static void writeTargetComment(llvm::raw_ostream &os,
                               const llvm::TargetMachine &tm,
                               const TargetModel &model) {
  os << tm.getMCAsmInfo()->getCommentString() << " " << kTargetAttrName
     << ": triple " << model.triple << ", cpu " << model.cpu << ", features '"
     << model.features << "', " << model.vectorBits << "-bit vectors x "
     << model.vectorRegisters << " registers, L1 " << model.l1Bytes
     << " B, L2 " << model.l2Bytes << " B, L3 " << model.l3Bytes << " B\n";
}

int runCompile() {
  std::string emitName = emit;
  // --report alone writes the report and nothing else.
  bool reportOnly = !reportPath.empty() && emitName.empty() && output.empty();
  if (emitName.empty() && !reportOnly) {
    if (output.empty())
      return fail("deepc compile needs --emit=STAGE, -o FILE.o or "
                  "--report FILE.html");
    emitName = "obj";
  }
  if (reportOnly)
    emitName = "nn"; // Checked like --emit=nn, then not printed.
  Output kind = llvm::StringSwitch<Output>(emitName)
                    .Case("ast", Output::AST)
                    .Case("llvm-ir", Output::LLVMIR)
                    .Case("asm", Output::Asm)
                    .Case("obj", Output::Object)
                    .Default(Output::IR);
  // --emit=dot draws the ops a user wrote: a model's as the frontend emits
  // them, a train block's step as autodiff derives it.
  bool dot = emitName == "dot";
  std::optional<Stage> stage = parseStage(emitName);
  if (dot)
    stage = trains.empty() ? Stage::NN : Stage::Grad;
  if (kind == Output::IR && !stage)
    return fail("unknown stage '" + emitName +
                "' for --emit (expected ast, nn, grad, linalg, fused, tiled, "
                "bufferized, llvm, llvm-ir, asm, obj or dot)");
  if (!header.empty() && kind != Output::Object)
    return fail("--header goes with an object file (-o FILE.o)");
  if (kind == Output::Object && (output.empty() || output == "-"))
    return fail("an object file needs -o FILE.o");
  if (!lib.empty() && lib != "static" && lib != "shared")
    return fail("unknown library kind '" + lib +
                "' for --lib (expected static or shared)");
  threads = threadsFlag;
  if (checkThreads())
    return 1;
  if (threads > 1 && kind == Output::Object)
    return fail("an object runs on one thread (docs/AOT.md); --threads "
                "goes with --emit");
  if (!lib.empty() && kind != Output::Object)
    return fail("--lib goes with an object (-o M.a or -o M.so), not --emit=" +
                emitName);

  // The machine the code is for: every decision of the pipeline reads it
  // (deepc.target, passes/TargetModel.h).
  auto tm = createTargetMachine(mcpu, CodeUse::Object, mattr, targetTriple);
  if (!tm)
    return fail(tm.takeError());

  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;

  if (!reportPath.empty()) {
    removeStaleTemporaries(reportPath);
    MLIRGenOptions genOptions;
    genOptions.models.assign(models.begin(), models.end());
    genOptions.trains.assign(trains.begin(), trains.end());
    if (models.empty() && trains.empty())
      genOptions = everything(*source);
    PipelineOptions options;
    options.threads = threads;
    auto report =
        buildCompileReport(*source, genOptions, options, **tm,
                           describeTarget(**tm, mcpu, mattr, targetTriple));
    if (!report)
      return fail(report.takeError());
    if (llvm::Error err = writeReport(reportPath, *report, nullptr))
      return fail(std::move(err));
    if (reportOnly)
      return 0;
  }

  std::string error;
  std::string outName = output.empty() ? "-" : output.getValue();
  auto openOutput = [&]() -> std::unique_ptr<llvm::ToolOutputFile> {
    auto file = mlir::openOutputFile(outName, &error);
    if (!file)
      fail(error);
    return file;
  };

  if (kind == Output::AST) {
    auto file = openOutput();
    if (!file)
      return 1;
    printAST(*source->program, file->os());
    file->keep();
    return 0;
  }

  // Machine code (an object, or its assembly or LLVM IR, which show the
  // same code) holds the C ABI of every model and train block.
  bool machine = kind != Output::IR;
  auto context = makeContext();
  mlir::SourceMgrDiagnosticHandler diagnostics(source->sourceMgr,
                                               context.get());
  MLIRGenOptions genOptions;
  genOptions.models.assign(models.begin(), models.end());
  genOptions.trains.assign(trains.begin(), trains.end());
  // Machine code holds every model and train block unless some are named.
  if (machine && models.empty() && trains.empty())
    genOptions = everything(*source);
  TargetModel targetModel = describeTarget(**tm, mcpu, mattr, targetTriple);
  auto module = emitNN(*context, *source, genOptions, targetModel);
  if (!module)
    return 1;

  // The C ABI is read off the functions after autodiff (the steps'
  // parameters and state), on a copy: the pipeline below runs from `nn`.
  std::vector<AOTEntry> entries;
  bool cABI = machine;
  if (machine) {
    mlir::OwningOpRef<mlir::ModuleOp> grad = module->clone();
    mlir::PassManager gradPM(context.get());
    buildDeepcPipeline(gradPM, PipelineOptions::upTo(Stage::Grad));
    if (mlir::failed(gradPM.run(*grad)))
      return 1;
    auto described = describeAOT(*grad);
    if (described) {
      entries = std::move(*described);
    } else if (kind == Output::Object) {
      return fail(described.takeError());
    } else {
      // A model without a C ABI (bf16 parameters or inputs, docs/AOT.md)
      // still shows its code: the compiled functions without the wrappers.
      llvm::consumeError(described.takeError());
      cABI = false;
    }
  }

  if (kind != Output::IR || *stage != Stage::NN) {
    // Machine code gets C interfaces for callers; the printed stages stay
    // exactly what deepc-opt's pipelines give.
    if (machine)
      addCInterfaces(*module);
    mlir::PassManager pm(context.get());
    PipelineOptions options;
    options.last = kind == Output::IR ? *stage : Stage::LLVM;
    options.threads = threads;
    buildDeepcPipeline(pm, options);
    if (printAfterAll || !printAfter.empty()) {
      std::vector<std::string> names(printAfter.begin(), printAfter.end());
      context->disableMultithreading();
      pm.enableIRPrinting(
          [](mlir::Pass *, mlir::Operation *) { return false; },
          [names](mlir::Pass *pass, mlir::Operation *) {
            return printAfterAll ||
                   llvm::is_contained(names, pass->getArgument().str());
          },
          /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
    }
    if (timing)
      pm.enableTiming();
    if (mlir::failed(pm.run(*module)))
      return 1;
  }
  if (cABI)
    if (llvm::Error err = addAOTWrappers(*module, entries))
      return fail(std::move(err));

  mlir::OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  if (kind == Output::IR) {
    auto file = openOutput();
    if (!file)
      return 1;
    if (dot) {
      mlir::PassManager dotPM(context.get());
      dotPM.addPass(mlir::createPrintOpGraphPass(file->os()));
      if (mlir::failed(dotPM.run(*module)))
        return 1;
      file->keep();
      return 0;
    }
    module->print(file->os(), flags);
    file->os() << "\n";
    file->keep();
    return 0;
  }

  llvm::LLVMContext llvmContext;
  auto llvmModule = translateAndOptimize(*module, llvmContext, **tm);
  if (!llvmModule)
    return fail(llvmModule.takeError());
  auto file = openOutput();
  if (!file)
    return 1;
  std::unique_ptr<llvm::ToolOutputFile> headerFile;
  if (!header.empty()) {
    headerFile = mlir::openOutputFile(header, &error);
    if (!headerFile)
      return fail(error);
    // The file name and the entries: headers of two models, even under the
    // same file name, can be included together.
    std::string guard = "DEEPC_";
    for (char c : llvm::sys::path::filename(header.getValue()))
      guard += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
    for (const AOTEntry &entry : entries)
      guard += "_" + llvm::StringRef(entry.spec.name).upper();
    writeAOTHeader(headerFile->os(), entries, guard,
                   llvm::sys::path::filename(input.getValue()));
  }
  if (kind == Output::Asm)
    writeTargetComment(file->os(), **tm, targetModel);
  if (!lib.empty()) {
    llvm::SmallString<0> object;
    llvm::raw_svector_ostream objectStream(object);
    if (llvm::Error err = emitMachineCode(**llvmModule, **tm, objectStream,
                                          /*object=*/true))
      return fail(std::move(err));
    auto library =
        lib == "static"
            ? makeStaticLibrary(
                  object,
                  (llvm::sys::path::stem(output.getValue()) + ".o").str())
            : makeSharedLibrary(object, exportedSymbols(**llvmModule),
                                sharedLinker());
    if (!library)
      return fail(library.takeError());
    file->os() << *library;
  } else if (kind == Output::LLVMIR) {
    (*llvmModule)->print(file->os(), nullptr);
  } else if (llvm::Error err =
                 emitMachineCode(**llvmModule, **tm, file->os(),
                                 /*object=*/kind == Output::Object)) {
    return fail(std::move(err));
  }
  file->keep();
  if (headerFile)
    headerFile->keep();
  return 0;
}

} // namespace deepc::driver
