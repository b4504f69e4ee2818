//===- Gradcheck.cpp - deepc gradcheck ------------------------------------===//
//
// Compares the compiled gradients of a train block's loss with central
// finite differences, both in double precision (the block is promoted to
// f64 before autodiff), on random inputs and the parameters' inits.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"
#include "tools/deepc/Training.h"
#include "tools/deepc/Weights.h"

#include "runtime/Batches.h"
#include "runtime/Init.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <fmt/format.h>

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand
    gradcheckCommand("gradcheck",
                     "Compare compiled gradients with finite differences");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"),
                                  cl::sub(gradcheckCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string> trainName("train",
                                      cl::desc("The train block to check"),
                                      cl::value_desc("name"),
                                      cl::sub(gradcheckCommand),
                                      cl::cat(deepcCategory));
static cl::opt<int64_t> batch("batch", cl::desc("Samples of random data"),
                              cl::init(3), cl::sub(gradcheckCommand),
                              cl::cat(deepcCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of data and weights"),
                              cl::init(0), cl::sub(gradcheckCommand),
                              cl::cat(deepcCategory));
static cl::opt<double> tolerance(
    "tol", cl::desc("Largest allowed |analytic - numeric| / max(1, |numeric|)"),
    cl::init(1e-6), cl::sub(gradcheckCommand), cl::cat(deepcCategory));
static cl::opt<int64_t> samplesPerParam(
    "elements", cl::desc("Elements checked per parameter (all if fewer)"),
    cl::init(24), cl::sub(gradcheckCommand), cl::cat(deepcCategory));

/// An F64 copy of an F32 tensor.
static Tensor toF64(const Tensor &t) {
  Tensor out(DType::F64, t.shape);
  for (int64_t i = 0, n = t.numel(); i < n; ++i)
    out.data<double>()[i] = t.data<float>()[i];
  return out;
}

static cl::opt<std::string> corruptRule(
    "corrupt-rule",
    cl::desc("Testing only: make the gradient rule of this op wrong"),
    cl::Hidden, cl::sub(gradcheckCommand), cl::cat(deepcCategory));

int runGradcheck() {
  if (batch <= 0 || samplesPerParam <= 0 || tolerance <= 0)
    return fail("--batch, --elements and --tol must be positive");
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  auto name = pickTrainBlock(*source->program, trainName);
  if (!name)
    return fail(name.takeError());
  auto compiled =
      compileTrainBlock(*source, *name, TrainMode::Grad, corruptRule);
  if (!compiled)
    return 1;
  const FunctionSpec &loss = compiled->loss;
  const FunctionSpec &grad = compiled->main;

  // Labels in range of the logits' classes, embedding ids over the whole
  // table; other integers in {0, 1}.
  int64_t classes = 2;
  std::string labelsName;
  if (int r = loss.findResult(Role::Logits); r >= 0) {
    classes = loss.results[r].type.shape.back();
    labelsName = loss.results[r].name;
  }
  std::vector<Tensor> args(loss.args.size());
  Philox rng(seed, /*streamId=*/1u << 20);
  uint64_t draw = 0;
  for (size_t i = 0; i < loss.args.size(); ++i) {
    const ArgSpec &arg = loss.args[i];
    std::vector<int64_t> shape = arg.type.shape;
    for (int64_t &d : shape)
      if (d < 0)
        d = batch;
    if (arg.kind == Role::Param) {
      if (llvm::Error err = verifyInit(arg.init, arg.initArgs))
        return fail(std::move(err));
      Tensor t(DType::F32, shape);
      initParam(t, arg.init, arg.initArgs, seed, i);
      args[i] = toF64(t);
      continue;
    }
    Tensor t(arg.type.dtype, shape);
    // State (the dropout counter) stays zero: one fixed dropout mask for
    // every evaluation of the loss.
    if (arg.kind == Role::State) {
      args[i] = std::move(t);
      continue;
    }
    for (int64_t k = 0, n = t.numel(); k < n; ++k) {
      double u = rng.uniform(draw++);
      switch (arg.type.dtype) {
      case DType::F64:
        t.data<double>()[k] = rng.normal(draw++);
        break;
      case DType::I32:
      case DType::I64: {
        int64_t range = arg.name == labelsName ? classes
                        : arg.idRows > 0       ? arg.idRows
                                               : 2;
        int64_t v = std::min<int64_t>(int64_t(u * double(range)), range - 1);
        if (arg.type.dtype == DType::I32)
          t.data<int32_t>()[k] = int32_t(v);
        else
          t.data<int64_t>()[k] = v;
        break;
      }
      default:
        return fail("gradcheck cannot make random data for input '" + arg.name +
                    "' of type " + arg.type.str());
      }
    }
    args[i] = std::move(t);
  }

  auto evalLoss = [&]() -> llvm::Expected<double> {
    std::vector<const Tensor *> ptrs;
    for (const Tensor &t : args)
      ptrs.push_back(&t);
    auto out = compiled->jit->call(loss, ptrs);
    if (!out)
      return out.takeError();
    return (*out)[loss.findResult(Role::Loss)].data<double>()[0];
  };
  std::vector<const Tensor *> ptrs;
  for (const Tensor &t : args)
    ptrs.push_back(&t);
  auto grads = compiled->jit->call(grad, ptrs);
  if (!grads)
    return fail(grads.takeError());

  llvm::outs() << fmt::format("{:<28} {:>9} {:>12} {:>12}  {}\n", "parameter",
                              "checked", "max |error|", "max relative",
                              "result");
  std::string worstName;
  double worst = -1;
  for (size_t i = 0; i < loss.args.size(); ++i) {
    if (loss.args[i].kind != Role::Param)
      continue;
    const std::string &param = loss.args[i].name;
    int r = grad.findResult(Role::Grad, param);
    if (r < 0)
      return fail("no gradient result for parameter '" + param + "'");
    const Tensor &analytic = (*grads)[r];
    Tensor &p = args[i];
    int64_t n = p.numel();
    std::vector<int64_t> elements(n);
    for (int64_t k = 0; k < n; ++k)
      elements[k] = k;
    if (n > samplesPerParam) {
      std::vector<int64_t> order = epochOrder(n, seed, int64_t(i), true);
      elements.assign(order.begin(), order.begin() + samplesPerParam);
    }
    double maxAbs = 0, maxRel = 0;
    for (int64_t k : elements) {
      double &w = p.data<double>()[k];
      double saved = w, h = 1e-6 * std::max(1.0, std::abs(saved));
      w = saved + h;
      auto up = evalLoss();
      w = saved - h;
      auto down = evalLoss();
      w = saved;
      if (!up || !down)
        return fail(up ? down.takeError() : up.takeError());
      double numeric = (*up - *down) / (2 * h);
      double err = std::abs(analytic.data<double>()[k] - numeric);
      maxAbs = std::max(maxAbs, err);
      maxRel = std::max(maxRel, err / std::max(1.0, std::abs(numeric)));
    }
    bool ok = maxRel <= tolerance;
    llvm::outs() << fmt::format("{:<28} {:>9} {:>12.3g} {:>12.3g}  {}\n", param,
                                elements.size(), maxAbs, maxRel,
                                ok ? "ok" : "FAIL");
    if (maxRel > worst) {
      worst = maxRel;
      worstName = param;
    }
  }
  llvm::outs().flush();
  if (worst > tolerance)
    return fail(fmt::format("gradient of '{}' differs from finite "
                            "differences by {:.3g} (tolerance {:.3g})",
                            worstName, worst, double(tolerance)));
  return 0;
}

} // namespace deepc::driver
