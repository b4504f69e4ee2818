//===- Emitter.h - ONNX nodes to .nn statements ------------------*- C++
//-*-===//
//
// Internal to the importer. The emitter walks the graph in order and keeps,
// for every ONNX value, either the `.nn` binding that holds it with its
// shape, or its contents when they are known before anything runs (an
// initializer, a Constant, shape arithmetic on them): those fold, and only
// tensors reach the `.nn` text. Dimensions are static sizes, the batch `N`
// (kN) or unknown (kUnknown).
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IMPORTER_EMITTER_H
#define DEEPC_IMPORTER_EMITTER_H

#include "importer/OnnxReader.h"

#include "runtime/Safetensors.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"

#include <climits>
#include <optional>
#include <string>
#include <vector>

namespace deepc::importer {

/// A dimension (or an integer constant's element) nobody knows statically.
constexpr int64_t kUnknown = INT64_MIN;
/// The batch dimension `N` (as a dimension, or as the element of a shape
/// tensor that holds it).
constexpr int64_t kN = INT64_MIN + 1;

/// "[N, 3, 8, 8]".
std::string formatDims(llvm::ArrayRef<int64_t> dims);

/// Contents known before the model runs.
struct Const {
  bool isFloat = true;
  std::vector<int64_t> shape; ///< static
  std::vector<double> f;      ///< float elements
  std::vector<int64_t> i;     ///< integer elements (kN: the batch size)
  std::string initializer;    ///< the initializer's name, if one
  int64_t numel() const {
    return isFloat ? int64_t(f.size()) : int64_t(i.size());
  }
};

struct Value {
  std::string ref;            ///< the `.nn` name of a tensor
  std::vector<int64_t> shape; ///< its dimensions
  std::string dtype = "f32";  ///< its `.nn` element type
  std::optional<Const> cst;   ///< set for a folded constant
  bool poisoned = false;      ///< made by a node that failed
  bool nonNegative = false;   ///< known >= 0 (a relu's result)
};

/// The attributes of one node, read through one binder that knows their
/// defaults; an attribute that no entry read is not supported.
class Attrs {
public:
  explicit Attrs(const onnx::NodeProto &node) : node(node) {}
  int64_t i(llvm::StringRef name, int64_t dflt);
  double f(llvm::StringRef name, double dflt);
  std::string s(llvm::StringRef name, llvm::StringRef dflt);
  std::vector<int64_t> ints(llvm::StringRef name,
                            std::vector<int64_t> dflt = {});
  const onnx::TensorProto *t(llvm::StringRef name);
  bool has(llvm::StringRef name) const;
  /// The first attribute of the node that was not read, or empty.
  std::string unread() const;

private:
  const onnx::AttributeProto *find(llvm::StringRef name);
  const onnx::NodeProto &node;
  llvm::StringSet<> read;
};

class Emitter;
/// One entry of the op table: an ONNX op type, the opset it is valid from
/// (after conversion every model is at kTargetOpset), and the function that
/// emits its `.nn` statements or folds it.
struct OpEntry {
  const char *opType;
  int sinceOpset;
  llvm::Error (*emit)(Emitter &e, const onnx::NodeProto &node, Attrs &attrs);
};
/// The entry for `opType` in the default domain, or null.
const OpEntry *lookupOp(llvm::StringRef opType);
/// Every op type of the table, for docs and errors.
llvm::ArrayRef<OpEntry> opTable();

class Emitter {
public:
  Emitter(llvm::StringRef path, const onnx::ModelProto &model, int fileOpset)
      : path(path), model(model), fileOpset(fileOpset) {}

  /// Translates the whole graph into `modelName`.
  llvm::Error run(llvm::StringRef modelName, std::string &source,
                  SafetensorsFile &weights);

  // For the op table.
  /// Input `k` of the current node, or null if absent.
  Value *input(unsigned k);
  /// Input `k`, which must be a constant: null and an error otherwise.
  llvm::Expected<const Const *> constInput(unsigned k, llvm::StringRef what);
  /// Input `k` as a tensor operand in `.nn` text: its binding, a literal
  /// for a one-element constant, or a `param` declared for a larger one.
  llvm::Expected<std::string> operand(unsigned k);
  /// Emits `name = expr` for output `k` of `shape`; a layer passes the name
  /// its parameters are named after.
  void bind(unsigned k, const std::string &expr, std::vector<int64_t> shape,
            llvm::StringRef dtype = "f32", llvm::StringRef layerName = "");
  /// The one node that reads `value` (not a graph output), or null.
  const onnx::NodeProto *soleConsumer(const std::string &value) const;
  /// The nodes that read `value`; empty if it is also a graph output.
  std::vector<const onnx::NodeProto *>
  internalConsumers(const std::string &value) const;
  /// The value called `name`, or null.
  Value *valueOf(const std::string &name);
  /// `node`, after the current one, is folded into it: it emits nothing and
  /// its output 0 is `v` (a tensor the current node bound) or, with `v`
  /// null, nothing another node reads.
  void fuse(const onnx::NodeProto &node, const Value *v);
  /// Emits `name = expr` for an intermediate value, `name` made from
  /// `base`; returns the name.
  std::string temp(llvm::StringRef base, const std::string &expr);
  /// Output `k` is `v` (Identity, Dropout, ...): no statement.
  void alias(unsigned k, const Value &v);
  /// Output `k` is a folded constant.
  void setConst(unsigned k, Const c);
  /// The binding name for a layer whose parameters are the initializers
  /// `<prefix>.<param>`: `prefix` made an identifier (and unique).
  std::string layerBinding(llvm::StringRef initializer);
  /// Stores parameter `nnName` (from ONNX `onnxName`) as f32 `shape`.
  void addWeight(const std::string &nnName, const std::string &onnxName,
                 std::vector<int64_t> shape, const std::vector<double> &data);
  /// An error about the current node: it names the node, its op type and
  /// the opset.
  llvm::Error unsupported(const llvm::Twine &why);
  /// The static batch size of a graph input exported without a dynamic
  /// batch (reshapes to it mean N), or -1.
  int64_t staticBatch = -1;

private:
  llvm::Error declareInputs(std::string &header);
  llvm::Error emitNode(const onnx::NodeProto &node);
  std::string uniqueName(llvm::StringRef base);
  std::string nodeBinding(const onnx::NodeProto &node, unsigned k);

  std::string path;
  const onnx::ModelProto &model;
  int fileOpset;
  const onnx::NodeProto *current = nullptr;
  llvm::StringMap<Value> values;
  llvm::StringSet<> usedNames, graphOutputs;
  llvm::StringMap<std::vector<const onnx::NodeProto *>> consumers;
  llvm::DenseSet<const onnx::NodeProto *> fused;
  std::string body;
  SafetensorsFile *weights = nullptr;
  llvm::StringSet<> storedWeights;
};

/// The contents of `tensor` (float or integer types), or an error.
llvm::Expected<Const> readTensor(const onnx::TensorProto &tensor);
/// A float literal as `.nn` writes it, or empty for NaN and infinities.
std::string formatFloat(double v);

} // namespace deepc::importer

#endif // DEEPC_IMPORTER_EMITTER_H
