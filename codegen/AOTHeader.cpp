//===- AOTHeader.cpp - The C header of deepc compile --header -------------===//
//
// A self-documenting header for C and C++: the functions of each model and
// train block, and tables of where each parameter and state tensor lives in
// the flat buffers, so an application can fill them from safetensors.
//
//===----------------------------------------------------------------------===//
#include "codegen/AOT.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

namespace deepc {

static const char *cType(DType t) {
  switch (t) {
  case DType::F64:
    return "double";
  case DType::I32:
    return "int32_t";
  case DType::I64:
    return "int64_t";
  default:
    return "float";
  }
}

/// "n x 784" for f32[?, 784]; "1" for a scalar.
static std::string countOf(llvm::ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "1";
  std::vector<std::string> parts;
  for (int64_t d : shape)
    parts.push_back(d < 0 ? "n" : std::to_string(d));
  return llvm::join(parts, " x ");
}

/// The product of the static dimensions.
static int64_t perSample(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d < 0 ? 1 : d;
  return n;
}

/// `out`, or `out0`, `out1`, ... for several results.
static std::string resultName(const AOTEntry &e, size_t j) {
  return e.spec.results.size() == 1 ? "out" : "out" + std::to_string(j);
}

static void writeTable(llvm::raw_ostream &os, llvm::StringRef name,
                       llvm::ArrayRef<FlatTensor> tensors) {
  if (tensors.empty()) {
    os << "/* " << name << ": empty. */\n";
    return;
  }
  os << "static const deepc_tensor_info " << name << "[] = {\n";
  for (const FlatTensor &t : tensors) {
    os << "  {\"" << t.name << "\", " << t.offset << ", " << t.numel() << ", "
       << t.shape.size() << ", {";
    for (size_t i = 0; i < 8; ++i)
      os << (i ? ", " : "") << (i < t.shape.size() ? t.shape[i] : 0);
    os << "}},\n";
  }
  os << "};\n";
}

static void writeModel(llvm::raw_ostream &os, const AOTEntry &e) {
  const std::string &m = e.spec.name;
  os << "/* ---- model " << m << " ----\n"
     << " * params: " << e.paramCount << " floats, the tensors of " << m
     << "_params[] back to back\n"
     << " * (row-major, each at its offset). */\n"
     << "#define " << llvm::StringRef(m).upper() << "_PARAM_COUNT "
     << e.paramCount << "\n"
     << "/** Floats in the params buffer of " << m << ". */\n"
     << "int64_t " << m << "_param_count(void);\n"
     << "/** Fills params as `deepc predict --seed SEED` does (each tensor\n"
     << " *  by its init, Philox4x32-10 keyed by seed). Null params: no-op. "
        "*/\n"
     << "void " << m << "_init_params(float *params, uint64_t seed);\n"
     << "/** The forward pass on a batch of n samples:\n";
  std::string inputs;
  for (const ArgSpec &a : e.spec.args)
    if (a.kind == Role::Input) {
      os << " *  " << a.name << ": " << countOf(a.type.shape) << " "
         << cType(a.type.dtype) << "s (" << a.type.str() << ")\n";
      inputs +=
          std::string("const ") + cType(a.type.dtype) + " *" + a.name + ", ";
    }
  std::string outs;
  for (size_t j = 0; j < e.spec.results.size(); ++j) {
    const TensorSpec &t = e.spec.results[j].type;
    std::string name = resultName(e, j);
    os << " *  " << name << " (written): " << countOf(t.shape) << " "
       << cType(t.dtype) << "s (" << t.str() << ")\n";
    outs += std::string(", ") + cType(t.dtype) + " *" + name;
  }
  os << " *  Returns 0, 1 for a null pointer or n <= 0, or 2 when its "
        "buffers do not\n *  fit in memory (out is then left as it was). */\n";
  os << "int " << m << "_forward(const float *params, " << inputs << "int64_t n"
     << outs << ");\n";
  os << "/** Elements per sample of each input and result. */\n"
     << "enum {\n";
  for (const ArgSpec &a : e.spec.args)
    if (a.kind == Role::Input)
      os << "  " << m << "_" << a.name << "_size = " << perSample(a.type.shape)
         << ",\n";
  for (size_t j = 0; j < e.spec.results.size(); ++j)
    os << "  " << m << "_" << resultName(e, j)
       << "_size = " << perSample(e.spec.results[j].type.shape) << ",\n";
  os << "  " << m << "_num_params = " << e.params.size() << "\n};\n";
  writeTable(os, m + "_params", e.params);
  os << "\n";
}

static void writeTrain(llvm::raw_ostream &os, const AOTEntry &e) {
  const std::string &t = e.spec.name;
  os << "/* ---- train block " << t << " (" << e.optimizer << ") ----\n"
     << " * params: " << e.paramCount
     << " floats, the parameters of the "
        "models it trains,\n"
     << " * in the order the loss first calls them (" << t << "_params[]);\n"
     << " * a model's parameters keep their relative order, so a one-model\n"
     << " * block uses that model's params buffer as is.\n"
     << " * state: " << e.stateCount << " floats of optimizer state (" << t
     << "_state[]), zeros before\n"
     << " * the first step; Adam's step count is one float in it. */\n"
     << "#define " << llvm::StringRef(t).upper() << "_PARAM_COUNT "
     << e.paramCount << "\n"
     << "#define " << llvm::StringRef(t).upper() << "_STATE_COUNT "
     << e.stateCount << "\n"
     << "/** Floats in the params buffer of " << t << ". */\n"
     << "int64_t " << t << "_param_count(void);\n"
     << "/** Floats in the state buffer of " << t << ". */\n"
     << "int64_t " << t << "_state_count(void);\n"
     << "/** One optimizer step on a batch of n samples, learning rate lr:\n"
     << " *  updates params and state in place; *loss = the batch's loss\n"
     << " *  before the update.\n";
  std::string inputs;
  for (const ArgSpec &a : e.spec.args)
    if (a.kind == Role::Input) {
      os << " *  " << a.name << ": " << countOf(a.type.shape) << " "
         << cType(a.type.dtype) << "s (" << a.type.str() << ")\n";
      inputs +=
          std::string("const ") + cType(a.type.dtype) + " *" + a.name + ", ";
    }
  os << " *  Returns 0, 1 for a null pointer (state may be null when the "
        "state\n *  count is 0) or n <= 0, or 2 when its buffers do not fit "
        "in memory\n *  (params, state and loss are then left as they "
        "were). */\n"
     << "int " << t << "_step(float *params, float *state, " << inputs
     << "int64_t n, float lr, float *loss);\n";
  os << "enum { " << t << "_num_params = " << e.params.size() << ", " << t
     << "_num_state = " << e.state.size() << " };\n";
  writeTable(os, t + "_params", e.params);
  writeTable(os, t + "_state", e.state);
  os << "\n";
}

void writeAOTHeader(llvm::raw_ostream &os, llvm::ArrayRef<AOTEntry> entries,
                    llvm::StringRef guard, llvm::StringRef source) {
  os << "/* Generated by `deepc compile " << source
     << " -o ... --header ...`: the C ABI of its models\n"
        " * and train blocks (docs/AOT.md). Link the object with -lm. "
        "Buffers are\n"
        " * flat arrays of floats; a tensor's elements are row-major at its "
        "offset. */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#ifndef DEEPC_TENSOR_INFO_DEFINED\n"
     << "#define DEEPC_TENSOR_INFO_DEFINED\n"
     << "/** Where one tensor lives in a flat buffer: floats [offset, offset "
        "+\n"
        " *  numel), shape[0..rank) row-major (unused dims 0). */\n"
     << "typedef struct deepc_tensor_info {\n"
     << "  const char *name;\n  int64_t offset;\n  int64_t numel;\n"
     << "  int64_t rank;\n  int64_t shape[8];\n} deepc_tensor_info;\n"
     << "#endif\n\n";
  for (const AOTEntry &e : entries)
    if (e.isTrain)
      writeTrain(os, e);
    else
      writeModel(os, e);
  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n#endif /* "
     << guard << " */\n";
}

} // namespace deepc
