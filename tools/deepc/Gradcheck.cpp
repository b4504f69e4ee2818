//===- Gradcheck.cpp - deepc gradcheck ------------------------------------===//
//
// Checks the compiled gradients of a train block's loss on random inputs
// and the parameters' inits, in two ways (docs/TRAINING.md section 4):
//  - f64: the block promoted to f64 before autodiff, against central
//    finite differences: this checks the gradient rules;
//  - f32: the block as declared, through the kernels that train (deepc-tile's
//    packed, vectorized, epilogue-fused matmuls), against the f64 gradients
//    at an f32 tolerance: this checks the code that `deepc train` runs.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"
#include "tools/deepc/Training.h"
#include "tools/deepc/Weights.h"

#include "runtime/Batches.h"
#include "runtime/Convert.h"
#include "runtime/Init.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <fmt/format.h>

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand
    gradcheckCommand("gradcheck",
                     "Compare compiled gradients with finite differences "
                     "(f64), and the f32 ones with the f64 ones");

namespace {
/// Which compiled gradients `deepc gradcheck` checks.
enum class Precision { F64, F32, Both };
} // namespace

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
static cl::opt<Precision> precision(
    "precision", cl::desc("The compiled gradients to check (default: both)"),
    cl::values(clEnumValN(Precision::F64, "f64",
                          "the rules: the block promoted to f64, against "
                          "central finite differences"),
               clEnumValN(Precision::F32, "f32",
                          "the code that trains: the block as declared, "
                          "against the f64 gradients"),
               clEnumValN(Precision::Both, "both", "f64, then f32")),
    cl::init(Precision::Both), cl::sub(gradcheckCommand),
    cl::cat(deepcCategory));
static cl::opt<double> tolerance(
    "tol",
    cl::desc("f64: largest allowed |analytic - numeric| / max(1, |numeric|)"),
    cl::init(1e-6), cl::sub(gradcheckCommand), cl::cat(deepcCategory));
static cl::opt<double> toleranceF32(
    "tol-f32",
    cl::desc("f32: largest allowed |g32 - g64| / max(|g64|, rms of the "
             "parameter's f64 gradient, rms of the whole gradient) (default "
             "1e-3, or 3e-2 where the block rounds to bf16)"),
    cl::sub(gradcheckCommand), cl::cat(deepcCategory));
static cl::opt<int64_t> samplesPerParam(
    "elements", cl::desc("f64: elements checked per parameter (all if fewer)"),
    cl::init(24), cl::sub(gradcheckCommand), cl::cat(deepcCategory));
static cl::opt<std::string> corruptRule(
    "corrupt-rule",
    cl::desc("Testing only: make the gradient rule of this op wrong (with "
             "--precision f32, in the f32 code alone)"),
    cl::Hidden, cl::sub(gradcheckCommand), cl::cat(deepcCategory));

static bool isFloat(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::BF16;
}

/// The worst parameter of a check: its name and its error in the check's
/// own measure.
struct Worst {
  std::string name;
  double error = -1;
  void add(const std::string &param, double e) {
    if (e > error) {
      error = e;
      name = param;
    }
  }
};

static void printHeader(llvm::StringRef title, llvm::StringRef checked,
                        llvm::StringRef relative) {
  llvm::outs() << title << "\n"
               << fmt::format("{:<28} {:>9} {:>12} {:>12}  {}\n", "parameter",
                              checked.str(), "max |error|", relative.str(),
                              "result");
}

static void printRow(llvm::StringRef name, size_t checked, double maxAbs,
                     double maxRel, bool ok) {
  llvm::outs() << fmt::format("{:<28} {:>9} {:>12.3g} {:>12.3g}  {}\n",
                              name.str(), checked, maxAbs, maxRel,
                              ok ? "ok" : "FAIL");
}

/// Random arguments for the loss function `loss` of the f64 build: inputs
/// from N(0, 1) (integers: labels in range of the logits' classes, embedding
/// ids over the whole table, others in {0, 1}), parameters from their inits, state zero (one fixed dropout mask
/// for every evaluation of the loss). Float values are those of the f32
/// build's argument types (`types`), so both builds see the same point.
static llvm::Expected<std::vector<Tensor>>
makeArguments(const FunctionSpec &loss, llvm::ArrayRef<DType> types) {
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
    Tensor t(arg.type.dtype, shape);
    if (arg.kind == Role::Param) {
      if (llvm::Error err = verifyInit(arg.init, arg.initArgs))
        return std::move(err);
      Tensor f32(DType::F32, shape);
      initParam(f32, arg.init, arg.initArgs, seed, i);
      t = convertFloat(f32, DType::F64);
    } else if (arg.kind != Role::State) {
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
          return llvm::createStringError(
              "gradcheck cannot make random data for input '" + arg.name +
              "' of type " + arg.type.str());
        }
      }
    }
    if (isFloat(t.dtype))
      t = convertFloat(convertFloat(t, types[i]), DType::F64);
    args[i] = std::move(t);
  }
  return args;
}

static std::vector<const Tensor *> pointers(const std::vector<Tensor> &args) {
  std::vector<const Tensor *> ptrs;
  for (const Tensor &t : args)
    ptrs.push_back(&t);
  return ptrs;
}

/// The f64 check: `grads`, the f64 build's gradients at `args`, against
/// central finite differences of its loss function, on up to --elements
/// elements of each parameter. Returns the worst max relative error.
static llvm::Expected<Worst> checkF64(CompiledTrain &compiled,
                                      std::vector<Tensor> &args,
                                      const std::vector<Tensor> &grads) {
  const FunctionSpec &loss = compiled.loss;
  auto evalLoss = [&]() -> llvm::Expected<double> {
    auto out = compiled.jit->call(loss, pointers(args));
    if (!out)
      return out.takeError();
    return (*out)[loss.findResult(Role::Loss)].data<double>()[0];
  };
  printHeader(fmt::format("f64 gradients against central finite differences "
                          "(--tol {:.3g}):",
                          double(tolerance)),
              "checked", "max relative");
  Worst worst;
  for (size_t i = 0; i < loss.args.size(); ++i) {
    if (loss.args[i].kind != Role::Param)
      continue;
    const std::string &param = loss.args[i].name;
    int r = compiled.main.findResult(Role::Grad, param);
    if (r < 0)
      return llvm::createStringError("no gradient result for parameter '" +
                                     param + "'");
    const Tensor &analytic = grads[r];
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
        return up ? down.takeError() : up.takeError();
      double numeric = (*up - *down) / (2 * h);
      double err = std::abs(analytic.data<double>()[k] - numeric);
      maxAbs = std::max(maxAbs, err);
      maxRel = std::max(maxRel, err / std::max(1.0, std::abs(numeric)));
    }
    printRow(param, elements.size(), maxAbs, maxRel, maxRel <= tolerance);
    worst.add(param, maxRel);
  }
  return worst;
}

/// The f32 check: the f32 build's loss and gradients at `args` (rounded to
/// its argument types) against the f64 build's `loss64` and `grads64`,
/// every element. An element's error is |g32 - g64| / max(|g64|, rms,
/// rmsAll): rms the root mean square of that parameter's f64 gradient,
/// rmsAll that of every parameter's (docs/TRAINING.md section 4 says why).
static llvm::Expected<Worst> checkF32(CompiledTrain &reference,
                                      CompiledTrain &compiled,
                                      const std::vector<Tensor> &args,
                                      const std::vector<Tensor> &grads64,
                                      double loss64, double tol) {
  const FunctionSpec &loss = compiled.loss;
  std::vector<Tensor> args32(args.size());
  for (size_t i = 0; i < args.size(); ++i)
    args32[i] = isFloat(args[i].dtype)
                    ? convertFloat(args[i], loss.args[i].type.dtype)
                    : args[i];
  auto lossOut = compiled.jit->call(loss, pointers(args32));
  if (!lossOut)
    return lossOut.takeError();
  auto grads = compiled.jit->call(compiled.main, pointers(args32));
  if (!grads)
    return grads.takeError();

  printHeader(fmt::format("f32 gradients, the code that trains, against the "
                          "f64 ones (--tol-f32 {:.3g}{}):",
                          tol,
                          compiled.roundsToBF16 ? ", rounding to bf16" : ""),
              "elements", "max scaled");
  Worst worst;
  // The loss function's forward (the one `deepc eval` runs), relative to
  // the loss.
  Tensor loss32 =
      convertFloat((*lossOut)[loss.findResult(Role::Loss)], DType::F64);
  double lossErr = std::abs(loss32.data<double>()[0] - loss64);
  double lossRel = lossErr == 0 ? 0 : lossErr / std::abs(loss64);
  printRow("(loss)", 1, lossErr, lossRel, lossRel <= tol);
  worst.add("(loss)", lossRel);

  // Each parameter's f64 gradient (the reference) and f32 one, and the
  // root mean squares of the reference's elements.
  struct Gradient {
    std::string param;
    const double *ref;
    Tensor g32;
    double rms;
  };
  std::vector<Gradient> gradients;
  double squaresAll = 0;
  int64_t elementsAll = 0;
  for (size_t i = 0; i < loss.args.size(); ++i) {
    if (loss.args[i].kind != Role::Param)
      continue;
    const std::string &param = loss.args[i].name;
    int r = compiled.main.findResult(Role::Grad, param);
    int r64 = reference.main.findResult(Role::Grad, param);
    if (r < 0 || r64 < 0)
      return llvm::createStringError("no gradient result for parameter '" +
                                     param + "'");
    Gradient g{param, grads64[r64].data<double>(),
               convertFloat((*grads)[r], DType::F64), 0};
    int64_t n = g.g32.numel();
    double squares = 0;
    for (int64_t k = 0; k < n; ++k)
      squares += g.ref[k] * g.ref[k];
    g.rms = n ? std::sqrt(squares / double(n)) : 0;
    squaresAll += squares;
    elementsAll += n;
    gradients.push_back(std::move(g));
  }
  double rmsAll = elementsAll ? std::sqrt(squaresAll / double(elementsAll)) : 0;
  for (const Gradient &g : gradients) {
    const double *g32 = g.g32.data<double>();
    int64_t n = g.g32.numel();
    double maxAbs = 0, maxRel = 0;
    for (int64_t k = 0; k < n; ++k) {
      double err = std::abs(g32[k] - g.ref[k]);
      maxAbs = std::max(maxAbs, err);
      if (err > 0)
        maxRel = std::max(maxRel,
                          err / std::max({std::abs(g.ref[k]), g.rms, rmsAll}));
    }
    printRow(g.param, size_t(n), maxAbs, maxRel, maxRel <= tol);
    worst.add(g.param, maxRel);
  }
  return worst;
}

int runGradcheck() {
  if (batch <= 0 || samplesPerParam <= 0 || tolerance <= 0 ||
      (toleranceF32.getNumOccurrences() && toleranceF32 <= 0))
    return fail("--batch, --elements, --tol and --tol-f32 must be positive");
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  auto name = pickTrainBlock(*source->program, trainName);
  if (!name)
    return fail(name.takeError());
  bool f64 = precision != Precision::F32, f32 = precision != Precision::F64;
  // The f64 build is the reference of the f32 check: with --precision f32,
  // a corrupted rule is wrong in the f32 code alone.
  auto compiled = compileTrainBlock(*source, *name, TrainMode::Grad,
                                    f64 ? corruptRule.getValue() : "");
  if (!compiled)
    return 1;
  std::unique_ptr<CompiledTrain> compiled32;
  if (f32) {
    compiled32 =
        compileTrainBlock(*source, *name, TrainMode::GradF32, corruptRule);
    if (!compiled32)
      return 1;
    if (compiled32->loss.args.size() != compiled->loss.args.size())
      return fail("the f32 and f64 builds of '" + *name +
                  "' take different arguments");
  }
  std::vector<DType> types;
  for (size_t i = 0; i < compiled->loss.args.size(); ++i)
    types.push_back(compiled32 ? compiled32->loss.args[i].type.dtype
                               : DType::F32);
  auto args = makeArguments(compiled->loss, types);
  if (!args)
    return fail(args.takeError());
  auto grads = compiled->jit->call(compiled->main, pointers(*args));
  if (!grads)
    return fail(grads.takeError());

  std::vector<std::string> errors;
  if (f64) {
    auto worst = checkF64(*compiled, *args, *grads);
    if (!worst)
      return fail(worst.takeError());
    if (worst->error > tolerance)
      errors.push_back(fmt::format("gradient of '{}' differs from finite "
                                   "differences by {:.3g} (tolerance {:.3g})",
                                   worst->name, worst->error,
                                   double(tolerance)));
  }
  if (f32) {
    int r = compiled->main.findResult(Role::Loss);
    double loss64 = (*grads)[r < 0 ? 0 : r].data<double>()[0];
    // bf16 has 8 bits of mantissa to f32's 24: its rounding errors are
    // 2^16 times larger, but a wrong kernel's still are not.
    double tol = toleranceF32.getNumOccurrences() ? double(toleranceF32)
                 : compiled32->roundsToBF16       ? 3e-2
                                                  : 1e-3;
    auto worst = checkF32(*compiled, *compiled32, *args, *grads, loss64, tol);
    if (!worst)
      return fail(worst.takeError());
    if (worst->error > tol)
      errors.push_back(fmt::format(
          "f32 {} differs from the f64 one by {:.3g} (tolerance {:.3g}, "
          "--tol-f32)",
          worst->name == "(loss)" ? "loss"
                                  : "gradient of '" + worst->name + "'",
          worst->error, tol));
  }
  llvm::outs().flush();
  for (const std::string &error : errors)
    fail(error);
  return errors.empty() ? 0 : 1;
}

} // namespace deepc::driver
