//===- Model.cpp - Compiling a model's forward pass for the driver --------===//
#include "tools/deepc/Model.h"

#include "codegen/Pipeline.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

namespace deepc::driver {

llvm::Expected<CompiledModel> compileModel(Source &source,
                                           llvm::StringRef name) {
  CompiledModel out;
  auto context = makeContext();
  mlir::SourceMgrDiagnosticHandler diagnostics(source.sourceMgr, context.get());
  MLIRGenOptions genOptions;
  genOptions.models = {name.str()};
  auto module = emitNN(*context, source, genOptions);
  if (!module)
    return out;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(name);
  if (!func)
    return llvm::createStringError("model '" + name + "' was not emitted");
  auto spec = getFunctionSpec(func);
  if (!spec)
    return spec.takeError();
  out.spec = std::move(*spec);

  addCInterfaces(*module);
  mlir::PassManager pm(context.get());
  buildDeepcPipeline(pm, jitPipeline());
  if (mlir::failed(pm.run(*module)))
    return out;
  auto jit = JITModule::create(*module);
  if (!jit)
    return jit.takeError();
  out.jit = std::move(*jit);
  return out;
}

} // namespace deepc::driver
