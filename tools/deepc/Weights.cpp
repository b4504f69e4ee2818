//===- Weights.cpp - Parameters from files or from their inits ------------===//
#include "tools/deepc/Weights.h"

#include "runtime/Convert.h"
#include "runtime/Init.h"
#include "runtime/Safetensors.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <unistd.h>

namespace deepc::driver {

static std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

llvm::Expected<std::string> pickModel(const ast::Program &program,
                                      llvm::StringRef requested) {
  std::string names;
  for (const auto &model : program.models)
    names += (names.empty() ? "" : ", ") + model->name;
  if (!requested.empty()) {
    if (program.findModel(requested))
      return requested.str();
    return llvm::createStringError(
        llvm::formatv("{0} has no model '{1}' (models: {2})", program.fileName,
                      requested, names.empty() ? "none" : names)
            .str());
  }
  if (program.models.size() == 1)
    return program.models.front()->name;
  if (program.models.empty())
    return llvm::createStringError(program.fileName + " has no model");
  return llvm::createStringError(
      llvm::formatv("{0} has several models ({1}): pick one with --model",
                    program.fileName, names)
          .str());
}

static std::string gigabytes(uint64_t bytes) {
  return llvm::formatv("{0:F1} GB", double(bytes) / 1e9).str();
}

/// The parameters and optimizer state of `spec` must fit in this machine's
/// memory: allocating them would otherwise abort (issue 7, limits).
static llvm::Error checkMemory(const FunctionSpec &spec) {
  uint64_t total = 0;
  for (const ArgSpec &arg : spec.args) {
    if (arg.kind != Role::Param && arg.kind != Role::State)
      continue;
    std::optional<int64_t> bytes =
        checkedByteSize(arg.type.shape, dtypeSize(arg.type.dtype));
    if (!bytes || total > UINT64_MAX - uint64_t(*bytes)) {
      total = UINT64_MAX;
      break;
    }
    total += uint64_t(*bytes);
  }
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return llvm::Error::success();
  uint64_t memory = uint64_t(pages) * uint64_t(pageSize);
  if (total <= memory)
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::formatv(
          "the parameters{0} of '{1}' need {2}, more than this "
          "machine's memory ({3})",
          spec.findArg(Role::State) >= 0 ? " and optimizer state" : "",
          spec.name,
          total == UINT64_MAX ? "more than 2^64 bytes" : gigabytes(total),
          gigabytes(memory))
          .str());
}

llvm::Error loadParameters(const FunctionSpec &spec, llvm::StringRef path,
                           uint64_t seed, std::vector<Tensor> &args) {
  if (llvm::Error err = checkMemory(spec))
    return err;
  if (path.empty()) {
    for (size_t i = 0; i < spec.args.size(); ++i) {
      const ArgSpec &arg = spec.args[i];
      if (arg.kind != ArgSpec::Param)
        continue;
      if (llvm::Error err = verifyInit(arg.init, arg.initArgs))
        return llvm::createStringError("parameter '" + arg.name +
                                       "': " + llvm::toString(std::move(err)));
      // Inits draw in f32; a bf16 parameter stores them rounded.
      Tensor t(DType::F32, arg.type.shape);
      initParam(t, arg.init, arg.initArgs, seed, i);
      args[i] = arg.type.dtype == DType::BF16 ? convertFloat(t, DType::BF16)
                                              : std::move(t);
    }
    return llvm::Error::success();
  }

  auto file = readSafetensors(path);
  if (!file)
    return file.takeError();
  llvm::StringSet<> known;
  for (size_t i = 0; i < spec.args.size(); ++i) {
    const ArgSpec &arg = spec.args[i];
    if (arg.kind != ArgSpec::Param)
      continue;
    known.insert(arg.name);
    const Tensor *t = file->find(arg.name);
    if (!t)
      return llvm::createStringError(
          llvm::formatv("{0}: missing parameter '{1}' of shape {2}", path,
                        arg.name, shapeString(arg.type.shape))
              .str());
    // A bf16 parameter also takes F32 weights, rounded to nearest even.
    bool bf16 = arg.type.dtype == DType::BF16;
    if (t->dtype != arg.type.dtype && !(bf16 && t->dtype == DType::F32))
      return llvm::createStringError(
          llvm::formatv("{0}: parameter '{1}' is {2}, expected {3}", path,
                        arg.name, dtypeName(t->dtype),
                        bf16 ? "BF16 (or F32, rounded)"
                             : dtypeName(arg.type.dtype))
              .str());
    if (t->shape != arg.type.shape)
      return llvm::createStringError(
          llvm::formatv("{0}: parameter '{1}' has shape {2}, the model "
                        "expects {3}",
                        path, arg.name, shapeString(t->shape),
                        shapeString(arg.type.shape))
              .str());
    args[i] = convertFloat(*t, arg.type.dtype);
  }
  for (const auto &[name, tensor] : file->tensors)
    // PyTorch's batchnorm counter is not read: deepc's running statistics
    // use a fixed momentum, for which PyTorch does not use it either.
    if (!known.contains(name) &&
        !llvm::StringRef(name).starts_with("__opt__.") &&
        !llvm::StringRef(name).ends_with(".num_batches_tracked"))
      return llvm::createStringError(
          llvm::formatv("{0}: unexpected tensor '{1}': the model has no "
                        "parameter of that name",
                        path, name)
              .str());
  return llvm::Error::success();
}

} // namespace deepc::driver
