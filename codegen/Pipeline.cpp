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
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"

#include "mlir/Conversion/Passes.h"
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
      .insert<nn::NNDialect, func::FuncDialect, arith::ArithDialect,
              math::MathDialect, tensor::TensorDialect, linalg::LinalgDialect,
              bufferization::BufferizationDialect, memref::MemRefDialect,
              scf::SCFDialect, cf::ControlFlowDialect, affine::AffineDialect,
              index::IndexDialect, vector::VectorDialect, LLVM::LLVMDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
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

/// Each train block -> its training step, still in `nn` (docs/TRAINING.md).
static void addGradStage(OpPassManager &pm) {
  pm.addPass(createAutodiffPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// `nn` -> linalg, tensor, arith and math on tensors.
static void addLinalgStage(OpPassManager &pm) {
  pm.addPass(createLowerNNToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Elementwise chains and their reductions fused into one loop nest each
/// (passes/Fuse.cpp).
static void addFusedStage(OpPassManager &pm) {
  pm.addPass(createFusePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Contractions tiled for the caches and registers, their full tiles
/// vectorized (passes/Tile.cpp).
static void addTiledStage(OpPassManager &pm, unsigned threads) {
  TilePassOptions options;
  options.threads = threads;
  pm.addPass(createTilePass(options));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
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
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
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
}

void buildDeepcPipeline(OpPassManager &pm, Stage last, bool checkNumerics,
                        unsigned threads) {
  if (last < Stage::Grad)
    return;
  addGradStage(pm);
  if (checkNumerics)
    pm.addPass(createCheckNumericsPass());
  if (last < Stage::Linalg)
    return;
  addLinalgStage(pm);
  if (last < Stage::Fused)
    return;
  addFusedStage(pm);
  if (last < Stage::Tiled)
    return;
  addTiledStage(pm, threads);
  if (last < Stage::Bufferized)
    return;
  addBufferizedStage(pm);
  if (last < Stage::LLVM)
    return;
  addLLVMStage(pm, threads);
}

void registerDeepcPipelines() {
  PassPipelineRegistration<>(
      "deepc-pipeline", "Lower the nn dialect to the LLVM dialect",
      [](OpPassManager &pm) { buildDeepcPipeline(pm, Stage::LLVM); });
  PassPipelineRegistration<>(
      "deepc-to-grad", "Derive the training step of every train block",
      [](OpPassManager &pm) { buildDeepcPipeline(pm, Stage::Grad); });
  PassPipelineRegistration<>(
      "deepc-to-linalg", "Lower the nn dialect to linalg on tensors",
      [](OpPassManager &pm) { buildDeepcPipeline(pm, Stage::Linalg); });
  PassPipelineRegistration<>(
      "deepc-to-fused", "Lower the nn dialect to fused linalg on tensors",
      [](OpPassManager &pm) { buildDeepcPipeline(pm, Stage::Fused); });
  PassPipelineRegistration<>(
      "deepc-to-tiled", "Lower the nn dialect to tiled, vectorized linalg",
      [](OpPassManager &pm) { buildDeepcPipeline(pm, Stage::Tiled); });
  PassPipelineRegistration<>(
      "deepc-to-bufferized", "Lower the nn dialect to bufferized linalg",
      [](OpPassManager &pm) { buildDeepcPipeline(pm, Stage::Bufferized); });
}

} // namespace deepc
