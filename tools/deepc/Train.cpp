//===- Train.cpp - deepc train --------------------------------------------===//
//
// JIT-compiles a train block's step and runs it over the data: batches in
// a per-epoch order keyed by (seed, epoch), the last partial batch kept;
// a progress bar on a terminal, one summary line per epoch, optional JSON
// lines, checkpoints and curves.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Data.h"
#include "tools/deepc/Driver.h"
#include "tools/deepc/Parallel.h"
#include "tools/deepc/Report.h"
#include "tools/deepc/Subcommands.h"
#include "tools/deepc/Training.h"
#include "tools/deepc/Weights.h"

#include "codegen/Target.h"

#include "runtime/AtomicFile.h"
#include "runtime/Augment.h"
#include "runtime/Batches.h"
#include "runtime/Comm.h"
#include "runtime/Metrics.h"
#include "runtime/Plot.h"
#include "runtime/Progress.h"
#include "runtime/RunLog.h"
#include "runtime/Safetensors.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>
#include <thread>

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand trainCommand("train", "JIT-compile a train block and run it");

/// CPU seconds this process has run (all its threads): an epoch's
/// `cpu_seconds`, which other work on a shared machine inflates far less
/// than its wall time.
static double processCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"), cl::sub(trainCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string> trainName("train",
                                      cl::desc("The train block to run"),
                                      cl::value_desc("name"),
                                      cl::sub(trainCommand),
                                      cl::cat(deepcCategory));
static cl::list<std::string> data("data",
                                  cl::desc("Bind a training data file to an "
                                           "input of the train block"),
                                  cl::value_desc("name=path[sel]"),
                                  cl::sub(trainCommand),
                                  cl::cat(deepcCategory));
static cl::list<std::string> val("val", cl::desc("Bind a validation data file"),
                                 cl::value_desc("name=path[sel]"),
                                 cl::sub(trainCommand), cl::cat(deepcCategory));
static cl::opt<int64_t> epochsFlag("epochs",
                                   cl::desc("Epochs (from the start of "
                                            "training; overrides the block)"),
                                   cl::init(0), cl::sub(trainCommand),
                                   cl::cat(deepcCategory));
static cl::opt<int64_t> batchFlag("batch", cl::desc("Batch size"), cl::init(0),
                                  cl::sub(trainCommand),
                                  cl::cat(deepcCategory));
static cl::opt<double> lrFlag("lr", cl::desc("Learning rate"), cl::init(0),
                              cl::sub(trainCommand), cl::cat(deepcCategory));
static cl::opt<uint64_t> seedFlag("seed",
                                  cl::desc("Seed of init and data order"),
                                  cl::sub(trainCommand),
                                  cl::cat(deepcCategory));
static cl::opt<bool> noShuffle("no-shuffle", cl::desc("Batches in file order"),
                               cl::sub(trainCommand), cl::cat(deepcCategory));
static cl::opt<std::string>
    augmentFlag("augment",
                cl::desc("Randomly perturb training images: any of flip, "
                         "crop=K (pad K, crop back), noise=S (Gaussian); "
                         "seeded, off by default"),
                cl::value_desc("flip,crop=4,noise=0.05"), cl::sub(trainCommand),
                cl::cat(deepcCategory));
static cl::opt<std::string> initPath("init",
                                     cl::desc("Initial weights (safetensors)"),
                                     cl::value_desc("file"),
                                     cl::sub(trainCommand),
                                     cl::cat(deepcCategory));
static cl::opt<std::string> savePath("save",
                                     cl::desc("Checkpoint to write after each "
                                              "epoch (safetensors)"),
                                     cl::value_desc("file"),
                                     cl::sub(trainCommand),
                                     cl::cat(deepcCategory));
static cl::opt<std::string> resumePath("resume",
                                       cl::desc("Checkpoint to continue from"),
                                       cl::value_desc("file"),
                                       cl::sub(trainCommand),
                                       cl::cat(deepcCategory));
static cl::opt<std::string> logPath("log",
                                    cl::desc("JSON lines of steps and epochs"),
                                    cl::value_desc("file"),
                                    cl::sub(trainCommand),
                                    cl::cat(deepcCategory));
static cl::opt<int64_t> logEvery("log-every",
                                 cl::desc("Log every K-th step (default 1)"),
                                 cl::init(1), cl::sub(trainCommand),
                                 cl::cat(deepcCategory));
static cl::opt<std::string> plotPath("plot",
                                     cl::desc("SVG of loss and accuracy per "
                                              "epoch"),
                                     cl::value_desc("file"),
                                     cl::sub(trainCommand),
                                     cl::cat(deepcCategory));
static cl::opt<std::string>
    reportPath("report",
               cl::desc("HTML report rewritten after each epoch: curves, "
                        "confusion matrix, settings and the compiled "
                        "stages (docs/REPORT.md)"),
               cl::value_desc("file.html"), cl::sub(trainCommand),
               cl::cat(deepcCategory));
static cl::opt<unsigned> threadsFlag("threads", cl::desc(DEEPC_THREADS_DESC),
                                     cl::init(1), cl::sub(trainCommand),
                                     cl::cat(deepcCategory));
static cl::opt<unsigned>
    localShards("local-shards",
                cl::desc("Train in this one process as W MPI ranks would "
                         "(the local backend, docs/DISTRIBUTED.md)"),
                cl::value_desc("W"), cl::init(0), cl::sub(trainCommand),
                cl::cat(deepcCategory));
static cl::opt<std::string>
    rankWeights("rank-weights",
                cl::desc("Testing: every rank writes its final weights to "
                         "PREFIX.rankN.safetensors"),
                cl::value_desc("PREFIX"), cl::sub(trainCommand),
                cl::cat(deepcCategory));
static cl::opt<bool>
    printCommTime("print-comm-time",
                  cl::desc("Print the time per step spent summing "
                           "gradients over the ranks (after a barrier) and "
                           "waiting for the slowest rank"),
                  cl::sub(trainCommand), cl::cat(deepcCategory));
static cl::opt<int> perturbRank(
    "test-perturb-rank",
    cl::desc("Testing: this rank changes one weight after each epoch, which "
             "the ranks' weight check must catch"),
    cl::init(-1), cl::Hidden, cl::sub(trainCommand));
static cl::opt<std::string> killRank(
    "test-kill-rank",
    cl::desc("Testing: rank R kills itself (SIGKILL) once epoch E is done "
             "and rank 0 has saved it"),
    cl::value_desc("R:E"), cl::Hidden, cl::sub(trainCommand));

namespace {
/// The arguments of the compiled step and where its results go back.
struct StepState {
  std::vector<Tensor> args;     ///< one per step argument
  std::vector<int> resultToArg; ///< result index -> argument, or -1
  int lossResult = -1;
  int logitsResult = -1;
  int labelsArg = -1; ///< the input the logits are scored against
  int lrArg = -1;
};
} // namespace

/// Matches updated parameters and state to the arguments they replace.
static llvm::Expected<StepState> prepareStep(const FunctionSpec &step) {
  StepState s;
  s.args.resize(step.args.size());
  s.lossResult = step.findResult(Role::Loss);
  s.logitsResult = step.findResult(Role::Logits);
  s.lrArg = step.findArg(Role::LearningRate);
  if (s.lossResult < 0 || s.lrArg < 0)
    return llvm::createStringError("the step of @" + step.name +
                                   " has no loss result or no lr argument");
  if (s.logitsResult >= 0)
    s.labelsArg = step.findArg(Role::Input, step.results[s.logitsResult].name);
  for (const ResultSpec &r : step.results) {
    int arg = -1;
    if (r.role == Role::Param || r.role == Role::State)
      arg = step.findArg(r.role, r.name);
    s.resultToArg.push_back(arg);
  }
  return s;
}

/// The checkpoint format this deepc writes and reads (the "format"
/// metadata); a change of what a checkpoint holds gets a new number.
static constexpr llvm::StringLiteral checkpointFormat = "deepc-checkpoint-1";

/// Writes parameters, optimizer state and progress to `path` atomically.
static llvm::Error saveCheckpoint(llvm::StringRef path,
                                  const FunctionSpec &step,
                                  const StepState &state, int64_t epoch,
                                  int64_t stepCount, uint64_t seed) {
  SafetensorsFile file;
  for (size_t i = 0; i < step.args.size(); ++i) {
    Role role = step.args[i].kind;
    if (role == Role::Param || role == Role::State)
      file.tensors.emplace_back(step.args[i].name, state.args[i]);
  }
  file.metadata["epoch"] = std::to_string(epoch);
  file.metadata["step"] = std::to_string(stepCount);
  file.metadata["seed"] = std::to_string(seed);
  file.metadata["train"] = step.name;
  file.metadata["format"] = checkpointFormat.str();
  return writeSafetensors(path, file);
}

/// Reads optimizer state and progress from a checkpoint.
static llvm::Error loadCheckpointState(llvm::StringRef path,
                                       const FunctionSpec &step,
                                       StepState &state, int64_t &epoch,
                                       int64_t &stepCount, uint64_t &seed) {
  auto file = readSafetensors(path);
  if (!file)
    return file.takeError();
  auto format = file->metadata.find("format");
  if (format == file->metadata.end())
    return llvm::createStringError(
        llvm::formatv("{0}: not a deepc checkpoint, or one from an older "
                      "version (no 'format' metadata; this deepc reads {1})",
                      path, checkpointFormat)
            .str());
  if (format->second != checkpointFormat)
    return llvm::createStringError(
        llvm::formatv("{0}: checkpoint format '{1}' is not the one this deepc "
                      "reads ({2})",
                      path, format->second, checkpointFormat)
            .str());
  for (size_t i = 0; i < step.args.size(); ++i) {
    if (step.args[i].kind != Role::State)
      continue;
    const Tensor *t = file->find(step.args[i].name);
    if (!t || t->dtype != DType::F32 || t->shape != step.args[i].type.shape)
      return llvm::createStringError(
          llvm::formatv("{0}: missing or mismatched optimizer state '{1}' "
                        "(a checkpoint of another train block or "
                        "optimizer?)",
                        path, step.args[i].name)
              .str());
    state.args[i] = *t;
  }
  auto number = [&](llvm::StringRef key, auto &out) -> llvm::Error {
    auto it = file->metadata.find(key.str());
    if (it == file->metadata.end() ||
        llvm::StringRef(it->second).getAsInteger(10, out))
      return llvm::createStringError(
          llvm::formatv("{0}: not a deepc checkpoint (no '{1}' metadata)", path,
                        key)
              .str());
    return llvm::Error::success();
  };
  if (llvm::Error err = number("epoch", epoch))
    return err;
  if (llvm::Error err = number("step", stepCount))
    return err;
  return number("seed", seed);
}

static cl::opt<bool> checkNumericsFlag("check-numerics",
                                       cl::desc(DEEPC_CHECK_NUMERICS_DESC),
                                       cl::sub(trainCommand),
                                       cl::cat(deepcCategory));

/// The settings table of the report: what the run was asked to do and
/// where it ran.
static std::vector<std::pair<std::string, std::string>>
runSettings(llvm::StringRef block, int64_t epochs, int64_t batch, double lr,
            uint64_t seed, int ranks) {
  auto join = [](const cl::list<std::string> &list) {
    std::string s;
    for (const std::string &item : list)
      s += (s.empty() ? "" : " ") + item;
    return s;
  };
  std::vector<std::pair<std::string, std::string>> rows = {
      {"file", input},
      {"train block", block.str()},
      {"data", join(data)},
      {"val", val.empty() ? "none" : join(val)},
      {"epochs", std::to_string(epochs)},
      {"batch", std::to_string(batch)},
      {"lr", llvm::formatv("{0}", lr).str()},
      {"seed", std::to_string(seed)},
      {"shuffle", noShuffle ? "no" : "yes"},
      {"augment", augmentFlag.empty() ? "none" : augmentFlag.getValue()},
      {"init", initPath.empty() ? "none" : initPath.getValue()},
      {"resume", resumePath.empty() ? "none" : resumePath.getValue()},
      {"log every", std::to_string(logEvery)},
      {"threads", std::to_string(threads)},
      {"ranks", std::to_string(ranks)},
      {"check numerics", checkNumerics ? "yes" : "no"},
      {"CPU", llvm::sys::getHostCPUName().str() + ", " +
                  std::to_string(std::thread::hardware_concurrency()) +
                  " hardware threads"}};
  return rows;
}

/// Sums the epoch's confusion counts over the ranks (MPI: each rank scored
/// its own shards), creating the matrix where a rank scored nothing.
static llvm::Error sumConfusion(Comm &comm,
                                std::optional<ConfusionMatrix> &confusion,
                                const ResultSpec &logits) {
  if (!confusion)
    confusion.emplace(logits.multiLabel ? 2 : logits.type.shape.back());
  std::vector<double> counts(confusion->counts().begin(),
                             confusion->counts().end());
  if (llvm::Error err = comm.sumF64(counts))
    return err;
  std::vector<int64_t> sums(counts.size());
  for (size_t i = 0; i < counts.size(); ++i)
    sums[i] = int64_t(counts[i]) - confusion->counts()[i];
  confusion->addCounts(sums);
  return llvm::Error::success();
}

static int train(Comm *comm) {
  // Data-parallel (docs/DISTRIBUTED.md): over several MPI ranks or local
  // shards, the step is split; rank 0 alone reads checkpoints and writes.
  bool parallel = comm && (comm->size() > 1 || comm->backend() == "local");
  bool lead = !comm || comm->rank() == 0;
  checkNumerics = checkNumericsFlag;
  if (epochsFlag.getNumOccurrences() && epochsFlag < 0)
    return fail(llvm::formatv("--epochs must be 0 or more (got {0})",
                              int64_t(epochsFlag))
                    .str());
  if (batchFlag.getNumOccurrences() && batchFlag <= 0)
    return fail(
        llvm::formatv("--batch must be positive (got {0})", int64_t(batchFlag))
            .str());
  if (lrFlag.getNumOccurrences() && !(std::isfinite(lrFlag) && lrFlag >= 0))
    return fail((llvm::Twine("--lr must be a finite number, 0 or more (got ") +
                 llvm::formatv("{0}", llvm::format("%g", double(lrFlag))) + ")")
                    .str());
  if (logEvery <= 0)
    return fail("--log-every must be positive");
  threads = threadsFlag;
  if (checkThreads())
    return 1;
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  auto name = pickTrainBlock(*source->program, trainName);
  if (!name)
    return fail(name.takeError());
  // The seed keys the dropout masks, compiled into the step: --seed, or
  // on --resume the checkpoint's, else the block's.
  std::optional<uint64_t> runSeed;
  if (seedFlag.getNumOccurrences())
    runSeed = uint64_t(seedFlag);
  if (!resumePath.empty() && lead) {
    auto file = readSafetensors(resumePath);
    if (!file)
      return fail(file.takeError());
    uint64_t saved = 0;
    auto it = file->metadata.find("seed");
    if (it != file->metadata.end() &&
        !llvm::StringRef(it->second).getAsInteger(10, saved))
      runSeed = saved;
  }
  if (comm && comm->size() > 1) {
    // The checkpoint's seed, read by rank 0, keys every rank's step.
    uint64_t shared[2] = {runSeed.has_value(), runSeed.value_or(0)};
    if (llvm::Error err = comm->broadcast(
            llvm::MutableArrayRef(reinterpret_cast<uint8_t *>(shared),
                                  sizeof(shared)),
            0))
      return fail(std::move(err));
    runSeed = shared[0] ? std::optional<uint64_t>(shared[1]) : std::nullopt;
  }
  // The loss function alone is for --val. Every rank but 0 draws its own
  // dropout masks.
  uint64_t salt = comm ? uint64_t(comm->rank()) * 0x9E3779B97F4A7C15ull : 0;
  auto compiled = compileTrainBlock(
      *source, *name, parallel ? TrainMode::Split : TrainMode::Step, "",
      runSeed, /*compileLoss=*/!val.empty() && lead, salt);
  if (!compiled)
    return 1;
  const FunctionSpec stepSpec =
      parallel ? combinedSpec(*compiled) : compiled->main;
  const FunctionSpec &step = stepSpec;
  std::optional<ShardedStep> sharded;
  if (parallel) {
    sharded.emplace(*comm, *compiled, step);
    sharded->timeApart = printCommTime;
  }
  TrainSettings &settings = compiled->settings;
  // A flag given overrides the block, whatever its value: --epochs 0 trains
  // nothing (with --save it writes the initial weights), --lr 0 freezes
  // the weights. Values no run can use are errors, not silently ignored.
  int64_t epochs =
      epochsFlag.getNumOccurrences() ? int64_t(epochsFlag) : settings.epochs;
  int64_t batch =
      batchFlag.getNumOccurrences() ? int64_t(batchFlag) : settings.batch;
  double baseLR = lrFlag.getNumOccurrences() ? double(lrFlag) : settings.lr;
  uint64_t seed =
      seedFlag.getNumOccurrences() ? uint64_t(seedFlag) : settings.seed;

  auto state = prepareStep(step);
  if (!state)
    return fail(state.takeError());
  // The loss function's arguments are the step's first ones, in order:
  // evaluate() indexes both with the same positions.
  for (size_t i = 0; i < compiled->loss.args.size(); ++i)
    if (i >= step.args.size() ||
        step.args[i].name != compiled->loss.args[i].name)
      return fail("internal error: the step's arguments do not start with "
                  "the loss function's");
  auto augmentation = parseAugmentation(augmentFlag);
  if (!augmentation)
    return fail(augmentation.takeError());
  // The inputs that --augment perturbs: images, not labels or features.
  std::vector<bool> augmented(step.args.size(), false);
  if (augmentation->any()) {
    for (size_t i = 0; i < step.args.size(); ++i)
      if (step.args[i].kind == Role::Input)
        augmented[i] =
            isImageInput(step.args[i].type.dtype,
                         llvm::ArrayRef(step.args[i].type.shape).drop_front());
    if (!llvm::is_contained(augmented, true))
      return fail("--augment: '" + step.name +
                  "' has no image input (f32 samples of shape [..., H, W])");
  }
  auto bound = bindInputs(step, data, "data");
  if (!bound)
    return fail(bound.takeError());
  std::optional<BoundData> valBound;
  if (!val.empty() && lead) {
    auto v = bindInputs(compiled->loss, val, "val");
    if (!v)
      return fail(v.takeError());
    valBound = std::move(*v);
  }
  // Multi-label targets are data: any value is scored against 0.5.
  if (state->logitsResult >= 0 && state->labelsArg >= 0 &&
      !step.results[state->logitsResult].multiLabel) {
    int64_t classes = step.results[state->logitsResult].type.shape.back();
    std::optional<int64_t> ignore =
        step.results[state->logitsResult].ignoreIndex;
    if (llvm::Error err = checkLabels(bound->args[state->labelsArg], classes,
                                      bound->paths[state->labelsArg], ignore))
      return fail(std::move(err));
    int valLabels =
        compiled->loss.findArg(Role::Input, step.args[state->labelsArg].name);
    if (valBound && valLabels >= 0)
      if (llvm::Error err = checkLabels(valBound->args[valLabels], classes,
                                        valBound->paths[valLabels], ignore))
        return fail(std::move(err));
  }

  // Parameters: --resume, else --init, else their inits; state: zeros.
  int64_t startEpoch = 0, stepCount = 0;
  std::string weights = !resumePath.empty() ? resumePath : initPath;
  if (llvm::Error err =
          loadParameters(step, lead ? weights : "", seed, state->args))
    return fail(std::move(err));
  for (size_t i = 0; i < step.args.size(); ++i)
    if (step.args[i].kind == Role::State)
      state->args[i] = Tensor(DType::F32, step.args[i].type.shape);
  if (!resumePath.empty() && lead) {
    uint64_t savedSeed = seed;
    if (llvm::Error err = loadCheckpointState(resumePath, step, *state,
                                              startEpoch, stepCount, savedSeed))
      return fail(std::move(err));
    seed = savedSeed;
  }
  state->args[state->lrArg] = Tensor(DType::F32, {});
  if (comm && comm->size() > 1) {
    // Rank 0's parameters, state and progress for all.
    int64_t progress[3] = {startEpoch, stepCount, int64_t(seed)};
    if (llvm::Error err = comm->broadcast(
            llvm::MutableArrayRef(reinterpret_cast<uint8_t *>(progress),
                                  sizeof(progress)),
            0))
      return fail(std::move(err));
    startEpoch = progress[0];
    stepCount = progress[1];
    seed = uint64_t(progress[2]);
    if (llvm::Error err = sharded->broadcastWeights(state->args))
      return fail(std::move(err));
  }
  if (sharded)
    sharded->initBuffers(state->args);

  if (!savePath.empty() && lead)
    removeStaleTemporaries(savePath);
  if (!plotPath.empty() && lead)
    removeStaleTemporaries(plotPath);
  // The report's compile part: the step's stages as this run compiles them.
  std::optional<CompileReport> compileReport;
  RunReport runReport;
  if (!reportPath.empty() && lead) {
    removeStaleTemporaries(reportPath);
    auto tm = createTargetMachine("", CodeUse::JIT);
    if (!tm)
      return fail(tm.takeError());
    MLIRGenOptions genOptions;
    genOptions.trains = {*name};
    auto collected = buildCompileReport(*source, genOptions, jitPipeline(),
                                        **tm, TargetModel::host());
    if (!collected)
      return fail(collected.takeError());
    compileReport = std::move(*collected);
    runReport.settings =
        runSettings(*name, epochs, batch, baseLR, seed, comm ? comm->size() : 1);
  }
  std::unique_ptr<RunLog> log;
  if (!logPath.empty() && lead) {
    auto created = RunLog::create(logPath);
    if (!created)
      return fail(created.takeError());
    log = std::move(*created);
  }
  // A run that fails before its first step leaves no empty log behind.
  bool finished = false;
  llvm::scope_exit dropEmptyLog([&] {
    if (log && !finished)
      log->discardIfEmpty();
  });

  auto ranges = batchRanges(bound->samples, batch);
  int64_t totalSteps = epochs * int64_t(ranges.size());
  std::vector<EpochRecord> history;
  std::vector<Tensor> batchArgs(step.args.size());
  std::vector<const Tensor *> ptrs(step.args.size());
  std::pair<int, int64_t> kill = {-1, -1};
  if (!killRank.empty()) {
    auto [r, e] = llvm::StringRef(killRank).split(':');
    if (r.getAsInteger(10, kill.first) || e.getAsInteger(10, kill.second))
      return fail("--test-kill-rank wants R:E");
  }
  runReport.stepsPerEpoch = int64_t(ranges.size());
  // The page before the first epoch, so a run killed in it leaves one too.
  if (compileReport)
    if (llvm::Error err = writeReport(reportPath, *compileReport, &runReport))
      return fail(std::move(err));
  for (int64_t epoch = startEpoch; epoch < epochs; ++epoch) {
    if (comm && epoch == kill.second) {
      // After the barrier rank 0 has written epoch E's checkpoint.
      if (llvm::Error err = comm->barrier())
        return fail(std::move(err));
      if (comm->rank() == kill.first)
        raise(SIGKILL);
    }
    auto start = std::chrono::steady_clock::now();
    double cpuStart = processCpuSeconds();
    std::vector<int64_t> order =
        epochOrder(bound->samples, seed, epoch, !noShuffle);
    Progress progress(int64_t(ranges.size()), epoch + 1, epochs, lead);
    RunningMean loss;
    std::optional<ConfusionMatrix> confusion;
    auto gather = [&](int64_t begin, int64_t end, std::vector<Tensor> &batch) {
      for (size_t i = 0; i < step.args.size(); ++i)
        if (step.args[i].kind == Role::Input) {
          batch[i] = gatherRows(bound->args[i], order, begin, end);
          if (augmented[i])
            augmentBatch(batch[i], *augmentation, seed, epoch,
                         llvm::ArrayRef(order).slice(begin, end - begin));
        }
    };
    auto score = [&](const Tensor &logits, const std::vector<Tensor> &batch) {
      if (state->labelsArg >= 0)
        scoreLogits(confusion, logits, batch[state->labelsArg],
                    step.results[state->logitsResult]);
    };
    for (size_t b = 0; b < ranges.size(); ++b) {
      auto [begin, end] = ranges[b];
      float lr = float(settings.learningRate(baseLR, stepCount, totalSteps));
      if (sharded) {
        auto stepLoss =
            sharded->run(state->args, begin, end, lr, gather, score);
        if (!stepLoss)
          return fail(stepLoss.takeError());
        if (!std::isfinite(*stepLoss))
          return fail(llvm::formatv("the loss became {0} at epoch {1}, step "
                                    "{2}; stopping (lower the learning rate "
                                    "or set clip_norm)",
                                    *stepLoss, epoch + 1, stepCount + 1)
                          .str());
        loss.add(*stepLoss, end - begin);
        ++stepCount;
        if (log && stepCount % logEvery == 0)
          log->logStep(epoch + 1, stepCount, *stepLoss);
        progress.update(int64_t(b) + 1, loss.mean());
        continue;
      }
      for (size_t i = 0; i < step.args.size(); ++i) {
        if (step.args[i].kind == Role::Input) {
          batchArgs[i] = gatherRows(bound->args[i], order, begin, end);
          if (augmented[i])
            augmentBatch(batchArgs[i], *augmentation, seed, epoch,
                         llvm::ArrayRef(order).slice(begin, end - begin));
          ptrs[i] = &batchArgs[i];
        } else {
          ptrs[i] = &state->args[i];
        }
      }
      state->args[state->lrArg].data<float>()[0] = lr;
      auto out = compiled->jit->call(step, ptrs);
      if (!out)
        return fail(out.takeError());
      float stepLoss = (*out)[state->lossResult].data<float>()[0];
      if (!std::isfinite(stepLoss))
        return fail(llvm::formatv("the loss became {0} at epoch {1}, step "
                                  "{2}; stopping (lower the learning rate "
                                  "or set clip_norm)",
                                  stepLoss, epoch + 1, stepCount + 1)
                        .str());
      loss.add(stepLoss, end - begin);
      if (state->logitsResult >= 0 && state->labelsArg >= 0)
        scoreLogits(confusion, (*out)[state->logitsResult],
                    batchArgs[state->labelsArg],
                    step.results[state->logitsResult]);
      for (size_t r = 0; r < out->size(); ++r)
        if (state->resultToArg[r] >= 0)
          state->args[state->resultToArg[r]] = std::move((*out)[r]);
      ++stepCount;
      if (log && stepCount % logEvery == 0)
        log->logStep(epoch + 1, stepCount, stepLoss);
      if (compileReport && stepCount % logEvery == 0)
        runReport.steps.push_back({stepCount, stepLoss});
      progress.update(int64_t(b) + 1, loss.mean());
    }
    progress.finish();
    if (comm && comm->size() > 1) {
      if (state->logitsResult >= 0 && state->labelsArg >= 0)
        if (llvm::Error err = sumConfusion(*comm, confusion,
                                           step.results[state->logitsResult]))
          return fail(std::move(err));
      // Every rank must hold the same weights; a rank that does not stops
      // the run rather than train on from a forked state.
      if (comm->rank() == perturbRank) {
        for (size_t i = 0; i < step.args.size(); ++i)
          if (step.args[i].kind == Role::Param && !sharded->isBuffer(i)) {
            state->args[i].data<uint8_t>()[0] ^= 1;
            break;
          }
      }
      auto hashes = comm->minMax(sharded->weightsHash(state->args));
      if (!hashes)
        return fail(hashes.takeError());
      if (hashes->first != hashes->second)
        return fail(llvm::formatv("the ranks hold different weights after "
                                  "epoch {0} (their hashes differ); "
                                  "stopping",
                                  epoch + 1)
                        .str());
    }

    EpochRecord record;
    record.epoch = epoch + 1;
    record.step = stepCount;
    record.train.loss = loss.mean();
    record.train.scored = confusion.has_value();
    if (confusion) {
      record.train.accuracy = confusion->accuracy();
      record.train.f1 =
          reportedF1(*confusion, step.results[state->logitsResult]);
    }
    if (valBound && lead) {
      std::optional<ConfusionMatrix> confusionVal;
      auto m = evaluate(*compiled, state->args, *valBound, batch, confusionVal);
      if (!m)
        return fail(m.takeError());
      record.val = *m;
      if (confusionVal) {
        runReport.confusion = std::move(confusionVal);
        runReport.confusionOf =
            "validation data after epoch " + std::to_string(epoch + 1);
      }
    } else if (confusion) {
      runReport.confusion = std::move(confusion);
      runReport.confusionOf =
          "training batches of epoch " + std::to_string(epoch + 1);
    }
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    record.cpuSeconds = processCpuSeconds() - cpuStart;
    if (lead) {
      llvm::outs() << formatEpochSummary(record, epochs);
      if (parallel)
        llvm::outs() << llvm::formatv("  {0} {1}{2}", comm->size(),
                                      comm->backend() == "local" ? "local shard"
                                                                 : "rank",
                                      comm->size() == 1 ? "" : "s");
      llvm::outs() << "\n";
      llvm::outs().flush();
    }
    if (log)
      log->logEpoch(record);
    history.push_back(record);
    if (!savePath.empty() && lead)
      if (llvm::Error err = saveCheckpoint(savePath, step, *state, epoch + 1,
                                           stepCount, seed))
        return fail(std::move(err));
    if (compileReport) {
      runReport.epochs.push_back(record);
      if (llvm::Error err = writeReport(reportPath, *compileReport, &runReport))
        return fail(std::move(err));
    }
  }
  if (!rankWeights.empty()) {
    std::string path = llvm::formatv("{0}.rank{1}.safetensors", rankWeights,
                                     comm ? comm->rank() : 0);
    if (llvm::Error err =
            saveCheckpoint(path, step, *state, epochs, stepCount, seed))
      return fail(std::move(err));
  }
  if (printCommTime && lead && sharded) {
    int64_t steps =
        std::max<int64_t>(1, (epochs - startEpoch) * int64_t(ranges.size()));
    llvm::outs() << llvm::formatv(
        "gradient sum: {0:f3} ms per step, {1} floats, {2} backend; "
        "waiting for the slowest rank: {3:f3} ms per step\n",
        1e3 * sharded->commSeconds / double(steps), sharded->floatsPerStep(),
        comm->backend(), 1e3 * sharded->waitSeconds / double(steps));
  }
  // --epochs 0 on a fresh run: the checkpoint holds the initial weights.
  if (epochs == 0 && resumePath.empty() && !savePath.empty() && lead)
    if (llvm::Error err = saveCheckpoint(savePath, step, *state, 0, 0, seed))
      return fail(std::move(err));
  if (log)
    if (llvm::Error err = log->close())
      return fail(std::move(err));
  if (!plotPath.empty() && lead)
    if (llvm::Error err = writeCurvesSVG(plotPath, history))
      return fail(std::move(err));
  finished = true;
  return 0;
}

} // namespace deepc::driver

namespace deepc::driver {

int runTrain() {
  // Under an MPI launcher every process is a rank; --local-shards runs the
  // ranks' arithmetic in this one process.
  std::unique_ptr<Comm> comm;
  if (underMPILauncher()) {
    auto created = createMPIComm();
    if (!created)
      return fail(created.takeError());
    comm = std::move(*created);
    if (comm->size() > 1)
      errorPrefix = llvm::formatv("rank {0}: ", comm->rank()).str();
    if (localShards.getNumOccurrences())
      return fail("--local-shards runs the ranks in one process; not under "
                  "mpirun");
  } else if (localShards.getNumOccurrences()) {
    if (localShards == 0)
      return fail("--local-shards must be at least 1");
    comm = createLocalComm(int(localShards));
  }
  int status = train(comm.get());
  // A rank that fails must not leave the others waiting in a collective:
  // it exits at once, without MPI_Finalize, and mpirun ends the others and
  // exits non-zero naming this rank.
  if (status != 0 && comm && comm->size() > 1) {
    llvm::outs().flush();
    llvm::errs().flush();
    comm->abort(status);
  }
  return status;
}

} // namespace deepc::driver
