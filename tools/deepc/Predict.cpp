//===- Predict.cpp - deepc predict ----------------------------------------===//
//
// Runs a model's forward pass on data files and writes its results as .npy.
// Parameters come from --weights (safetensors, strict: every parameter
// present with its shape, nothing unknown), else from their declared inits
// and --seed.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Data.h"
#include "tools/deepc/Driver.h"
#include "tools/deepc/Model.h"
#include "tools/deepc/Subcommands.h"
#include "tools/deepc/Weights.h"

#include "runtime/Convert.h"
#include "runtime/DataIO.h"

#include "llvm/Support/Path.h"

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand predictCommand("predict",
                              "Run a model's forward pass; write .npy");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<file.nn>"),
                                  cl::sub(predictCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string>
    weights("weights", cl::desc("Parameters (safetensors); default: init"),
            cl::value_desc("file"), cl::sub(predictCommand),
            cl::cat(deepcCategory));
static cl::list<std::string> data("data",
                                  cl::desc("Bind a data file to a model input"),
                                  cl::value_desc("name=path[sel]"),
                                  cl::sub(predictCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string>
    output("o", cl::Required,
           cl::desc("Output .npy (result k > 0 goes to NAME.k.npy)"),
           cl::value_desc("file"), cl::sub(predictCommand),
           cl::cat(deepcCategory));
static cl::opt<std::string> modelName("model", cl::desc("The model to run"),
                                      cl::value_desc("name"),
                                      cl::sub(predictCommand),
                                      cl::cat(deepcCategory));
static cl::opt<uint64_t> seed("seed", cl::desc("Seed of the parameter init"),
                              cl::init(0), cl::sub(predictCommand),
                              cl::cat(deepcCategory));
static cl::opt<int64_t>
    batch("batch", cl::desc("Samples per call of the compiled model"),
          cl::init(256), cl::sub(predictCommand), cl::cat(deepcCategory));

/// Rows [begin, end) of `t` along dim 0.
static Tensor sliceRows(const Tensor &t, int64_t begin, int64_t end) {
  std::vector<int64_t> shape = t.shape;
  shape[0] = end - begin;
  Tensor out(t.dtype, shape);
  size_t rowBytes = t.bytes.size() / t.shape[0];
  std::memcpy(out.bytes.data(), t.bytes.data() + begin * rowBytes,
              out.bytes.size());
  return out;
}

/// Appends the rows of `part` to `all` (same dtype and trailing dims).
static void appendRows(Tensor &all, const Tensor &part) {
  if (all.shape.empty()) {
    all = part;
    return;
  }
  all.shape[0] += part.shape[0];
  all.bytes.append(part.bytes.begin(), part.bytes.end());
}

/// Where result `k` goes: `out.npy`, then `out.1.npy`, `out.2.npy`, ...
static std::string resultPath(llvm::StringRef path, size_t k) {
  if (k == 0)
    return path.str();
  llvm::SmallString<128> p(path);
  llvm::sys::path::replace_extension(p, std::to_string(k) + ".npy");
  return std::string(p);
}

static cl::opt<bool> checkNumericsFlag("check-numerics",
                                       cl::desc(DEEPC_CHECK_NUMERICS_DESC),
                                       cl::sub(predictCommand),
                                       cl::cat(deepcCategory));

static cl::opt<unsigned> threadsFlag("threads", cl::desc(DEEPC_THREADS_DESC),
                                     cl::init(1), cl::sub(predictCommand),
                                     cl::cat(deepcCategory));

int runPredict() {
  checkNumerics = checkNumericsFlag;
  threads = threadsFlag;
  if (checkThreads())
    return 1;
  if (batch <= 0)
    return fail("--batch must be positive");
  std::unique_ptr<Source> source = loadAndCheck(input);
  if (!source)
    return 1;
  auto name = pickModel(*source->program, modelName);
  if (!name)
    return fail(name.takeError());

  auto compiled = compileModel(*source, *name);
  if (!compiled)
    return fail(compiled.takeError());
  if (!compiled->jit)
    return 1;
  const FunctionSpec *spec = &compiled->spec;

  auto bound = bindInputs(*spec, data, "data");
  if (!bound)
    return fail(bound.takeError());
  std::vector<Tensor> args = std::move(bound->args);
  int64_t samples = bound->samples;

  if (llvm::Error err = loadParameters(*spec, weights, seed, args))
    return fail(std::move(err));

  // Results whose dim 0 is the batch can be computed in chunks; anything
  // else needs every sample in one call.
  bool batched = samples > 0;
  for (const ResultSpec &r : spec->results)
    batched &= !r.type.shape.empty() && r.type.shape[0] == -1;
  int64_t chunk = batched ? std::min<int64_t>(batch, samples) : samples;
  std::vector<Tensor> results(spec->results.size());
  int64_t begin = 0;
  do { // once, for a model without inputs (samples == -1)
    int64_t end = std::min(samples, begin + chunk);
    std::vector<Tensor> chunkArgs(args.size());
    std::vector<const Tensor *> ptrs(args.size());
    for (size_t i = 0; i < args.size(); ++i) {
      bool isInput = spec->args[i].kind == ArgSpec::Input;
      if (isInput && chunk != samples)
        chunkArgs[i] = sliceRows(args[i], begin, end);
      ptrs[i] = isInput && chunk != samples ? &chunkArgs[i] : &args[i];
    }
    auto out = compiled->jit->call(*spec, ptrs);
    if (!out)
      return fail(out.takeError());
    for (size_t k = 0; k < out->size(); ++k)
      appendRows(results[k], (*out)[k]);
    begin = end;
  } while (begin < samples);
  for (size_t k = 0; k < results.size(); ++k) {
    // NumPy has no bfloat16: a bf16 result is written as its exact f32.
    if (results[k].dtype == DType::BF16)
      results[k] = convertFloat(results[k], DType::F32);
    if (llvm::Error err = saveNPY(resultPath(output, k), results[k]))
      return fail(std::move(err));
  }
  return 0;
}

} // namespace deepc::driver
