//===- OnnxReader.cpp - ONNX files in, checked and at one opset -----------===//
#include "importer/OnnxReader.h"
#include "importer/Import.h"

#include "runtime/Tensor.h"

#include "onnx/checker.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include "google/protobuf/io/coded_stream.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>
#include <exception>

namespace deepc::importer {

namespace {
/// Loads the external data of initializers into their raw_data, reading
/// only files inside the model's folder.
class ExternalData {
public:
  ExternalData(llvm::StringRef modelPath) : modelPath(modelPath) {
    folder = llvm::sys::path::parent_path(modelPath).str();
    if (folder.empty())
      folder = ".";
  }

  llvm::Error load(onnx::TensorProto &tensor) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      return llvm::Error::success();
    std::string location;
    uint64_t offset = 0, length = 0;
    bool hasLength = false;
    for (const auto &entry : tensor.external_data()) {
      llvm::StringRef value = entry.value();
      if (entry.key() == "location") {
        location = entry.value();
      } else if (entry.key() == "offset" || entry.key() == "length") {
        uint64_t n;
        if (value.getAsInteger(10, n))
          return fail(tensor, "external data " + entry.key() + " '" +
                                  entry.value() + "' is not a number");
        (entry.key() == "offset" ? offset : length) = n;
        hasLength |= entry.key() == "length";
      }
    }
    if (location.empty())
      return fail(tensor, "external data without a location");
    if (llvm::sys::path::is_absolute(location) ||
        llvm::sys::path::is_absolute(location, llvm::sys::path::Style::windows))
      return fail(tensor, "external data location '" + location +
                              "' is absolute; it must be a relative path "
                              "inside the model's folder");
    for (auto it = llvm::sys::path::begin(location),
              end = llvm::sys::path::end(location);
         it != end; ++it)
      if (*it == "..")
        return fail(tensor, "external data location '" + location +
                                "' leaves the model's folder");
    llvm::SmallString<256> file(folder);
    llvm::sys::path::append(file, location);
    // Through symbolic links too: the real path must be inside the real
    // folder.
    llvm::SmallString<256> realFile, realFolder;
    if (llvm::sys::fs::real_path(file, realFile) ||
        llvm::sys::fs::real_path(folder, realFolder))
      return fail(tensor, "cannot open external data file '" + location + "'");
    llvm::StringRef prefix = realFolder;
    if (!llvm::StringRef(realFile).starts_with(prefix) ||
        realFile.size() <= prefix.size() ||
        !llvm::sys::path::is_separator(realFile[prefix.size()]))
      return fail(tensor, "external data location '" + location +
                              "' leaves the model's folder");
    if (llvm::sys::fs::is_directory(realFile))
      return fail(tensor,
                  "external data location '" + location + "' is a folder");
    auto &buffer = files[realFile];
    if (!buffer) {
      auto read = llvm::MemoryBuffer::getFile(realFile, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
      if (!read)
        return fail(tensor, "cannot read external data file '" + location +
                                "': " + read.getError().message());
      buffer = std::move(*read);
    }
    uint64_t size = buffer->getBufferSize();
    if (!hasLength)
      length = offset <= size ? size - offset : 0;
    if (offset > size || length > size - offset)
      return fail(tensor, llvm::formatv("external data [{0}, +{1}) lies "
                                        "outside '{2}' ({3} bytes)",
                                        offset, length, location, size)
                              .str());
    tensor.set_raw_data(buffer->getBufferStart() + offset, length);
    tensor.clear_external_data();
    tensor.set_data_location(onnx::TensorProto::DEFAULT);
    return llvm::Error::success();
  }

private:
  llvm::Error fail(const onnx::TensorProto &tensor, const llvm::Twine &msg) {
    return fileError(modelPath, "initializer '" + tensor.name() + "': " + msg);
  }

  std::string modelPath, folder;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> files;
};
} // namespace

static int defaultOpset(const onnx::ModelProto &model) {
  for (const auto &op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      return int(op.version());
  return -1;
}

static llvm::Expected<onnx::ModelProto> readUnchecked(llvm::StringRef path,
                                                      int &opset) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fileError(path, "cannot read: " + buffer.getError().message());
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() > size_t(INT_MAX))
    return fileError(path, "larger than 2 GB: ONNX keeps larger weights as "
                           "external data");
  onnx::ModelProto model;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
  stream.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage())
    return fileError(path, "not a valid ONNX model: the protobuf does not "
                           "parse (a truncated or damaged file, or not ONNX)");
  if (!model.has_graph() || model.ir_version() <= 0)
    return fileError(path, "not a valid ONNX model: no graph or no IR "
                           "version (a truncated or damaged file, or not "
                           "ONNX)");
  opset = defaultOpset(model);
  if (opset < 0)
    return fileError(path, "the model imports no opset of the default ONNX "
                           "domain");
  if (opset < kMinOpset || opset > kTargetOpset)
    return fileError(path, llvm::formatv("opset {0} is not supported (deepc "
                                         "imports opsets {1} to {2})",
                                         opset, kMinOpset, kTargetOpset)
                               .str());
  ExternalData external(path);
  for (auto &tensor : *model.mutable_graph()->mutable_initializer())
    if (llvm::Error err = external.load(tensor))
      return std::move(err);
  for (auto &node : *model.mutable_graph()->mutable_node())
    for (auto &attr : *node.mutable_attribute())
      if (attr.has_t())
        if (llvm::Error err = external.load(*attr.mutable_t()))
          return std::move(err);
  return std::move(model);
}

/// What ONNX's checker leaves to others and its version converter assumes
/// (it dereferences null otherwise): every graph output is a graph input,
/// an initializer or a node's output.
static llvm::Error checkOutputsDefined(llvm::StringRef path,
                                       const onnx::GraphProto &graph) {
  llvm::StringSet<> defined;
  for (const auto &in : graph.input())
    defined.insert(in.name());
  for (const auto &t : graph.initializer())
    defined.insert(t.name());
  for (const auto &node : graph.node())
    for (const auto &out : node.output())
      defined.insert(out);
  for (const auto &out : graph.output())
    if (!defined.contains(out.name()))
      return fileError(path, "invalid ONNX model: the graph output '" +
                                 out.name() + "' is not computed by any node");
  return llvm::Error::success();
}

llvm::Expected<onnx::ModelProto> readOnnxModel(llvm::StringRef path,
                                               int &opset) {
  auto model = readUnchecked(path, opset);
  if (!model)
    return model.takeError();
  if (llvm::Error err = checkOutputsDefined(path, model->graph()))
    return std::move(err);
  const char *stage = "checker";
  try {
    onnx::checker::check_model(*model);
    if (opset != kTargetOpset) {
      stage = "version converter";
      *model = onnx::version_conversion::ConvertVersion(*model, kTargetOpset);
    }
    stage = "shape inference";
    onnx::shape_inference::InferShapes(*model);
    return std::move(*model);
  } catch (const std::exception &e) {
    return fileError(path, llvm::formatv("invalid ONNX model (ONNX's {0}): "
                                         "{1}",
                                         stage, e.what())
                               .str());
  } catch (...) {
    return fileError(path, llvm::formatv("invalid ONNX model (ONNX's {0} "
                                         "failed)",
                                         stage)
                               .str());
  }
}

} // namespace deepc::importer
