//===- Bench.cpp - deepc bench: time a model's compiled code --------------===//
//
// Compiles a model's forward pass and a train block's step, as predict and
// train do, then calls each on random inputs at a list of batch sizes and
// prints the compile time and the median time per call. Inputs: f32 inputs
// uniform in [0, 1); the labels input of a loss in [0, classes); embedding
// ids over the table's rows; other integer inputs 0. Parameters come from their inits, optimizer state is
// zero, and every call starts from the same buffers, so each call is the
// same work. bench/bench.py compares the figures with PyTorch.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Model.h"
#include "tools/deepc/Subcommands.h"
#include "tools/deepc/Training.h"
#include "tools/deepc/Weights.h"

#include "runtime/Convert.h"
#include "runtime/Init.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand benchCommand("bench",
                            "Time the compiled forward and train step, per "
                            "batch size");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"), cl::sub(benchCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string> modelName("model",
                                      cl::desc("The model to time (default: "
                                               "the file's only one)"),
                                      cl::value_desc("name"),
                                      cl::sub(benchCommand),
                                      cl::cat(deepcCategory));
static cl::opt<std::string> trainName("train",
                                      cl::desc("The train block to time "
                                               "(default: the file's only "
                                               "one)"),
                                      cl::value_desc("name"),
                                      cl::sub(benchCommand),
                                      cl::cat(deepcCategory));
static cl::opt<std::string> batchSizes("batch-sizes",
                                       cl::desc("Batch sizes to time"),
                                       cl::value_desc("list"), cl::init("1,64"),
                                       cl::sub(benchCommand),
                                       cl::cat(deepcCategory));
static cl::opt<double>
    minTime("min-time",
            cl::desc("Seconds to spend per function and batch size (at "
                     "least 5 calls after one warm-up call)"),
            cl::init(1.0), cl::sub(benchCommand), cl::cat(deepcCategory));
static cl::opt<bool> json("json", cl::desc("One JSON object per line"),
                          cl::sub(benchCommand), cl::cat(deepcCategory));

using Clock = std::chrono::steady_clock;

static double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Random inputs of `batch` samples for the Input slots of `spec`; integer
/// input `labels` gets values in [0, classes), embedding ids values in
/// [0, rows).
static void fillInputs(const FunctionSpec &spec, int64_t batch,
                       llvm::StringRef labels, int64_t classes,
                       std::vector<Tensor> &args) {
  Philox rng(/*seed=*/1, /*streamId=*/0);
  for (size_t i = 0; i < spec.args.size(); ++i) {
    const ArgSpec &arg = spec.args[i];
    if (arg.kind != Role::Input)
      continue;
    std::vector<int64_t> shape = arg.type.shape;
    for (int64_t &d : shape)
      if (d < 0)
        d = batch;
    // bf16 inputs get the f32 values, rounded.
    bool bf16 = arg.type.dtype == DType::BF16;
    Tensor t(bf16 ? DType::F32 : arg.type.dtype, shape);
    int64_t n = t.numel();
    int64_t range = arg.name == labels ? classes : arg.idRows;
    for (int64_t k = 0; k < n; ++k) {
      double u = rng.uniform(uint64_t(k));
      switch (t.dtype) {
      case DType::F32:
        t.data<float>()[k] = float(u);
        break;
      case DType::I32:
        t.data<int32_t>()[k] = int32_t(u * double(range));
        break;
      case DType::I64:
        t.data<int64_t>()[k] = int64_t(u * double(range));
        break;
      default:
        break; // zeros
      }
    }
    args[i] = bf16 ? convertFloat(t, DType::BF16) : std::move(t);
  }
}

struct Timing {
  double median = 0, p10 = 0, p90 = 0;
  /// Median CPU seconds of the process per call: on a shared machine the
  /// wall time includes the time other processes ran; this does not.
  double cpuMedian = 0;
  int64_t calls = 0;
};

/// CPU seconds this process has run (all its threads).
static double processCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// Calls `fn` once to warm up, then until `minTime` has passed and at least
/// five times; the quantiles of the per-call times.
template <typename Fn> static llvm::Expected<Timing> timeCalls(Fn &&fn) {
  if (llvm::Error e = fn())
    return std::move(e);
  std::vector<double> times, cpuTimes;
  auto start = Clock::now();
  while (times.size() < 5 || secondsSince(start) < minTime) {
    // The CPU clock is a system call (about a microsecond here): read it
    // outside the wall clock's interval, which then holds the call alone.
    double cpu0 = processCpuSeconds();
    auto t0 = Clock::now();
    if (llvm::Error e = fn())
      return std::move(e);
    times.push_back(secondsSince(t0));
    cpuTimes.push_back(processCpuSeconds() - cpu0);
  }
  std::sort(times.begin(), times.end());
  std::sort(cpuTimes.begin(), cpuTimes.end());
  Timing t;
  t.calls = int64_t(times.size());
  auto at = [&](double q) {
    return times[size_t(q * double(times.size() - 1))];
  };
  t.median = at(0.5), t.p10 = at(0.1), t.p90 = at(0.9);
  t.cpuMedian = cpuTimes[cpuTimes.size() / 2];
  return t;
}

static void report(llvm::StringRef kind, llvm::StringRef name, int64_t batch,
                   const Timing &t) {
  double perSample = double(batch) / t.median;
  if (json) {
    auto g = [](double v) { return llvm::format("%.6g", v); };
    llvm::outs() << llvm::formatv(
        "{{\"kind\":\"{0}\",\"name\":\"{1}\",\"batch\":{2},\"median_ms\":{3}"
        ",\"p10_ms\":{4},\"p90_ms\":{5},\"calls\":{6},\"samples_per_s\":{7}"
        ",\"cpu_median_ms\":{8}}\n",
        kind, name, batch, g(t.median * 1e3), g(t.p10 * 1e3), g(t.p90 * 1e3),
        t.calls, g(perSample), g(t.cpuMedian * 1e3));
    return;
  }
  llvm::outs() << llvm::formatv(
      "  {0,-8} batch {1,5}  median {2,10:f4} ms  (p10 {3:f4}, p90 {4:f4}; "
      "{5} calls)  {6:f0} samples/s  cpu {7:f4} ms\n",
      kind, batch, t.median * 1e3, t.p10 * 1e3, t.p90 * 1e3, t.calls, perSample,
      t.cpuMedian * 1e3);
}

/// Reports a compile time: wall seconds and this process's CPU seconds (on a
/// shared machine the wall time includes other processes' turns).
static void reportCompile(llvm::StringRef kind, llvm::StringRef name,
                          double seconds, double cpuSeconds) {
  if (json)
    llvm::outs() << llvm::formatv(
        "{{\"kind\":\"compile_{0}\",\"name\":\"{1}\",\"seconds\":{2},"
        "\"cpu_seconds\":{3}}\n",
        kind, name, llvm::format("%.6g", seconds),
        llvm::format("%.6g", cpuSeconds));
  else
    llvm::outs() << llvm::formatv(
        "{0} {1}: compiled in {2:f3} s (cpu {3:f3} s)\n", kind, name, seconds,
        cpuSeconds);
}

/// Times `spec` at each batch size of `sizes`, with random inputs in the
/// Input slots of `args` (the other slots set by the caller), and reports.
static llvm::Error timeAtSizes(llvm::StringRef kind, llvm::StringRef name,
                               JITModule &jit, const FunctionSpec &spec,
                               std::vector<Tensor> &args,
                               llvm::StringRef labels, int64_t classes,
                               llvm::ArrayRef<int64_t> sizes) {
  for (int64_t batch : sizes) {
    fillInputs(spec, batch, labels, classes, args);
    std::vector<const Tensor *> ptrs;
    for (const Tensor &t : args)
      ptrs.push_back(&t);
    auto timing = timeCalls([&]() -> llvm::Error {
      auto out = jit.call(spec, ptrs);
      return out ? llvm::Error::success() : out.takeError();
    });
    if (!timing)
      return timing.takeError();
    report(kind, name, batch, *timing);
  }
  return llvm::Error::success();
}

static cl::opt<unsigned> threadsFlag("threads", cl::desc(DEEPC_THREADS_DESC),
                                     cl::init(1), cl::sub(benchCommand),
                                     cl::cat(deepcCategory));

int runBench() {
  threads = threadsFlag;
  if (checkThreads())
    return 1;
  std::vector<int64_t> sizes;
  llvm::SmallVector<llvm::StringRef, 4> parts;
  llvm::StringRef(batchSizes).split(parts, ',', -1, false);
  for (llvm::StringRef p : parts) {
    int64_t b;
    if (p.trim().getAsInteger(10, b) || b <= 0)
      return fail("--batch-sizes: '" + p.trim() +
                  "' is not a positive integer");
    sizes.push_back(b);
  }
  if (sizes.empty())
    return fail("--batch-sizes is empty");
  if (!(minTime >= 0))
    return fail("--min-time must be >= 0");

  auto start = Clock::now();
  double cpuStart = processCpuSeconds();
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  double checkSeconds = secondsSince(start);
  double checkCpu = processCpuSeconds() - cpuStart;

  // The forward pass of a model, when the file has one to pick.
  if (!source->program->models.empty()) {
    auto name = pickModel(*source->program, modelName);
    if (!name)
      return fail(name.takeError());
    auto t0 = Clock::now();
    double cpu0 = processCpuSeconds();
    auto compiled = compileModel(*source, *name);
    if (!compiled)
      return fail(compiled.takeError());
    if (!compiled->jit)
      return 1;
    reportCompile("model", *name, checkSeconds + secondsSince(t0),
                  checkCpu + processCpuSeconds() - cpu0);
    const FunctionSpec &spec = compiled->spec;
    std::vector<Tensor> args(spec.args.size());
    if (llvm::Error err = loadParameters(spec, "", 0, args))
      return fail(std::move(err));
    if (llvm::Error err = timeAtSizes("forward", *name, *compiled->jit, spec,
                                      args, "", 0, sizes))
      return fail(std::move(err));
  }

  // The step of a train block.
  if (!source->program->trains.empty()) {
    auto name = pickTrainBlock(*source->program, trainName);
    if (!name)
      return fail(name.takeError());
    auto t0 = Clock::now();
    double cpu0 = processCpuSeconds();
    auto compiled = compileTrainBlock(*source, *name, TrainMode::Step);
    if (!compiled)
      return 1;
    reportCompile("train", *name, checkSeconds + secondsSince(t0),
                  checkCpu + processCpuSeconds() - cpu0);
    const FunctionSpec &step = compiled->main;
    std::vector<Tensor> args(step.args.size());
    if (llvm::Error err = loadParameters(step, "", 0, args))
      return fail(std::move(err));
    std::string labels;
    int64_t classes = 0;
    int logits = step.findResult(Role::Logits);
    if (logits >= 0) {
      labels = step.results[logits].name;
      classes = step.results[logits].type.shape.back();
    }
    for (size_t i = 0; i < step.args.size(); ++i) {
      if (step.args[i].kind == Role::State)
        args[i] = Tensor(DType::F32, step.args[i].type.shape);
      if (step.args[i].kind == Role::LearningRate) {
        args[i] = Tensor(DType::F32, {});
        args[i].data<float>()[0] = float(compiled->settings.lr);
      }
    }
    if (llvm::Error err = timeAtSizes("step", *name, *compiled->jit, step, args,
                                      labels, classes, sizes))
      return fail(std::move(err));
  }
  if (source->program->models.empty() && source->program->trains.empty())
    return fail(input + " has no model and no train block to time");
  return 0;
}

} // namespace deepc::driver
