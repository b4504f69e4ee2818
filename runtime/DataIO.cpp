//===- DataIO.cpp - Reading and writing data files ------------------------===//
//
// IDX, .npy and CSV readers and the .npy writer. The rule every reader keeps:
// a size read from a header is checked against the bytes really present (and
// against int64 overflow) before anything is allocated for it.
//
//===----------------------------------------------------------------------===//
#include "runtime/DataIO.h"
#include "runtime/AtomicFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <zlib.h>

#include <cfloat>
#include <charconv>
#include <cmath>

using namespace llvm;

namespace deepc {

static Expected<std::unique_ptr<MemoryBuffer>> readFile(StringRef path) {
  auto buf = MemoryBuffer::getFile(path, /*IsText=*/false,
                                   /*RequiresNullTerminator=*/false);
  if (!buf)
    return fileError(path, "cannot read: " + buf.getError().message());
  return std::move(*buf);
}

/// Appends `n` elements of type `From` stored with `order` in `src` to
/// `dst` as little-endian `To`.
template <typename From, typename To, llvm::endianness order>
static void convertElements(const char *src, size_t n, Bytes &dst) {
  dst.resize(n * sizeof(To));
  for (size_t i = 0; i < n; ++i) {
    To v = static_cast<To>(
        support::endian::read<From, order>(src + i * sizeof(From)));
    support::endian::write<To, llvm::endianness::little>(
        dst.data() + i * sizeof(To), v);
  }
}

//===----------------------------------------------------------------------===//
// IDX
//===----------------------------------------------------------------------===//

namespace {
/// How a file's element type maps to a DType: `code` is the IDX type byte
/// or the .npy kind and size ("f4"), `diskSize` the bytes per element.
struct ElementType {
  StringLiteral code;
  DType dtype;
  unsigned diskSize;
};
} // namespace

/// IDX element types; the narrow integers are widened to I32.
static constexpr ElementType idxTypes[] = {
    {"\x08", DType::U8, 1},  {"\x09", DType::I32, 1}, {"\x0B", DType::I32, 2},
    {"\x0C", DType::I32, 4}, {"\x0D", DType::F32, 4}, {"\x0E", DType::F64, 8}};

/// .npy kinds; the narrow integers are widened to I32.
static constexpr ElementType npyTypes[] = {
    {"f4", DType::F32, 4}, {"f8", DType::F64, 8}, {"i4", DType::I32, 4},
    {"i8", DType::I64, 8}, {"i2", DType::I32, 2}, {"i1", DType::I32, 1},
    {"u1", DType::U8, 1},  {"b1", DType::Bool, 1}};

namespace {
/// A sequential reader over a file's bytes, plain or gzip'd. A read appends
/// only what the file really holds, so a corrupt size in a header can never
/// make it allocate more than the (decompressed) contents.
class ByteReader {
public:
  virtual ~ByteReader() = default;
  /// Appends up to `n` bytes to `out`; fewer only at the end of the data.
  virtual Error read(uint64_t n, Bytes &out) = 0;
};

class PlainReader : public ByteReader {
public:
  explicit PlainReader(std::unique_ptr<MemoryBuffer> buf)
      : buf(std::move(buf)) {}
  Error read(uint64_t n, Bytes &out) override {
    uint64_t take = std::min<uint64_t>(n, buf->getBufferSize() - pos);
    const char *start = buf->getBufferStart() + pos;
    out.append(start, start + take);
    pos += take;
    return Error::success();
  }

private:
  std::unique_ptr<MemoryBuffer> buf;
  uint64_t pos = 0;
};

/// Inflates a gzip file (one or more members) with zlib, in bounded chunks.
class GzipReader : public ByteReader {
public:
  GzipReader(StringRef path, std::unique_ptr<MemoryBuffer> buf)
      : path(path.str()), buf(std::move(buf)) {}
  ~GzipReader() override {
    if (initialized)
      inflateEnd(&zs);
  }

  Error read(uint64_t n, Bytes &out) override {
    constexpr uint64_t chunk = 1 << 20;
    if (!initialized) {
      // 16 + MAX_WBITS: expect a gzip wrapper, not a raw zlib stream.
      if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return fileError(path, "cannot initialise zlib");
      initialized = true;
    }
    while (n > 0 && !ended) {
      if (zs.avail_in == 0 && inPos < buf->getBufferSize()) {
        uint64_t take = std::min<uint64_t>(chunk, buf->getBufferSize() - inPos);
        zs.next_in = reinterpret_cast<Bytef *>(
            const_cast<char *>(buf->getBufferStart() + inPos));
        zs.avail_in = static_cast<uInt>(take);
        inPos += take;
      }
      uInt want = static_cast<uInt>(std::min(n, chunk));
      size_t old = out.size();
      out.resize(old + want);
      zs.next_out = reinterpret_cast<Bytef *>(out.data() + old);
      zs.avail_out = want;
      int ret = inflate(&zs, Z_NO_FLUSH);
      uInt got = want - zs.avail_out;
      out.resize(old + got);
      n -= got;
      bool inputLeft = zs.avail_in > 0 || inPos < buf->getBufferSize();
      if (ret == Z_STREAM_END) {
        // Another gzip member may follow (as `cat a.gz b.gz` makes).
        if (!inputLeft)
          ended = true;
        else if (inflateReset(&zs) != Z_OK)
          return fileError(path, "corrupt gzip data");
        continue;
      }
      if (ret == Z_BUF_ERROR || (ret == Z_OK && got == 0 && !inputLeft))
        return fileError(path, "truncated gzip data");
      if (ret != Z_OK)
        return fileError(path, Twine("corrupt gzip data: ") +
                                   (zs.msg ? zs.msg : "inflate failed"));
    }
    return Error::success();
  }

private:
  std::string path;
  std::unique_ptr<MemoryBuffer> buf;
  z_stream zs = {};
  uint64_t inPos = 0;
  bool initialized = false;
  bool ended = false;
};
} // namespace

Expected<Tensor> loadIDX(StringRef path) {
  auto buf = readFile(path);
  if (!buf)
    return buf.takeError();
  std::unique_ptr<ByteReader> reader;
  if (path.ends_with(".gz"))
    reader = std::make_unique<GzipReader>(path, std::move(*buf));
  else
    reader = std::make_unique<PlainReader>(std::move(*buf));

  Bytes head;
  if (Error e = reader->read(4, head))
    return std::move(e);
  if (head.size() < 4)
    return fileError(path, formatv("truncated IDX file: expected a 4-byte "
                                   "header, found {0} bytes",
                                   head.size()));
  uint32_t magic = support::endian::read32be(head.data());
  unsigned code = static_cast<unsigned char>(head[2]);
  unsigned rank = static_cast<unsigned char>(head[3]);
  if (head[0] != 0 || head[1] != 0)
    return fileError(path, "wrong magic 0x" + Twine(utohexstr(magic)) +
                               ": not an IDX file");
  const auto *type = find_if(idxTypes, [&](const ElementType &t) {
    return t.code == StringRef(head.data() + 2, 1);
  });
  if (type == std::end(idxTypes))
    return fileError(path, "wrong magic 0x" + Twine(utohexstr(magic)) +
                               ": unknown IDX element type 0x" +
                               utohexstr(code));
  DType dtype = type->dtype;
  unsigned diskSize = type->diskSize;
  if (rank == 0)
    return fileError(path, "IDX file declares no dimensions");

  Bytes dimBytes;
  if (Error e = reader->read(4 * rank, dimBytes))
    return std::move(e);
  if (dimBytes.size() < 4 * rank)
    return fileError(path, formatv("truncated IDX header: expected {0} "
                                   "dimension sizes, found {1} bytes",
                                   rank, dimBytes.size()));
  std::vector<int64_t> shape;
  for (unsigned i = 0; i < rank; ++i)
    shape.push_back(support::endian::read32be(dimBytes.data() + 4 * i));
  std::optional<int64_t> size = checkedByteSize(shape, diskSize);
  if (!size)
    return fileError(path, "IDX shape " + formatShape(shape) +
                               " is too large (overflows int64)");

  Bytes raw;
  if (Error e = reader->read(*size, raw))
    return std::move(e);
  if (static_cast<int64_t>(raw.size()) < *size)
    return fileError(path, formatv("truncated IDX file: expected {0} bytes of "
                                   "data, found {1}",
                                   *size, raw.size()));
  // Reading one byte more also makes zlib check the gzip trailer's CRC.
  Bytes extra;
  if (Error e = reader->read(1, extra))
    return std::move(e);
  if (!extra.empty())
    return fileError(path, formatv("IDX file has trailing data: expected {0} "
                                   "bytes of data for shape {1}, found more",
                                   *size, formatShape(shape)));

  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  size_t n = raw.size() / diskSize;
  constexpr auto big = llvm::endianness::big;
  switch (code) {
  case 0x08:
    t.bytes = std::move(raw);
    break;
  case 0x09:
    convertElements<int8_t, int32_t, big>(raw.data(), n, t.bytes);
    break;
  case 0x0B:
    convertElements<int16_t, int32_t, big>(raw.data(), n, t.bytes);
    break;
  case 0x0C:
  case 0x0D:
    convertElements<uint32_t, uint32_t, big>(raw.data(), n, t.bytes);
    break;
  case 0x0E:
    convertElements<uint64_t, uint64_t, big>(raw.data(), n, t.bytes);
    break;
  }
  return t;
}

//===----------------------------------------------------------------------===//
// NPY
//===----------------------------------------------------------------------===//

static constexpr StringLiteral npyMagic("\x93NUMPY");

namespace {
/// The three keys of a .npy header.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
};

/// A cursor over the Python dict literal of a .npy header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
class DictCursor {
public:
  explicit DictCursor(StringRef text) : rest(text) {}

  bool consume(char c) {
    rest = rest.ltrim();
    if (!rest.starts_with(StringRef(&c, 1)))
      return false;
    rest = rest.drop_front();
    return true;
  }
  bool parseString(std::string &out) {
    rest = rest.ltrim();
    if (rest.empty() || (rest.front() != '\'' && rest.front() != '"'))
      return false;
    size_t end = rest.find(rest.front(), 1);
    if (end == StringRef::npos)
      return false;
    out = rest.slice(1, end).str();
    rest = rest.drop_front(end + 1);
    return true;
  }
  bool parseWord(StringRef &out) {
    rest = rest.ltrim();
    size_t n = 0;
    while (n < rest.size() && isAlnum(rest[n]))
      ++n;
    out = rest.take_front(n);
    rest = rest.drop_front(n);
    return n > 0;
  }
  bool parseDim(int64_t &out) {
    StringRef word;
    if (!parseWord(word))
      return false;
    word.consume_back("L"); // Python 2 long literals.
    return !word.getAsInteger(10, out) && out >= 0;
  }
  bool atEnd() const { return rest.trim().empty(); }

private:
  StringRef rest;
};
} // namespace

static Error parseNpyHeader(StringRef path, StringRef text, NpyHeader &h) {
  auto bad = [&](const Twine &why) {
    return fileError(path, "bad .npy header (" + why + "): " + text.trim());
  };
  DictCursor cur(text);
  bool hasDescr = false, hasOrder = false, hasShape = false;
  if (!cur.consume('{'))
    return bad("expected '{'");
  while (!cur.consume('}')) {
    std::string key;
    if (!cur.parseString(key) || !cur.consume(':'))
      return bad("expected 'key': value");
    if (key == "descr") {
      if (!cur.parseString(h.descr))
        return bad("'descr' is not a string; structured dtypes are not "
                   "supported");
      hasDescr = true;
    } else if (key == "fortran_order") {
      StringRef word;
      if (!cur.parseWord(word) || (word != "True" && word != "False"))
        return bad("'fortran_order' is not True or False");
      h.fortranOrder = word == "True";
      hasOrder = true;
    } else if (key == "shape") {
      if (!cur.consume('('))
        return bad("'shape' is not a tuple");
      while (!cur.consume(')')) {
        int64_t dim;
        if (!cur.parseDim(dim))
          return bad("'shape' holds a bad dimension");
        h.shape.push_back(dim);
        if (cur.consume(')'))
          break;
        if (!cur.consume(','))
          return bad("expected ',' or ')' in 'shape'");
      }
      hasShape = true;
    } else {
      return bad("unknown key '" + key + "'");
    }
    if (!cur.consume(',')) {
      if (!cur.consume('}'))
        return bad("expected ',' or '}'");
      break;
    }
  }
  if (!cur.atEnd())
    return bad("text after '}'");
  if (!hasDescr || !hasOrder || !hasShape)
    return bad("'descr', 'fortran_order' and 'shape' are all required");
  return Error::success();
}

Expected<Tensor> loadNPY(StringRef path) {
  auto buf = readFile(path);
  if (!buf)
    return buf.takeError();
  StringRef file = (*buf)->getBuffer();
  if (file.size() < 8 || !file.starts_with(npyMagic))
    return fileError(path, file.size() < 8 && npyMagic.starts_with(file)
                               ? "truncated .npy file"
                               : "wrong magic: not a .npy file");
  unsigned major = static_cast<unsigned char>(file[6]);
  unsigned minor = static_cast<unsigned char>(file[7]);
  if (major < 1 || major > 3)
    return fileError(path,
                     formatv("unsupported .npy version {0}.{1}", major, minor));
  // v1 stores the header length in 2 bytes, v2 and v3 in 4.
  size_t lenBytes = major == 1 ? 2 : 4;
  if (file.size() < 8 + lenBytes)
    return fileError(path, "truncated .npy file: no header length");
  uint64_t headerLen = lenBytes == 2
                           ? support::endian::read16le(file.data() + 8)
                           : support::endian::read32le(file.data() + 8);
  uint64_t dataStart = 8 + lenBytes + headerLen;
  if (dataStart > file.size())
    return fileError(path, formatv("truncated .npy header: declares {0} "
                                   "bytes, the file has {1} after the prefix",
                                   headerLen, file.size() - 8 - lenBytes));
  NpyHeader h;
  if (Error e = parseNpyHeader(path, file.slice(8 + lenBytes, dataStart), h))
    return std::move(e);
  if (h.fortranOrder)
    return fileError(path, "fortran_order=True .npy files are not supported; "
                           "save a C-order array (np.ascontiguousarray)");

  // One-byte types have no byte order; wider ones must be little-endian.
  StringRef descr = h.descr;
  StringRef kind = descr.drop_front(descr.empty() ? 0 : 1);
  char order = descr.empty() ? 0 : descr.front();
  bool oneByte = kind == "u1" || kind == "i1" || kind == "b1";
  if (!oneByte && order == '>')
    return fileError(path, "big-endian .npy data ('" + descr +
                               "') is not supported; save it little-endian "
                               "(arr.astype(arr.dtype.newbyteorder('<')))");
  if (!StringRef("<|=>").contains(order) || (!oneByte && order != '<'))
    kind = "";
  const auto *type =
      find_if(npyTypes, [&](const ElementType &t) { return t.code == kind; });
  if (type == std::end(npyTypes))
    return fileError(path, "unsupported .npy dtype '" + descr +
                               "' (supported: <f4 <f8 <i4 <i8 <i2 |i1 |u1 "
                               "|b1)");
  DType dtype = type->dtype;
  size_t itemSize = type->diskSize;
  std::optional<int64_t> size = checkedByteSize(h.shape, itemSize);
  if (!size)
    return fileError(path, ".npy shape " + formatShape(h.shape) +
                               " is too large (overflows int64)");
  StringRef payload = file.drop_front(dataStart);
  if (static_cast<uint64_t>(*size) != payload.size())
    return fileError(
        path,
        formatv("{0} .npy file: expected {1} bytes of data for shape "
                "{2}, found {3}",
                static_cast<uint64_t>(*size) > payload.size() ? "truncated"
                                                              : "malformed",
                *size, formatShape(h.shape), payload.size()));

  Tensor t;
  t.dtype = dtype;
  t.shape = std::move(h.shape);
  constexpr auto little = llvm::endianness::little;
  if (kind == "i1")
    convertElements<int8_t, int32_t, little>(payload.data(), *size, t.bytes);
  else if (kind == "i2")
    convertElements<int16_t, int32_t, little>(payload.data(), *size / 2,
                                              t.bytes);
  else
    t.bytes.assign(payload.begin(), payload.end());
  if (dtype == DType::Bool)
    for (char &b : t.bytes)
      b = b != 0;
  return t;
}

//===----------------------------------------------------------------------===//
// CSV
//===----------------------------------------------------------------------===//

namespace {
enum class NumberKind { Integer, Real, NotANumber };
} // namespace

/// Classifies one CSV field; an integer too large for int64 counts as real.
static NumberKind parseNumber(StringRef field, int64_t &i, double &d) {
  field = field.trim();
  if (field.consume_front("+") && field.starts_with("-"))
    return NumberKind::NotANumber;
  if (field.empty())
    return NumberKind::NotANumber;
  const char *begin = field.begin(), *end = field.end();
  auto intResult = std::from_chars(begin, end, i);
  if (intResult.ec == std::errc() && intResult.ptr == end)
    return NumberKind::Integer;
  auto realResult = std::from_chars(begin, end, d);
  if (realResult.ec == std::errc() && realResult.ptr == end)
    return NumberKind::Real;
  return NumberKind::NotANumber;
}

Expected<Tensor> loadCSV(StringRef path) {
  auto buf = readFile(path);
  if (!buf)
    return buf.takeError();
  StringRef rest = (*buf)->getBuffer();
  rest.consume_front("\xEF\xBB\xBF"); // UTF-8 byte order mark.

  // Values stay int64 until the first real number, then all become float.
  std::vector<int64_t> ints;
  std::vector<float> reals;
  bool isReal = false;
  size_t cols = 0;
  int64_t rows = 0;
  bool firstRow = true;
  SmallVector<StringRef, 64> fields;
  for (unsigned lineNo = 1; !rest.empty(); ++lineNo) {
    StringRef line;
    std::tie(line, rest) = rest.split('\n');
    line = line.trim();
    if (line.empty())
      continue;
    fields.clear();
    line.split(fields, ',');
    int64_t i;
    double d;
    if (firstRow) {
      firstRow = false;
      cols = fields.size();
      if (!all_of(fields, [&](StringRef f) {
            return parseNumber(f, i, d) != NumberKind::NotANumber;
          }))
        continue; // A header row.
    }
    if (fields.size() != cols)
      return fileError(path, formatv("ragged CSV: line {0} has {1} values, "
                                     "expected {2} like the first row",
                                     lineNo, fields.size(), cols));
    for (auto [col, field] : enumerate(fields)) {
      NumberKind kind = parseNumber(field, i, d);
      if (kind == NumberKind::NotANumber)
        return fileError(path, formatv("line {0}, column {1}: not a number: "
                                       "'{2}'",
                                       lineNo, col + 1, field.trim()));
      if (kind == NumberKind::Real && !isReal) {
        isReal = true;
        reals.assign(ints.begin(), ints.end());
        ints = {};
      }
      if (!isReal) {
        ints.push_back(i);
        continue;
      }
      if (kind == NumberKind::Integer)
        d = static_cast<double>(i);
      if (std::isfinite(d) && std::fabs(d) > FLT_MAX)
        return fileError(path, formatv("line {0}, column {1}: {2} is out of "
                                       "the F32 range",
                                       lineNo, col + 1, field.trim()));
      reals.push_back(static_cast<float>(d));
    }
    ++rows;
  }
  if (rows == 0)
    return fileError(path, "empty CSV file: no data rows");

  Tensor t;
  t.shape = {rows, static_cast<int64_t>(cols)};
  t.dtype = isReal ? DType::F32 : DType::I64;
  const char *data = isReal ? reinterpret_cast<const char *>(reals.data())
                            : reinterpret_cast<const char *>(ints.data());
  size_t bytes = isReal ? reals.size() * 4 : ints.size() * 8;
  // Host order is little-endian on every platform deepc targets.
  t.bytes.assign(data, data + bytes);
  return t;
}

//===----------------------------------------------------------------------===//
// Dispatch and writing
//===----------------------------------------------------------------------===//

Expected<Tensor> loadData(StringRef path) {
  std::string name = sys::path::filename(path).lower();
  StringRef n = name;
  if (n.ends_with(".npy"))
    return loadNPY(path);
  if (n.ends_with(".csv"))
    return loadCSV(path);
  if (n.ends_with(".gz") || n.contains(".idx") || n.ends_with("-ubyte"))
    return loadIDX(path);
  return fileError(path, "unknown data format; supported: IDX (*.idx*, "
                         "*-ubyte, optionally .gz), NumPy (.npy), CSV (.csv)");
}

Error saveNPY(StringRef path, const Tensor &t) {
  StringRef descr;
  switch (t.dtype) {
  case DType::F32:
    descr = "<f4";
    break;
  case DType::F64:
    descr = "<f8";
    break;
  case DType::I32:
    descr = "<i4";
    break;
  case DType::I64:
    descr = "<i8";
    break;
  case DType::U8:
    descr = "|u1";
    break;
  case DType::Bool:
    descr = "|b1";
    break;
  case DType::BF16:
    return fileError(path, "cannot save a BF16 tensor as .npy (NumPy has no "
                           "bfloat16)");
  }
  std::optional<int64_t> size = checkedByteSize(t.shape, dtypeSize(t.dtype));
  if (!size || static_cast<uint64_t>(*size) != t.bytes.size())
    return fileError(path, formatv("cannot save: a tensor of shape {0} holds "
                                   "{1} bytes",
                                   formatShape(t.shape), t.bytes.size()));

  std::string header;
  raw_string_ostream os(header);
  os << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  interleave(t.shape, os, ", ");
  os << (t.shape.size() == 1 ? ",), }" : "), }");
  // Pad with spaces so the data starts on a 64-byte boundary, as NumPy does.
  size_t total = npyMagic.size() + 2 + 2 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > UINT16_MAX)
    return fileError(path, "cannot save: .npy v1.0 header too long");

  Error e = writeFileAtomically(path, [&](raw_ostream &out) {
    char lenBytes[2];
    support::endian::write16le(lenBytes, header.size());
    out << npyMagic << '\x01' << '\x00';
    out.write(lenBytes, 2);
    out << header;
    out.write(t.bytes.data(), t.bytes.size());
    return Error::success();
  });
  if (e)
    return fileError(path, "cannot write: " + toString(std::move(e)));
  return Error::success();
}

} // namespace deepc
