//===- OnnxReader.h - ONNX files in, checked and at one opset ----*- C++
//-*-===//
//
// Internal to the importer: the only header that includes ONNX's.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IMPORTER_ONNXREADER_H
#define DEEPC_IMPORTER_ONNXREADER_H

#include "onnx/onnx_pb.h"

#include "llvm/Support/Error.h"

namespace deepc::importer {

/// Reads the model at `path`: parses the protobuf, loads external data
/// (locations must stay inside the model's folder), runs ONNX's checker,
/// converts the default domain to kTargetOpset with ONNX's version converter
/// and runs its shape inference. `opset` receives the opset the file
/// declared. Every exception of ONNX or protobuf becomes an error.
llvm::Expected<onnx::ModelProto> readOnnxModel(llvm::StringRef path,
                                               int &opset);

} // namespace deepc::importer

#endif // DEEPC_IMPORTER_ONNXREADER_H
