//===- Eval.cpp - deepc eval ----------------------------------------------===//
//
// Loss, accuracy, macro-F1 and the confusion matrix of a train block's
// loss on a data set, with given weights.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Data.h"
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"
#include "tools/deepc/Training.h"
#include "tools/deepc/Weights.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand evalCommand("eval",
                           "Loss, accuracy, macro-F1 and confusion matrix");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"), cl::sub(evalCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string> weights("weights", cl::Required,
                                    cl::desc("Weights (safetensors)"),
                                    cl::value_desc("file"),
                                    cl::sub(evalCommand),
                                    cl::cat(deepcCategory));
static cl::list<std::string> data("data",
                                  cl::desc("Bind a data file to an input of "
                                           "the train block"),
                                  cl::value_desc("name=path[sel]"),
                                  cl::sub(evalCommand), cl::cat(deepcCategory));
static cl::opt<std::string> trainName("train",
                                      cl::desc("The train block whose loss "
                                               "to use"),
                                      cl::value_desc("name"),
                                      cl::sub(evalCommand),
                                      cl::cat(deepcCategory));
static cl::opt<int64_t> batch("batch", cl::desc("Samples per call"),
                              cl::init(256), cl::sub(evalCommand),
                              cl::cat(deepcCategory));
static cl::opt<bool> json("json", cl::desc("Print one JSON object"),
                          cl::sub(evalCommand), cl::cat(deepcCategory));

static cl::opt<bool> checkNumericsFlag("check-numerics",
                                       cl::desc(DEEPC_CHECK_NUMERICS_DESC),
                                       cl::sub(evalCommand),
                                       cl::cat(deepcCategory));

static cl::opt<unsigned> threadsFlag("threads", cl::desc(DEEPC_THREADS_DESC),
                                     cl::init(1), cl::sub(evalCommand),
                                     cl::cat(deepcCategory));

int runEval() {
  checkNumerics = checkNumericsFlag;
  threads = threadsFlag;
  if (checkThreads())
    return 1;
  if (batch <= 0)
    return fail("--batch must be positive");
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  auto name = pickTrainBlock(*source->program, trainName);
  if (!name)
    return fail(name.takeError());
  auto compiled = compileTrainBlock(*source, *name, TrainMode::Eval);
  if (!compiled)
    return 1;
  const FunctionSpec &spec = compiled->loss;
  auto bound = bindInputs(spec, data, "data");
  if (!bound)
    return fail(bound.takeError());
  int logits = spec.findResult(Role::Logits);
  if (logits >= 0 && !spec.results[logits].multiLabel) {
    int labels = spec.findArg(Role::Input, spec.results[logits].name);
    if (labels >= 0)
      if (llvm::Error err = checkLabels(
              bound->args[labels], spec.results[logits].type.shape.back(),
              bound->paths[labels], spec.results[logits].ignoreIndex))
        return fail(std::move(err));
  }
  std::vector<Tensor> params(spec.args.size());
  if (llvm::Error err = loadParameters(spec, weights, 0, params))
    return fail(std::move(err));
  std::optional<ConfusionMatrix> confusion;
  auto metrics = evaluate(*compiled, params, *bound, batch, confusion);
  if (!metrics)
    return fail(metrics.takeError());

  if (json) {
    llvm::json::Object out{{"loss", metrics->loss}};
    if (confusion) {
      out["accuracy"] = metrics->accuracy;
      out["f1"] = metrics->f1;
      out["confusion"] = confusion->toJSON();
    }
    llvm::outs() << llvm::json::Value(std::move(out)) << "\n";
    return 0;
  }
  llvm::outs() << fmt::format("loss {:.4f}", metrics->loss);
  // Multi-label: the matrix counts every element's yes/no decision.
  bool multiLabel = logits >= 0 && spec.results[logits].multiLabel;
  if (confusion)
    llvm::outs() << fmt::format(
        "  accuracy {:.4f}  {} {:.4f}\n\n{}", metrics->accuracy,
        multiLabel ? "micro-F1" : "macro-F1", metrics->f1, confusion->render());
  llvm::outs() << "\n";
  return 0;
}

} // namespace deepc::driver
