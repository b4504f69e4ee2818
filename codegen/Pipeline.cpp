//===- Pipeline.cpp - The deepc compilation pipeline ----------------------===//
//
// The table of contents of the compiler: the stages from `nn` to the LLVM
// dialect, in order. `deepc compile --emit=STAGE` and deepc-opt's registered
// pipelines both call buildDeepcPipeline.
//
//===----------------------------------------------------------------------===//
#include "codegen/Pipeline.h"

#include "ir/NNDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorInferTypeOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace deepc {

void registerDeepcDialects(DialectRegistry &registry) {
  registry
      .insert<nn::NNDialect, affine::AffineDialect, arith::ArithDialect,
              bufferization::BufferizationDialect, cf::ControlFlowDialect,
              func::FuncDialect, index::IndexDialect, linalg::LinalgDialect,
              LLVM::LLVMDialect, math::MathDialect, memref::MemRefDialect,
              scf::SCFDialect, tensor::TensorDialect, ub::UBDialect,
              vector::VectorDialect>();

  // Bufferization and deallocation.
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  cf::registerBufferizableOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);

  // Tiling, shapes, inlining.
  linalg::registerTilingInterfaceExternalModels(registry);
  tensor::registerInferTypeOpInterfaceExternalModels(registry);
  func::registerInlinerExtension(registry);

  // The generic conversion to LLVM (convert-to-llvm, in deepc-opt tests).
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
}

std::optional<Stage> parseStage(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<Stage>>(name)
      .Case("nn", Stage::NN)
      .Case("grad", Stage::Grad)
      .Case("linalg", Stage::Linalg)
      .Case("fused", Stage::Fused)
      .Case("tiled", Stage::Tiled)
      .Case("bufferized", Stage::Bufferized)
      .Case("llvm", Stage::LLVM)
      .Default(std::nullopt);
}

/// Each train block -> its training step (or gradients), still in `nn`
/// (docs/TRAINING.md).
static void addGradStage(OpPassManager &pm, const PipelineOptions &options) {
  if (options.inference)
    pm.addPass(createInferenceModePass());
  if (options.promoteF64)
    pm.addPass(createPromoteF64Pass());
  AutodiffPassOptions autodiff;
  autodiff.mode = options.autodiff;
  autodiff.corruptRule = options.corruptRule;
  pm.addPass(createAutodiffPass(autodiff));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createFillLocationsPass());
}

/// `nn` -> linalg, tensor, arith and math on tensors.
static void addLinalgStage(OpPassManager &pm, bool checkNumerics) {
  if (checkNumerics)
    pm.addPass(createCheckNumericsPass());
  pm.addPass(createLowerNNToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createFillLocationsPass());
}

/// Elementwise chains and their reductions fused into one loop nest each
/// (passes/Fuse.cpp).
static void addFusedStage(OpPassManager &pm) {
  pm.addPass(createFusePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createFillLocationsPass());
}

/// Contractions tiled for the caches and registers, their full tiles
/// vectorized (passes/Tile.cpp).
static void addTiledStage(OpPassManager &pm, unsigned threads) {
  TilePassOptions options;
  options.threads = threads;
  pm.addPass(createTilePass(options));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createFillLocationsPass());
}

/// Tensors -> buffers. Function boundaries use identity layouts, so compiled
/// functions take plain contiguous buffers; every intermediate buffer is
/// freed where its last use is.
static void addBufferizedStage(OpPassManager &pm) {
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions options;
  options.bufferizeFunctionBoundaries = true;
  options.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(options));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createStridedCopyToLoopsPass());
  // Direct convolutions and row reductions in vectors of the target's
  // width (before convert-linalg-to-loops takes what is left).
  pm.addPass(createVectorizeConvPass());
  pm.addPass(createVectorizeReductionsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createFillLocationsPass());
}

/// Loops and buffers -> the LLVM dialect.
static void addLLVMStage(OpPassManager &pm, unsigned threads) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (threads > 1) {
    // scf.forall -> scf.parallel -> an OpenMP parallel loop of `threads`.
    pm.addPass(createForallToParallelLoopPass());
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
    // Inlines the memref.alloca_scope each loop body gets (it holds no
    // allocas here), which would otherwise get several blocks from
    // scf-to-cf.
    pm.addPass(createCanonicalizerPass());
  }
  VectorTransferToSCFOptions vectorToSCF;
  vectorToSCF.enableFullUnroll();
  pm.addPass(createConvertVectorToSCFPass(vectorToSCF));
  // LLVM 22's expand-strided-metadata crashes on expands into several
  // dynamic sizes (passes/Passes.td).
  pm.addPass(createDynamicExpandToCastPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // f32 <-> bf16 as integer arithmetic on every target (passes/Passes.td
  // says why).
  pm.addPass(createExpandBF16Pass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (erf) becomes a libm call.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (threads > 1)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createFillLocationsPass());
}

void buildDeepcPipeline(OpPassManager &pm, const PipelineOptions &options) {
  auto runs = [&](Stage stage) {
    return options.first <= stage && stage <= options.last;
  };
  if (runs(Stage::Grad))
    addGradStage(pm, options);
  if (runs(Stage::Linalg))
    addLinalgStage(pm, options.checkNumerics);
  if (runs(Stage::Fused))
    addFusedStage(pm);
  if (runs(Stage::Tiled))
    addTiledStage(pm, options.threads);
  if (runs(Stage::Bufferized))
    addBufferizedStage(pm);
  if (runs(Stage::LLVM))
    addLLVMStage(pm, options.threads);
}

namespace {
/// The options of deepc-opt's pipelines: those of PipelineOptions but the
/// stage, which each pipeline's name gives.
struct PipelineFlags : PassPipelineOptions<PipelineFlags> {
  Option<bool> inference{*this, "inference",
                         llvm::cl::desc("Run deepc-inference-mode before "
                                        "autodiff (deepc train, eval)")};
  Option<bool> promoteF64{*this, "promote-f64",
                          llvm::cl::desc("Run deepc-promote-f64 before "
                                         "autodiff (deepc gradcheck)")};
  Option<std::string> autodiff{*this, "autodiff",
                               llvm::cl::desc("deepc-autodiff's mode: step "
                                              "or grad"),
                               llvm::cl::init("step")};
  Option<bool> checkNumerics{*this, "check-numerics",
                             llvm::cl::desc("Run deepc-check-numerics after "
                                            "autodiff")};
  Option<unsigned> threads{*this, "threads",
                           llvm::cl::desc("Split large contractions across "
                                          "this many OpenMP threads"),
                           llvm::cl::init(1)};
};
} // namespace

void registerDeepcPipelines() {
  struct Entry {
    const char *name, *summary;
    Stage last;
  };
  static const Entry entries[] = {
      {"deepc-pipeline", "Lower the nn dialect to the LLVM dialect",
       Stage::LLVM},
      {"deepc-to-grad", "Derive the training step of every train block",
       Stage::Grad},
      {"deepc-to-linalg", "Lower the nn dialect to linalg on tensors",
       Stage::Linalg},
      {"deepc-to-fused", "Lower the nn dialect to fused linalg on tensors",
       Stage::Fused},
      {"deepc-to-tiled", "Lower the nn dialect to tiled, vectorized linalg",
       Stage::Tiled},
      {"deepc-to-bufferized", "Lower the nn dialect to bufferized linalg",
       Stage::Bufferized},
  };
  for (const Entry &entry : entries) {
    Stage last = entry.last;
    PassPipelineRegistration<PipelineFlags>(
        entry.name, entry.summary,
        [last](OpPassManager &pm, const PipelineFlags &flags) {
          PipelineOptions options;
          options.last = last;
          options.inference = flags.inference;
          options.promoteF64 = flags.promoteF64;
          options.autodiff = flags.autodiff;
          options.checkNumerics = flags.checkNumerics;
          options.threads = flags.threads;
          buildDeepcPipeline(pm, options);
        });
  }
}

} // namespace deepc
