//===- Safetensors.cpp - Weights and checkpoints as safetensors -----------===//
//
// The header is parsed and printed with llvm/Support/JSON.h. Every offset and
// shape in it is checked against the file's real size before a tensor is
// allocated, and a write goes through writeFileAtomically (a temporary file
// beside the target, fsync'ed and renamed into place).
//
//===----------------------------------------------------------------------===//
#include "runtime/Safetensors.h"
#include "runtime/AtomicFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <tuple>

using namespace llvm;

namespace deepc {

/// The dtypes deepc reads and writes, by their safetensors names.
static std::optional<DType> parseDType(StringRef name) {
  for (DType t : {DType::F32, DType::F64, DType::BF16, DType::I32, DType::I64,
                  DType::U8, DType::Bool})
    if (dtypeName(t) == name)
      return t;
  return std::nullopt;
}

const Tensor *SafetensorsFile::find(StringRef name) const {
  for (const auto &[n, t] : tensors)
    if (n == name)
      return &t;
  return nullptr;
}

namespace {
/// One tensor's header entry, validated.
struct Entry {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin, end;
};
} // namespace

/// Validates the header entry `value` of the tensor `name` against the
/// `dataSize` bytes that follow the header.
static Expected<Entry> parseEntry(StringRef path, StringRef name,
                                  const json::Value &value, uint64_t dataSize) {
  auto bad = [&](const Twine &why) {
    return fileError(path, "tensor '" + name + "': " + why);
  };
  const json::Object *obj = value.getAsObject();
  if (!obj)
    return bad("header entry is not a JSON object");
  Entry e;
  e.name = name.str();
  std::optional<StringRef> dtype = obj->getString("dtype");
  if (!dtype)
    return bad("missing \"dtype\"");
  std::optional<DType> parsed = parseDType(*dtype);
  if (!parsed)
    return bad("unsupported dtype '" + *dtype +
               "' (supported: F32 F64 BF16 I32 I64 U8 BOOL)");
  e.dtype = *parsed;
  const json::Array *shape = obj->getArray("shape");
  if (!shape)
    return bad("missing \"shape\"");
  for (const json::Value &v : *shape) {
    std::optional<int64_t> d = v.getAsInteger();
    if (!d || *d < 0)
      return bad("\"shape\" holds something other than a dimension");
    e.shape.push_back(*d);
  }
  const json::Array *offsets = obj->getArray("data_offsets");
  std::optional<uint64_t> begin, end;
  if (offsets && offsets->size() == 2) {
    begin = (*offsets)[0].getAsUINT64();
    end = (*offsets)[1].getAsUINT64();
  }
  if (!begin || !end)
    return bad("\"data_offsets\" is not a pair of offsets");
  e.begin = *begin;
  e.end = *end;
  if (e.begin > e.end || e.end > dataSize)
    return bad(formatv("data_offsets [{0}, {1}] are out of range: the data "
                       "holds {2} bytes",
                       e.begin, e.end, dataSize));
  std::optional<int64_t> size = checkedByteSize(e.shape, dtypeSize(e.dtype));
  if (!size)
    return bad("shape " + formatShape(e.shape) +
               " is too large (overflows int64)");
  if (static_cast<uint64_t>(*size) != e.end - e.begin)
    return bad(formatv("data_offsets [{0}, {1}] hold {2} bytes, but {3} {4} "
                       "needs {5}",
                       e.begin, e.end, e.end - e.begin, dtypeName(e.dtype),
                       formatShape(e.shape), *size));
  return e;
}

Expected<SafetensorsFile> readSafetensors(StringRef path) {
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/false,
                                   /*RequiresNullTerminator=*/false);
  if (!buf)
    return fileError(path, "cannot read: " + buf.getError().message());
  StringRef file = (*buf)->getBuffer();
  if (file.size() < 8)
    return fileError(path, formatv("truncated safetensors file: {0} bytes, "
                                   "the header length alone takes 8",
                                   file.size()));
  uint64_t headerLen = support::endian::read64le(file.data());
  if (headerLen > file.size() - 8)
    return fileError(path, formatv("truncated safetensors file: the header "
                                   "length {0} exceeds the {1} bytes after it",
                                   headerLen, file.size() - 8));
  StringRef data = file.drop_front(8 + headerLen);

  Expected<json::Value> header = json::parse(file.substr(8, headerLen));
  if (!header)
    return fileError(path, "bad safetensors header JSON: " +
                               toString(header.takeError()));
  const json::Object *root = header->getAsObject();
  if (!root)
    return fileError(path, "bad safetensors header: not a JSON object");

  SafetensorsFile result;
  std::vector<Entry> entries;
  for (const auto &[key, value] : *root) {
    if (key == "__metadata__") {
      const json::Object *meta = value.getAsObject();
      if (!meta)
        return fileError(path, "\"__metadata__\" is not a JSON object");
      for (const auto &[k, v] : *meta) {
        std::optional<StringRef> s = v.getAsString();
        if (!s)
          return fileError(path, "metadata value of '" + StringRef(k) +
                                     "' is not a string");
        result.metadata[k.str()] = s->str();
      }
      continue;
    }
    Expected<Entry> e = parseEntry(path, key, value, data.size());
    if (!e)
      return e.takeError();
    entries.push_back(std::move(*e));
  }

  // The JSON object is unordered: list the tensors in the order of their
  // data, and check that no two of them share bytes.
  llvm::sort(entries, [](const Entry &a, const Entry &b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  for (size_t i = 1; i < entries.size(); ++i)
    if (entries[i].begin < entries[i - 1].end)
      return fileError(path, formatv("tensors '{0}' [{1}, {2}] and '{3}' [{4}, "
                                     "{5}] overlap",
                                     entries[i - 1].name, entries[i - 1].begin,
                                     entries[i - 1].end, entries[i].name,
                                     entries[i].begin, entries[i].end));
  for (Entry &e : entries) {
    Tensor t;
    t.dtype = e.dtype;
    t.shape = std::move(e.shape);
    t.bytes.assign(data.begin() + e.begin, data.begin() + e.end);
    result.tensors.emplace_back(std::move(e.name), std::move(t));
  }
  return result;
}

Error writeSafetensors(StringRef path, const SafetensorsFile &file) {
  json::Object header;
  uint64_t offset = 0;
  StringSet<> names;
  for (const auto &[name, t] : file.tensors) {
    if (name == "__metadata__" || !json::isUTF8(name))
      return fileError(path, "cannot save a tensor named '" + name + "'");
    if (!names.insert(name).second)
      return fileError(path, "cannot save two tensors named '" + name + "'");
    std::optional<int64_t> size = checkedByteSize(t.shape, dtypeSize(t.dtype));
    if (!size || static_cast<uint64_t>(*size) != t.bytes.size())
      return fileError(path, formatv("cannot save tensor '{0}': {1} {2} holds "
                                     "{3} bytes",
                                     name, dtypeName(t.dtype),
                                     formatShape(t.shape), t.bytes.size()));
    header[name] =
        json::Object{{"dtype", dtypeName(t.dtype)},
                     {"shape", json::Array(t.shape)},
                     {"data_offsets", json::Array{offset, offset + *size}}};
    offset += *size;
  }
  if (!file.metadata.empty()) {
    json::Object meta;
    for (const auto &[k, v] : file.metadata) {
      if (!json::isUTF8(k) || !json::isUTF8(v))
        return fileError(path, "cannot save metadata that is not UTF-8");
      meta[k] = v;
    }
    header["__metadata__"] = std::move(meta);
  }
  std::string text;
  raw_string_ostream(text) << json::Value(std::move(header));
  // Pad with spaces so the data starts 8-byte aligned, as other writers do.
  text.append((8 - text.size() % 8) % 8, ' ');

  Error e = writeFileAtomically(path, [&](raw_ostream &os) {
    char len[8];
    support::endian::write64le(len, text.size());
    os.write(len, sizeof(len));
    os << text;
    for (const auto &entry : file.tensors)
      os.write(entry.second.bytes.data(), entry.second.bytes.size());
    return Error::success();
  });
  if (e)
    return fileError(path, "cannot write: " + toString(std::move(e)));
  return Error::success();
}

} // namespace deepc
