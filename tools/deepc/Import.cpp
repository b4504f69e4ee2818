//===- Import.cpp - deepc import ------------------------------------------===//
//
// Translates an ONNX model to a `.nn` model and its weights (SPEC section 5,
// docs/IMPORT.md). Both outputs are made in memory and the `.nn` text is
// checked by the frontend before anything is written; each file is then
// written atomically, so an error leaves neither.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/Driver.h"
#include "tools/deepc/Subcommands.h"

#include "importer/Import.h"
#include "runtime/AtomicFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace cl = llvm::cl;

namespace deepc::driver {

cl::SubCommand importCommand("import",
                             "Translate an ONNX model to .nn and safetensors");

static cl::opt<std::string> input(cl::Positional, cl::Required,
                                  cl::desc("<model.onnx>"),
                                  cl::sub(importCommand),
                                  cl::cat(deepcCategory));
static cl::opt<std::string> output("o", cl::Required,
                                   cl::desc("The .nn file to write"),
                                   cl::value_desc("file"),
                                   cl::sub(importCommand),
                                   cl::cat(deepcCategory));
static cl::opt<std::string>
    weightsPath("weights",
                cl::desc("The weights to write (safetensors); default: the "
                         ".nn file's name with .safetensors"),
                cl::value_desc("file"), cl::sub(importCommand),
                cl::cat(deepcCategory));
static cl::opt<std::string>
    name("name",
         cl::desc("The model's name; default: the ONNX graph's or the file's"),
         cl::value_desc("name"), cl::sub(importCommand),
         cl::cat(deepcCategory));

static bool isIdentifier(llvm::StringRef s) {
  if (s.empty() || !(isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) {
    return isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

int runImport() {
  if (name.getNumOccurrences() && !isIdentifier(name))
    return fail("--name '" + name +
                "' is not an identifier (letters, digits, '_')");
  std::string weights = weightsPath;
  if (weights.empty()) {
    llvm::SmallString<256> path(output);
    llvm::sys::path::replace_extension(path, ".safetensors");
    weights = path.str().str();
  }
  if (weights == output)
    return fail("the .nn file and the weights would both be '" + output + "'");

  importer::ImportOptions options;
  options.modelName = name;
  auto result = importer::importOnnx(input, options);
  if (!result)
    return fail(result.takeError());

  // The text must be a model the frontend accepts; if not, that is a bug of
  // the importer, reported before anything is written.
  {
    llvm::SourceMgr sm;
    sm.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(result->source, output),
        llvm::SMLoc());
    if (!parseAndCheck(sm))
      return fail("internal error: the .nn made from '" + input +
                  "' does not check (above); nothing was written");
  }

  if (llvm::Error err = writeSafetensors(weights, result->weights))
    return fail(std::move(err));
  if (llvm::Error err = writeFileAtomically(output, [&](llvm::raw_ostream &os) {
        os << result->source;
        return llvm::Error::success();
      })) {
    llvm::sys::fs::remove(weights);
    return fail(output + ": " + llvm::toString(std::move(err)));
  }
  return 0;
}

} // namespace deepc::driver
