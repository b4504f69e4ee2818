//===- Data.cpp - Binding data files to a function's inputs ---------------===//
#include "tools/deepc/Data.h"

#include "runtime/Convert.h"
#include "runtime/DataIO.h"
#include "runtime/Select.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

namespace deepc::driver {

/// Element `i` of an integer tensor (I32 or I64).
static int64_t intAt(const Tensor &t, int64_t i) {
  return t.dtype == DType::I32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

/// Whether `t` is [n, C] (C > 1) rows of zeros and a single one: labels
/// written one-hot where class indices are expected.
static bool looksOneHot(const Tensor &t) {
  if (t.shape.size() != 2 || t.shape[1] < 2 || t.shape[0] < 1 ||
      t.bytes.size() != size_t(t.numel()) * dtypeSize(t.dtype))
    return false;
  auto at = [&](int64_t i) -> double {
    switch (t.dtype) {
    case DType::F32:
      return t.data<float>()[i];
    case DType::F64:
      return t.data<double>()[i];
    case DType::I32:
      return t.data<int32_t>()[i];
    case DType::I64:
      return double(t.data<int64_t>()[i]);
    case DType::U8:
      return t.data<uint8_t>()[i];
    default:
      return -1;
    }
  };
  for (int64_t r = 0, c = t.shape[1]; r < t.shape[0]; ++r) {
    int64_t ones = 0;
    for (int64_t k = 0; k < c; ++k) {
      double v = at(r * c + k);
      if (v != 0 && v != 1)
        return false;
      ones += v == 1;
    }
    if (ones != 1)
      return false;
  }
  return true;
}

/// The sample (index along dim 0) of flat element `i` of `t`.
static int64_t sampleOf(const Tensor &t, int64_t i) {
  int64_t perSample = t.shape.empty() || t.shape[0] == 0
                          ? 1
                          : std::max<int64_t>(1, t.numel() / t.shape[0]);
  return i / perSample;
}

/// Checks that the ids bound to `arg`, an input an embedding reads, lie in
/// [0, arg.idRows): PyTorch's nn.Embedding raises on others, and compiled
/// code would give them rows of zeros (docs/LANGUAGE.md).
static llvm::Error checkIds(const Tensor &ids, const ArgSpec &arg,
                            llvm::StringRef path) {
  for (int64_t i = 0, n = ids.numel(); i < n; ++i) {
    int64_t v = intAt(ids, i);
    if (v < 0 || v >= arg.idRows)
      return llvm::createStringError(
          llvm::formatv("{0}: id {1} at sample {2} of input '{3}' is out of "
                        "range for embedding '{4}' of {5} rows",
                        path, v, sampleOf(ids, i), arg.name, arg.idTable,
                        arg.idRows)
              .str());
  }
  return llvm::Error::success();
}

llvm::Expected<BoundData> bindInputs(const FunctionSpec &spec,
                                     llvm::ArrayRef<std::string> bindings,
                                     llvm::StringRef flag) {
  llvm::StringMap<std::string> byName;
  for (const std::string &binding : bindings) {
    auto [key, path] = llvm::StringRef(binding).split('=');
    if (key.empty() || path.empty())
      return llvm::createStringError(
          llvm::formatv("--{0} expects NAME=PATH, got '{1}'", flag, binding)
              .str());
    if (!byName.try_emplace(key, path.str()).second)
      return llvm::createStringError(
          llvm::formatv("input '{0}' is bound twice by --{1}", key, flag)
              .str());
  }
  for (const auto &entry : byName)
    if (spec.findArg(Role::Input, entry.first()) < 0)
      return llvm::createStringError(
          llvm::formatv("--{0}: '{1}' has no input '{2}'", flag, spec.name,
                        entry.first())
              .str());
  BoundData data;
  data.args.resize(spec.args.size());
  data.paths.resize(spec.args.size());
  std::string firstPath;
  for (size_t i = 0; i < spec.args.size(); ++i) {
    const ArgSpec &arg = spec.args[i];
    if (arg.kind != Role::Input)
      continue;
    auto it = byName.find(arg.name);
    if (it == byName.end())
      return llvm::createStringError(
          llvm::formatv("no data for input '{0}' of '{1}' (use --{2} "
                        "{0}=PATH)",
                        arg.name, spec.name, flag)
              .str());
    // `path` names the file and its selection in messages (x=a.csv[:, 0:4]).
    std::string path = it->second, file;
    byName.erase(it);
    std::vector<SelectEntry> selection;
    if (llvm::Error e = parseSelection(path, file, selection))
      return std::move(e);
    auto raw = loadData(file);
    if (!raw)
      return raw.takeError();
    if (!selection.empty()) {
      raw = applySelection(*raw, path, selection);
      if (!raw)
        return raw.takeError();
    }
    if (arg.type.shape.empty())
      return llvm::createStringError("input '" + arg.name +
                                     "' is a scalar; data needs a batch dim");
    std::vector<int64_t> sampleShape(arg.type.shape.begin() + 1,
                                     arg.type.shape.end());
    // A dimension besides the batch known only at run time (a name, such
    // as a sequence's T) takes the data's size. The compiled code assumes
    // that equal names have equal sizes, and the signature keeps no names,
    // so every such dimension of one call must have one size.
    if (llvm::is_contained(sampleShape, -1)) {
      if (raw->shape.size() != arg.type.shape.size())
        return llvm::createStringError(llvm::formatv(
            "{0}: input '{1}' has dimensions known at run time besides the "
            "batch, so its data must have rank {2}, got shape {3}",
            path, arg.name, arg.type.shape.size(), formatShape(raw->shape)));
      for (size_t d = 0; d < sampleShape.size(); ++d) {
        if (sampleShape[d] != -1)
          continue;
        int64_t size = raw->shape[d + 1];
        if (data.runTimeSize && *data.runTimeSize != size)
          return llvm::createStringError(llvm::formatv(
              "{0}: dimension {1} of input '{2}' is {3}, but {4} gave {5} "
              "to a dimension known at run time: deepc runs with one size "
              "for all of them (besides the batch)",
              path, d + 1, arg.name, size, data.runTimePath,
              *data.runTimeSize));
        data.runTimeSize = size;
        data.runTimePath = path;
        sampleShape[d] = size;
      }
    }
    auto converted = convertForInput(*raw, path, arg.type.dtype, sampleShape);
    bool labels = sampleShape.empty() && (arg.type.dtype == DType::I32 ||
                                          arg.type.dtype == DType::I64);
    if (!converted && labels && looksOneHot(*raw)) {
      llvm::consumeError(converted.takeError());
      return llvm::createStringError(
          llvm::formatv(
              "{0}: the labels look one-hot ({1} rows of {2} values, "
              "a single 1 among 0s), but input '{3}' takes one class index "
              "per sample, in [0, {2}): convert them, e.g. with "
              "numpy's y.argmax(axis=1)",
              path, raw->shape[0], raw->shape[1], arg.name)
              .str());
    }
    if (!converted)
      return converted.takeError();
    int64_t n = converted->shape[0];
    if (data.samples >= 0 && n != data.samples)
      return llvm::createStringError(
          llvm::formatv("'{0}' has {1} samples but '{2}' has {3}", path, n,
                        firstPath, data.samples)
              .str());
    if (n == 0)
      return llvm::createStringError("'" + path + "' holds no samples");
    if (arg.idRows > 0)
      if (llvm::Error err = checkIds(*converted, arg, path))
        return std::move(err);
    data.samples = n;
    firstPath = path;
    data.args[i] = std::move(*converted);
    data.paths[i] = path;
  }
  return data;
}

llvm::Error checkLabels(const Tensor &labels, int64_t classes,
                        llvm::StringRef path, std::optional<int64_t> ignore) {
  for (int64_t i = 0, n = labels.numel(); i < n; ++i) {
    int64_t v = intAt(labels, i);
    if ((v < 0 || v >= classes) && v != ignore)
      return llvm::createStringError(
          llvm::formatv("{0}: label {1} at sample {2} is out of range for "
                        "{3} classes",
                        path, v, sampleOf(labels, i), classes)
              .str());
  }
  return llvm::Error::success();
}

} // namespace deepc::driver
