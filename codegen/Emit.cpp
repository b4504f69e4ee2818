//===- Emit.cpp - From the LLVM dialect to LLVM IR, assembly, objects -----===//
#include "codegen/Emit.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"

namespace deepc {

void registerLLVMTranslations(mlir::MLIRContext &context) {
  mlir::registerBuiltinDialectTranslation(context);
  mlir::registerLLVMDialectTranslation(context);
  // Code compiled with --threads > 1 holds OpenMP ops (codegen/Pipeline.cpp).
  mlir::registerOpenMPDialectTranslation(context);
}

void dropNNArgAttributes(mlir::ModuleOp module) {
  module.walk([](mlir::FunctionOpInterface func) {
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      llvm::SmallVector<mlir::StringAttr> names;
      for (mlir::NamedAttribute attr : func.getArgAttrs(i))
        if (attr.getName().strref().starts_with("nn."))
          names.push_back(attr.getName());
      for (mlir::StringAttr name : names)
        func.removeArgAttr(i, name);
    }
  });
}

/// LLVM's O3 without its loop unrolling. deepc-tile already unrolls the
/// contractions' register tiles into vector code; what is left are the
/// loops of linalg-to-loops with static trip counts, which the unroller
/// would fully unroll before the loop vectorizer sees them (a 28-wide row
/// became 28 scalar moves and its outer loop was vectorized with gathers)
/// and which made up a third of LLVM's time on LeNet's step.
///
/// The loop vectorizer also takes loops from 4 iterations on (LLVM's
/// default is 16): the rows of small feature maps (LeNet's 10 and 14 wide,
/// in im2col, pooling and col2im) stayed scalar. LLVM exposes the threshold
/// only as its option -vectorizer-min-trip-count, set here unless given.
std::function<llvm::Error(llvm::Module *)>
makeOptimizer(llvm::TargetMachine *tm) {
  auto &options = llvm::cl::getRegisteredOptions();
  auto found = options.find("vectorizer-min-trip-count");
  if (found != options.end() && found->second->getNumOccurrences() == 0)
    (void)found->second->addOccurrence(0, found->first, "4");
  return [tm](llvm::Module *module) -> llvm::Error {
    llvm::PipelineTuningOptions tuning;
    tuning.LoopUnrolling = false;
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder builder(tm, tuning);
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager passes =
        builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
    passes.run(*module, mam);
    return llvm::Error::success();
  };
}

llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                     llvm::TargetMachine &tm) {
  registerLLVMTranslations(*module->getContext());
  dropNNArgAttributes(module);
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return llvm::createStringError("cannot translate the module to LLVM IR");
  mlir::ExecutionEngine::setupTargetTripleAndDataLayout(llvmModule.get(), &tm);
  auto optimize = makeOptimizer(&tm);
  if (llvm::Error err = optimize(llvmModule.get()))
    return std::move(err);
  return llvmModule;
}

llvm::Error emitMachineCode(llvm::Module &llvmModule, llvm::TargetMachine &tm,
                            llvm::raw_pwrite_stream &os, bool object) {
  llvm::legacy::PassManager pm;
  auto fileType = object ? llvm::CodeGenFileType::ObjectFile
                         : llvm::CodeGenFileType::AssemblyFile;
  if (tm.addPassesToEmitFile(pm, os, nullptr, fileType))
    return llvm::createStringError("the target cannot emit this file type");
  pm.run(llvmModule);
  return llvm::Error::success();
}

} // namespace deepc
