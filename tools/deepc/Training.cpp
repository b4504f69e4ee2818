//===- Training.cpp - Compiling a train block for the driver --------------===//
#include "tools/deepc/Training.h"

#include "codegen/Pipeline.h"
#include "ir/NNOps.h"
#include "passes/Passes.h"
#include "runtime/Batches.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace deepc::driver {

double TrainSettings::learningRate(double base, int64_t step,
                                   int64_t totalSteps) const {
  if (schedule == "step")
    return base * std::pow(scheduleGamma, double(step / scheduleEvery));
  if (schedule == "cosine") {
    if (step < scheduleWarmup)
      return base * double(step + 1) / double(scheduleWarmup);
    int64_t span = std::max<int64_t>(totalSteps - scheduleWarmup, 1);
    double t = std::min<double>(step - scheduleWarmup, span);
    return base * 0.5 * (1 + std::cos(M_PI * t / double(span)));
  }
  return base;
}

llvm::Expected<std::string> pickTrainBlock(const ast::Program &program,
                                           llvm::StringRef requested) {
  std::string names;
  for (const auto &train : program.trains)
    names += (names.empty() ? "" : ", ") + train->name;
  for (const auto &train : program.trains)
    if (!requested.empty() && train->name == requested)
      return train->name;
  if (!requested.empty())
    return llvm::createStringError(
        llvm::formatv("{0} has no train block '{1}' (train blocks: {2})",
                      program.fileName, requested,
                      names.empty() ? "none" : names)
            .str());
  if (program.trains.size() == 1)
    return program.trains.front()->name;
  if (program.trains.empty())
    return llvm::createStringError(program.fileName + " has no train block");
  return llvm::createStringError(
      llvm::formatv("{0} has several train blocks ({1}): pick one with "
                    "--train",
                    program.fileName, names)
          .str());
}

/// Reads the `nn.train` dictionary of a train block's function.
static llvm::Expected<TrainSettings> readSettings(mlir::func::FuncOp func) {
  auto dict = func->getAttrOfType<mlir::DictionaryAttr>("nn.train");
  if (!dict)
    return llvm::createStringError("@" + func.getSymName() +
                                   " has no nn.train settings");
  TrainSettings s;
  auto num = [&](llvm::StringRef key) -> std::optional<double> {
    mlir::Attribute a = dict.get(key);
    if (auto f = llvm::dyn_cast_or_null<mlir::FloatAttr>(a))
      return f.getValueAsDouble();
    if (auto i = llvm::dyn_cast_or_null<mlir::IntegerAttr>(a))
      return double(i.getInt());
    return std::nullopt;
  };
  auto str = [&](llvm::StringRef key) -> std::string {
    if (auto a = dict.getAs<mlir::StringAttr>(key))
      return a.str();
    return "";
  };
  s.optimizer = str("optimizer");
  s.lr = num("lr").value_or(0);
  s.batch = int64_t(num("batch").value_or(64));
  s.epochs = int64_t(num("epochs").value_or(1));
  s.seed = uint64_t(num("seed").value_or(0));
  s.clipNorm = num("clip_norm");
  if (std::string sched = str("schedule"); !sched.empty())
    s.schedule = sched;
  s.scheduleEvery = std::max<int64_t>(1, num("schedule_every").value_or(1));
  s.scheduleGamma = num("schedule_gamma").value_or(1);
  s.scheduleWarmup = int64_t(num("schedule_warmup").value_or(0));
  return s;
}

std::unique_ptr<CompiledTrain>
compileTrainBlock(Source &source, llvm::StringRef name, TrainMode mode,
                  llvm::StringRef corruptRule, std::optional<uint64_t> seed,
                  bool compileLoss, uint64_t dropoutSalt) {
  auto context = makeContext();
  mlir::SourceMgrDiagnosticHandler diagnostics(source.sourceMgr, context.get());
  MLIRGenOptions genOptions;
  genOptions.trains = {name.str()};
  auto module = emitNN(*context, source, genOptions);
  if (!module)
    return nullptr;
  auto func = module->lookupSymbol<mlir::func::FuncOp>(name);
  if (!func) {
    fail("train block '" + name + "' was not emitted");
    return nullptr;
  }
  if (seed) {
    // The run's seed keys the dropout masks, as the block's would.
    mlir::NamedAttrList settings(
        func->getAttrOfType<mlir::DictionaryAttr>("nn.train"));
    mlir::Builder b(context.get());
    settings.set("seed", b.getI64IntegerAttr(int64_t(*seed)));
    func->setAttr("nn.train", settings.getDictionary(context.get()));
    func.walk([&](nn::DropoutOp op) {
      op.setSeedAttr(b.getI64IntegerAttr(int64_t(*seed)));
    });
  }
  if (dropoutSalt)
    func.walk([&](nn::DropoutOp op) {
      mlir::Builder b(context.get());
      op.setSeedAttr(
          b.getI64IntegerAttr(int64_t(uint64_t(op.getSeed()) ^ dropoutSalt)));
    });
  auto compiled = std::make_unique<CompiledTrain>();
  compiled->name = name.str();
  auto settings = readSettings(func);
  if (!settings) {
    fail(settings.takeError());
    return nullptr;
  }
  compiled->settings = *settings;

  // The loss function stays as emitted, under its own name; the original
  // becomes the step (or the gradients).
  mlir::OpBuilder builder(func);
  auto lossFunc = llvm::cast<mlir::func::FuncOp>(builder.clone(*func));
  lossFunc.setSymName((name + "_loss").str());
  lossFunc->removeAttr("nn.train");

  if (mode == TrainMode::Eval)
    func.erase();
  // The grad stage, whose steps' signatures the driver reads before the
  // rest of the pipeline. Evaluation runs the model as in inference
  // (running statistics, no dropout); gradcheck differentiates the
  // training form, in f64 and, to check the kernels that train, as declared.
  bool gradients = mode == TrainMode::Grad || mode == TrainMode::GradF32;
  PipelineOptions grad;
  grad.last = Stage::Grad;
  grad.inference = !gradients;
  grad.promoteF64 = mode == TrainMode::Grad;
  grad.autodiff = gradients                  ? "grad"
                  : mode == TrainMode::Split ? "split"
                                             : "step";
  grad.corruptRule = corruptRule.str();
  mlir::PassManager pm(context.get());
  buildDeepcPipeline(pm, grad);
  if (mlir::failed(pm.run(*module)))
    return nullptr;

  module->walk([&](nn::CastOp cast) {
    auto bf16 = [](mlir::Value v) {
      return mlir::getElementTypeOrSelf(v.getType()).isBF16();
    };
    compiled->roundsToBF16 |= bf16(cast.getResult()) && !bf16(cast.getInput());
  });

  auto lossSpec = getFunctionSpec(lossFunc);
  auto mainSpec = getFunctionSpec(mode == TrainMode::Eval ? lossFunc : func);
  if (!lossSpec || !mainSpec) {
    fail(lossSpec ? mainSpec.takeError() : lossSpec.takeError());
    return nullptr;
  }
  compiled->loss = *lossSpec;
  // A train block's function returns its loss first (docs/TRAINING.md).
  if (compiled->loss.findResult(Role::Loss) < 0 &&
      !compiled->loss.results.empty())
    compiled->loss.results[0].role = Role::Loss;
  compiled->main = mode == TrainMode::Eval ? compiled->loss : *mainSpec;
  if (mode == TrainMode::Split) {
    auto update =
        module->lookupSymbol<mlir::func::FuncOp>((name + "_update").str());
    auto updateSpec =
        update ? getFunctionSpec(update)
               : llvm::Expected<FunctionSpec>(
                     llvm::createStringError("no update function was built"));
    if (!updateSpec) {
      fail(updateSpec.takeError());
      return nullptr;
    }
    compiled->update = *updateSpec;
  }
  if ((mode == TrainMode::Step || mode == TrainMode::Split) && !compileLoss)
    lossFunc.erase();

  addCInterfaces(*module);
  PipelineOptions rest = jitPipeline();
  rest.first = Stage::Linalg;
  mlir::PassManager lower(context.get());
  buildDeepcPipeline(lower, rest);
  if (mlir::failed(lower.run(*module)))
    return nullptr;
  auto jit = JITModule::create(*module);
  if (!jit) {
    fail(jit.takeError());
    return nullptr;
  }
  compiled->jit = std::move(*jit);
  return compiled;
}

void scoreLogits(std::optional<ConfusionMatrix> &confusion,
                 const Tensor &logits, const Tensor &labels,
                 const ResultSpec &result) {
  if (result.multiLabel) {
    if (!confusion)
      confusion.emplace(2);
    const float *x = logits.data<float>();
    const float *t = labels.data<float>();
    for (int64_t i = 0, n = std::min(logits.numel(), labels.numel()); i < n;
         ++i)
      confusion->add(t[i] >= 0.5f, x[i] > 0);
    return;
  }
  std::optional<int64_t> ignore = result.ignoreIndex;
  if (!confusion)
    confusion.emplace(logits.shape[1]);
  if (labels.dtype == DType::I32)
    confusion->addLogits(logits.data<float>(), labels.data<int32_t>(),
                         logits.shape[0], ignore);
  else
    confusion->addLogits(logits.data<float>(), labels.data<int64_t>(),
                         logits.shape[0], ignore);
}

double reportedF1(const ConfusionMatrix &confusion, const ResultSpec &result) {
  return result.multiLabel ? confusion.f1(1) : confusion.macroF1();
}

llvm::Expected<SplitMetrics>
evaluate(CompiledTrain &compiled, const std::vector<Tensor> &params,
         BoundData &bound, int64_t batch,
         std::optional<ConfusionMatrix> &confusion) {
  const FunctionSpec &spec = compiled.loss;
  int lossResult = spec.findResult(Role::Loss);
  int logitsResult = spec.findResult(Role::Logits);
  int labelsArg =
      logitsResult >= 0
          ? spec.findArg(Role::Input, spec.results[logitsResult].name)
          : -1;
  confusion.reset();
  RunningMean loss;
  std::vector<Tensor> chunk(spec.args.size());
  std::vector<const Tensor *> ptrs(spec.args.size());
  for (auto [begin, end] : batchRanges(bound.samples, batch)) {
    std::vector<int64_t> rows(end - begin);
    for (int64_t i = begin; i < end; ++i)
      rows[i - begin] = i;
    for (size_t i = 0; i < spec.args.size(); ++i) {
      if (spec.args[i].kind == Role::Input) {
        chunk[i] = gatherRows(bound.args[i], rows, 0, end - begin);
        ptrs[i] = &chunk[i];
      } else {
        ptrs[i] = &params[i];
      }
    }
    auto out = compiled.jit->call(spec, ptrs);
    if (!out)
      return out.takeError();
    loss.add((*out)[lossResult].data<float>()[0], end - begin);
    if (logitsResult >= 0 && labelsArg >= 0)
      scoreLogits(confusion, (*out)[logitsResult], chunk[labelsArg],
                  spec.results[logitsResult]);
  }
  SplitMetrics m;
  m.loss = loss.mean();
  m.scored = confusion.has_value();
  if (confusion) {
    m.accuracy = confusion->accuracy();
    m.f1 = reportedF1(*confusion, spec.results[logitsResult]);
  }
  return m;
}

} // namespace deepc::driver
