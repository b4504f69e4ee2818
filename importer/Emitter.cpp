//===- Emitter.cpp - ONNX nodes to .nn statements -------------------------===//
#include "importer/Emitter.h"
#include "importer/Import.h"

#include "frontend/Builtins.h"
#include "runtime/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

namespace deepc::importer {

std::string formatDims(llvm::ArrayRef<int64_t> dims) {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k) {
    s += k ? ", " : "";
    s += dims[k] == kN         ? "N"
         : dims[k] == kUnknown ? "?"
                               : std::to_string(dims[k]);
  }
  return s + "]";
}

std::string formatFloat(double v) {
  if (!std::isfinite(v))
    return "";
  char buf[64];
  snprintf(buf, sizeof buf, "%.9g", v);
  std::string s = buf;
  return v < 0 ? "(" + s + ")" : s;
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *Attrs::find(llvm::StringRef name) {
  read.insert(name);
  for (const auto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

bool Attrs::has(llvm::StringRef name) const {
  return llvm::any_of(node.attribute(),
                      [&](const auto &a) { return a.name() == name; });
}

int64_t Attrs::i(llvm::StringRef name, int64_t dflt) {
  const auto *a = find(name);
  return a && a->type() == onnx::AttributeProto::INT ? a->i() : dflt;
}

double Attrs::f(llvm::StringRef name, double dflt) {
  const auto *a = find(name);
  return a && a->type() == onnx::AttributeProto::FLOAT ? a->f() : dflt;
}

std::string Attrs::s(llvm::StringRef name, llvm::StringRef dflt) {
  const auto *a = find(name);
  return a && a->type() == onnx::AttributeProto::STRING ? a->s() : dflt.str();
}

std::vector<int64_t> Attrs::ints(llvm::StringRef name,
                                 std::vector<int64_t> dflt) {
  const auto *a = find(name);
  if (!a || a->type() != onnx::AttributeProto::INTS)
    return dflt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

const onnx::TensorProto *Attrs::t(llvm::StringRef name) {
  const auto *a = find(name);
  return a && a->type() == onnx::AttributeProto::TENSOR ? &a->t() : nullptr;
}

std::string Attrs::unread() const {
  for (const auto &attr : node.attribute())
    if (!read.contains(attr.name()))
      return attr.name();
  return "";
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

template <typename T>
static void appendRaw(const std::string &raw, std::vector<double> &out) {
  for (size_t k = 0; k + sizeof(T) <= raw.size(); k += sizeof(T)) {
    T v;
    memcpy(&v, raw.data() + k, sizeof(T));
    out.push_back(double(v));
  }
}
template <typename T>
static void appendRaw(const std::string &raw, std::vector<int64_t> &out) {
  for (size_t k = 0; k + sizeof(T) <= raw.size(); k += sizeof(T)) {
    T v;
    memcpy(&v, raw.data() + k, sizeof(T));
    out.push_back(int64_t(v));
  }
}

llvm::Expected<Const> readTensor(const onnx::TensorProto &t) {
  Const c;
  c.shape.assign(t.dims().begin(), t.dims().end());
  auto fail = [&](const llvm::Twine &msg) {
    return llvm::createStringError("tensor '" + t.name() + "': " + msg);
  };
  std::optional<int64_t> count = checkedByteSize(c.shape, 1);
  if (!count)
    return fail("invalid shape " + formatShape(c.shape));
  const std::string &raw = t.raw_data();
  bool hasRaw = t.has_raw_data();
  size_t size = 0;
  using TP = onnx::TensorProto;
  switch (t.data_type()) {
  case TP::FLOAT:
    size = 4;
    if (hasRaw)
      appendRaw<float>(raw, c.f);
    else
      c.f.assign(t.float_data().begin(), t.float_data().end());
    break;
  case TP::DOUBLE:
    size = 8;
    if (hasRaw)
      appendRaw<double>(raw, c.f);
    else
      c.f.assign(t.double_data().begin(), t.double_data().end());
    break;
  case TP::INT64:
    c.isFloat = false;
    size = 8;
    if (hasRaw)
      appendRaw<int64_t>(raw, c.i);
    else
      c.i.assign(t.int64_data().begin(), t.int64_data().end());
    break;
  case TP::INT32:
  case TP::INT16:
  case TP::INT8:
  case TP::UINT8:
  case TP::BOOL:
    c.isFloat = false;
    if (hasRaw) {
      switch (t.data_type()) {
      case TP::INT32:
        size = 4;
        appendRaw<int32_t>(raw, c.i);
        break;
      case TP::INT16:
        size = 2;
        appendRaw<int16_t>(raw, c.i);
        break;
      case TP::INT8:
        size = 1;
        appendRaw<int8_t>(raw, c.i);
        break;
      default:
        size = 1;
        appendRaw<uint8_t>(raw, c.i);
        break;
      }
    } else {
      size = 1;
      c.i.assign(t.int32_data().begin(), t.int32_data().end());
    }
    break;
  default:
    return fail(llvm::formatv("element type {0} is not supported",
                              TP::DataType_Name(TP::DataType(t.data_type())))
                    .str());
  }
  if (hasRaw && raw.size() != size_t(*count) * size)
    return fail(llvm::formatv("{0} bytes of data for shape {1}", raw.size(),
                              formatShape(c.shape))
                    .str());
  if (c.numel() != *count)
    return fail(llvm::formatv("{0} elements for shape {1}", c.numel(),
                              formatShape(c.shape))
                    .str());
  return c;
}

//===----------------------------------------------------------------------===//
// Names
//===----------------------------------------------------------------------===//

static std::string identifier(llvm::StringRef name) {
  std::string s;
  for (char ch : name) {
    bool ok = isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    if (!ok)
      ch = '_';
    if (ch == '_' && (s.empty() || s.back() == '_'))
      continue;
    s += ch;
  }
  while (!s.empty() && s.back() == '_')
    s.pop_back();
  if (s.empty())
    s = "v";
  if (isdigit(static_cast<unsigned char>(s[0])))
    s = "v" + s;
  static const char *const keywords[] = {"model", "train", "param", "return",
                                         "true",  "false", "N"};
  if (llvm::is_contained(keywords, s) || lookupBuiltin(s))
    s += "_";
  return s;
}

std::string Emitter::uniqueName(llvm::StringRef base) {
  std::string name = identifier(base);
  for (int k = 2; usedNames.contains(name); ++k)
    name = identifier(base) + "_" + std::to_string(k);
  usedNames.insert(name);
  return name;
}

std::string Emitter::layerBinding(llvm::StringRef initializer) {
  size_t dot = initializer.rfind('.');
  return uniqueName(dot == llvm::StringRef::npos || dot == 0
                        ? initializer
                        : initializer.take_front(dot));
}

std::string Emitter::nodeBinding(const onnx::NodeProto &node, unsigned k) {
  std::string base = node.name().empty()
                         ? llvm::StringRef(node.op_type()).lower()
                         : node.name();
  if (k)
    base += "_" + std::to_string(k);
  return uniqueName(base);
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

Value *Emitter::input(unsigned k) {
  if (!current || int(k) >= current->input_size() ||
      current->input(int(k)).empty())
    return nullptr;
  auto it = values.find(current->input(int(k)));
  return it == values.end() ? nullptr : &it->second;
}

llvm::Expected<const Const *> Emitter::constInput(unsigned k,
                                                  llvm::StringRef what) {
  Value *v = input(k);
  if (!v)
    return unsupported(llvm::Twine("needs its ") + what + " input");
  if (!v->cst)
    return unsupported(llvm::Twine("its ") + what +
                       " must be a constant "
                       "(an initializer or computed from shapes)");
  return &*v->cst;
}

llvm::Expected<std::string> Emitter::operand(unsigned k) {
  Value *v = input(k);
  if (!v)
    return unsupported("input " + llvm::Twine(k) + " is missing");
  if (!v->cst || !v->ref.empty())
    return v->ref;
  const Const &c = *v->cst;
  if (c.numel() == 1) {
    if (!c.isFloat) {
      if (c.i[0] == kN || c.i[0] == kUnknown)
        return unsupported("a batch size used as a number is not supported");
      return c.i[0] < 0 ? "(" + std::to_string(c.i[0]) + ")"
                        : std::to_string(c.i[0]);
    }
    std::string lit = formatFloat(c.f[0]);
    if (lit.empty())
      return unsupported("a constant that is not finite is not supported");
    return lit;
  }
  if (!c.isFloat)
    return unsupported("integer constant tensors as operands are not "
                       "supported");
  std::string onnxName =
      c.initializer.empty() ? current->input(int(k)) : c.initializer;
  std::string name = uniqueName(onnxName);
  body += "  param " + name + ": f32" + formatDims(c.shape) + " = zeros\n";
  addWeight(name, onnxName, c.shape, c.f);
  v->ref = name;
  v->shape = c.shape;
  return name;
}

void Emitter::bind(unsigned k, const std::string &expr,
                   std::vector<int64_t> shape, llvm::StringRef dtype,
                   llvm::StringRef layerName) {
  const std::string &output = current->output(int(k));
  std::string name = !layerName.empty()              ? layerName.str()
                     : graphOutputs.contains(output) ? uniqueName(output)
                                                     : nodeBinding(*current, k);
  body += "  " + name + " = " + expr + "\n";
  Value v;
  v.ref = name;
  v.shape = std::move(shape);
  v.dtype = dtype.str();
  values[output] = std::move(v);
}

std::string Emitter::temp(llvm::StringRef base, const std::string &expr) {
  std::string name = uniqueName(base);
  body += "  " + name + " = " + expr + "\n";
  return name;
}

std::vector<const onnx::NodeProto *>
Emitter::internalConsumers(const std::string &value) const {
  auto it = consumers.find(value);
  if (it == consumers.end() || graphOutputs.contains(value))
    return {};
  return it->second;
}

const onnx::NodeProto *Emitter::soleConsumer(const std::string &value) const {
  auto it = consumers.find(value);
  if (it == consumers.end() || it->second.size() != 1 ||
      graphOutputs.contains(value))
    return nullptr;
  return it->second.front();
}

Value *Emitter::valueOf(const std::string &name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

void Emitter::fuse(const onnx::NodeProto &node, const Value *v) {
  fused.insert(&node);
  if (v && node.output_size() > 0)
    values[node.output(0)] = *v;
}

void Emitter::alias(unsigned k, const Value &v) {
  values[current->output(int(k))] = v;
}

void Emitter::setConst(unsigned k, Const c) {
  Value v;
  v.dtype = c.isFloat ? "f32" : "i64";
  v.shape = c.shape;
  v.cst = std::move(c);
  values[current->output(int(k))] = std::move(v);
}

void Emitter::addWeight(const std::string &nnName, const std::string &onnxName,
                        std::vector<int64_t> shape,
                        const std::vector<double> &data) {
  if (!storedWeights.insert(nnName).second)
    return;
  std::optional<int64_t> count = checkedByteSize(shape, 1);
  if (!count || size_t(*count) != data.size())
    llvm::report_fatal_error(llvm::Twine("deepc import: parameter '") + nnName +
                             "' of shape " + formatShape(shape) + " given " +
                             std::to_string(data.size()) + " values");
  Tensor t(DType::F32, shape);
  float *out = t.data<float>();
  for (size_t k = 0; k < data.size(); ++k)
    out[k] = float(data[k]);
  weights->tensors.emplace_back(nnName, std::move(t));
  if (nnName != onnxName)
    weights->metadata["onnx:" + nnName] = onnxName;
}

llvm::Error Emitter::unsupported(const llvm::Twine &why) {
  return llvm::createStringError(
      llvm::formatv("node '{0}' ({1}, opset {2}): ", current->name(),
                    current->op_type(), fileOpset)
          .str() +
      why.str());
}

//===----------------------------------------------------------------------===//
// The graph
//===----------------------------------------------------------------------===//

static const char *nnType(int elemType) {
  switch (elemType) {
  case onnx::TensorProto::FLOAT:
    return "f32";
  case onnx::TensorProto::INT64:
    return "i64";
  case onnx::TensorProto::INT32:
    return "i32";
  case onnx::TensorProto::BOOL:
    return "bool";
  default:
    return nullptr;
  }
}

llvm::Error Emitter::declareInputs(std::string &header) {
  const auto &graph = model.graph();
  llvm::StringSet<> initializers;
  for (const auto &t : graph.initializer())
    initializers.insert(t.name());
  std::string list;
  for (const auto &in : graph.input()) {
    if (initializers.contains(in.name()))
      continue;
    auto fail = [&](const llvm::Twine &msg) {
      return fileError(path, "input '" + in.name() + "': " + msg);
    };
    if (!in.type().has_tensor_type())
      return fail("only tensors are supported");
    const auto &tt = in.type().tensor_type();
    const char *dtype = nnType(tt.elem_type());
    if (!dtype)
      return fail("element type " +
                  onnx::TensorProto::DataType_Name(
                      onnx::TensorProto::DataType(tt.elem_type())) +
                  " is not supported");
    if (!tt.has_shape() || tt.shape().dim_size() == 0)
      return fail("needs a shape of rank 1 or more (its dimension 0 is the "
                  "batch)");
    Value v;
    v.dtype = dtype;
    for (int d = 0; d < tt.shape().dim_size(); ++d) {
      const auto &dim = tt.shape().dim(d);
      if (d == 0) {
        if (dim.has_dim_value())
          staticBatch = dim.dim_value();
        v.shape.push_back(kN);
      } else if (dim.has_dim_value() && dim.dim_value() > 0) {
        v.shape.push_back(dim.dim_value());
      } else {
        return fail(llvm::formatv("dimension {0} ('{1}') is symbolic: only "
                                  "the leading one (the batch) may be",
                                  d, dim.dim_param())
                        .str());
      }
    }
    v.ref = uniqueName(in.name());
    list +=
        (list.empty() ? "" : ", ") + v.ref + ": " + dtype + formatDims(v.shape);
    values[in.name()] = std::move(v);
  }
  if (list.empty())
    return fileError(path, "the graph has no input");
  header = list;
  return llvm::Error::success();
}

llvm::Error Emitter::run(llvm::StringRef modelName, std::string &source,
                         SafetensorsFile &out) {
  weights = &out;
  const auto &graph = model.graph();
  for (const auto &t : graph.initializer()) {
    auto c = readTensor(t);
    if (!c)
      return fileError(path, "initializer " + toString(c.takeError()));
    c->initializer = t.name();
    Value v;
    v.shape = c->shape;
    v.dtype = c->isFloat ? "f32" : "i64";
    v.cst = std::move(*c);
    values[t.name()] = std::move(v);
  }
  for (const auto &o : graph.output())
    graphOutputs.insert(o.name());
  for (const auto &node : graph.node())
    for (const auto &in : node.input())
      if (!in.empty()) {
        auto &list = consumers[in];
        if (list.empty() || list.back() != &node)
          list.push_back(&node);
      }
  std::string inputs;
  if (llvm::Error err = declareInputs(inputs))
    return err;

  // Every op type first: the unsupported ones are listed together.
  std::vector<std::string> problems;
  for (const auto &node : graph.node()) {
    bool ours = node.domain().empty() || node.domain() == "ai.onnx";
    const OpEntry *entry = ours ? lookupOp(node.op_type()) : nullptr;
    if (!entry || entry->sinceOpset > kTargetOpset)
      problems.push_back(
          llvm::formatv("node '{0}' ({1}{2}, opset {3}): op not supported",
                        node.name(), ours ? "" : node.domain() + ".",
                        node.op_type(), fileOpset)
              .str());
  }
  if (problems.empty()) {
    // Constants first (they read nothing): patterns that look ahead (GELU)
    // see their values.
    for (const auto &node : graph.node())
      if (node.op_type() == "Constant" && node.input_size() == 0) {
        if (llvm::Error err = emitNode(node))
          problems.push_back(toString(std::move(err)));
        fused.insert(&node);
      }
    for (const auto &node : graph.node())
      if (llvm::Error err = emitNode(node))
        problems.push_back(toString(std::move(err)));
  }
  if (!problems.empty()) {
    std::string msg = "cannot import:";
    for (size_t k = 0; k < problems.size() && k < 10; ++k)
      msg += "\n  " + problems[k];
    if (problems.size() > 10)
      msg += llvm::formatv("\n  ... and {0} more", problems.size() - 10).str();
    return fileError(path, msg);
  }

  std::string results, returns;
  unsigned nResults = 0;
  for (const auto &o : graph.output()) {
    auto it = values.find(o.name());
    if (it == values.end() || it->second.poisoned)
      return fileError(path, "output '" + o.name() + "' is not computed");
    Value &v = it->second;
    if (v.cst)
      return fileError(path, "output '" + o.name() +
                                 "' is a constant: not supported");
    if (llvm::is_contained(v.shape, kUnknown))
      return fileError(path, "output '" + o.name() + "' has the shape " +
                                 formatDims(v.shape) +
                                 ", not known statically");
    results += (nResults++ ? ", " : "") + v.dtype + formatDims(v.shape);
    returns += (returns.empty() ? "" : ", ") + v.ref;
  }
  if (nResults == 0)
    return fileError(path, "the graph has no output");
  source = llvm::formatv("# Imported by deepc import from {0} (ONNX opset {1}"
                         "{2}).\n# Parameters named after ONNX initializers; "
                         "where a name is not an identifier,\n# the "
                         "safetensors metadata 'onnx:<parameter>' keeps the "
                         "original.\n",
                         llvm::sys::path::filename(path), fileOpset,
                         fileOpset == kTargetOpset
                             ? ""
                             : ", converted to " + std::to_string(kTargetOpset))
               .str();
  source += "model " + modelName.str() + "(" + inputs + ") -> " +
            (nResults > 1 ? "(" + results + ")" : results) + " {\n" + body +
            "  return " + returns + "\n}\n";
  return llvm::Error::success();
}

llvm::Error Emitter::emitNode(const onnx::NodeProto &node) {
  current = &node;
  if (fused.contains(&node))
    return llvm::Error::success();
  bool poisoned = false;
  for (const auto &in : node.input()) {
    if (in.empty())
      continue;
    auto it = values.find(in);
    if (it == values.end())
      return unsupported("input '" + in + "' is not defined before it");
    poisoned |= it->second.poisoned;
  }
  llvm::Error err = llvm::Error::success();
  if (!poisoned) {
    Attrs attrs(node);
    err = lookupOp(node.op_type())->emit(*this, node, attrs);
    if (!err) {
      std::string extra = attrs.unread();
      if (!extra.empty())
        err = unsupported("attribute '" + extra + "' is not supported");
    }
  }
  if (poisoned || err)
    for (const auto &o : node.output())
      values[o].poisoned = true;
  for (const auto &o : node.output())
    if (!o.empty() && !values.count(o))
      values[o].poisoned = true;
  return err;
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

llvm::Expected<ImportResult> importOnnx(llvm::StringRef path,
                                        const ImportOptions &options) {
  try {
    int opset = 0;
    auto model = readOnnxModel(path, opset);
    if (!model)
      return model.takeError();
    std::string name = options.modelName;
    if (name.empty())
      name = identifier(model->graph().name().empty() ||
                                model->graph().name() == "torch_jit"
                            ? llvm::sys::path::stem(path)
                            : llvm::StringRef(model->graph().name()));
    ImportResult result;
    Emitter emitter(path, *model, opset);
    if (llvm::Error err = emitter.run(name, result.source, result.weights))
      return std::move(err);
    return std::move(result);
  } catch (const std::exception &e) {
    return fileError(path, llvm::Twine("cannot import: ") + e.what());
  } catch (...) {
    return fileError(path, "cannot import: an unknown error in ONNX");
  }
}

} // namespace deepc::importer
