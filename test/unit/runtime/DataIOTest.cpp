//===- DataIOTest.cpp - IDX, .npy and CSV readers and the .npy writer -----===//
#include "runtime/DataIO.h"

#include "TestUtil.h"

#include <zlib.h>

#include <map>

using namespace deepc;
using namespace deepc::test;

namespace {

/// An IDX header: magic 00 00 <type> <rank>, then big-endian u32 dims.
std::string idxHeader(uint8_t type, std::vector<uint32_t> dims) {
  std::string s = {0, 0, char(type), char(dims.size())};
  for (uint32_t d : dims)
    s += {char(d >> 24), char(d >> 16), char(d >> 8), char(d)};
  return s;
}

/// Writes `bytes` gzip'd with zlib's own writer.
std::string writeGz(const TempDir &dir, llvm::StringRef name,
                    llvm::StringRef bytes) {
  std::string p = dir.path(name);
  gzFile f = gzopen(p.c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, bytes.data(), bytes.size()), int(bytes.size()));
  gzclose(f);
  return p;
}

//===----------------------------------------------------------------------===//
// IDX
//===----------------------------------------------------------------------===//

TEST(IDX, U8Images) {
  TempDir dir;
  std::string p = dir.write("imgs-idx3-ubyte",
                            idxHeader(0x08, {2, 1, 3}) +
                                std::string("\x01\x02\xff\x00\x7f\x80", 6));
  auto t = loadIDX(p);
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::U8);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 1, 3}));
  EXPECT_EQ(values<uint8_t>(*t),
            (std::vector<uint8_t>{1, 2, 255, 0, 127, 128}));
}

// Found by fuzz_idx: an i16 file (widened to 4-byte i32 on load) with a zero
// dimension after three large ones. Its 2-byte size fits int64 but the 4-byte
// size overflowed before the zero was reached, so the loaded tensor looked
// malformed. A zero dimension means 0 bytes whatever the order.
TEST(IDX, ZeroDimensionAfterHugeOnes) {
  TempDir dir;
  auto t = loadIDX(dir.write(
      "z.idx", idxHeader(0x0B, {512, 4290707968u, 2067208, 0, 7})));
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::I32);
  EXPECT_TRUE(t->bytes.empty());
  EXPECT_EQ(checkedByteSize(t->shape, dtypeSize(t->dtype)),
            std::optional<int64_t>(0));
  EXPECT_EQ(checkedByteSize({0, int64_t(1) << 62, 8}, 4),
            std::optional<int64_t>(0));
  EXPECT_EQ(checkedByteSize({int64_t(1) << 62, 8}, 4), std::nullopt);
  EXPECT_EQ(checkedByteSize({3, -1, 0}, 4), std::nullopt);
}

TEST(IDX, AllElementTypes) {
  TempDir dir;
  // i8 -> I32.
  auto i8 = loadIDX(dir.write("a.idx", idxHeader(0x09, {3}) + "\xff\x7f\x80"));
  ASSERT_TRUE(bool(i8)) << errorOf(std::move(i8));
  EXPECT_EQ(i8->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i8), (std::vector<int32_t>{-1, 127, -128}));
  // i16 -> I32: ff fe = -2, 01 00 = 256.
  auto i16 = loadIDX(dir.write(
      "b.idx", idxHeader(0x0B, {2}) + std::string("\xff\xfe\x01\x00", 4)));
  ASSERT_TRUE(bool(i16)) << errorOf(std::move(i16));
  EXPECT_EQ(i16->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i16), (std::vector<int32_t>{-2, 256}));
  // i32: 80 00 00 00 = INT32_MIN, 00 00 01 02 = 258.
  auto i32 =
      loadIDX(dir.write("c.idx", idxHeader(0x0C, {2}) +
                                     std::string("\x80\0\0\0\0\0\x01\x02", 8)));
  ASSERT_TRUE(bool(i32)) << errorOf(std::move(i32));
  EXPECT_EQ(i32->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i32), (std::vector<int32_t>{INT32_MIN, 258}));
  // f32: 3f 80 00 00 = 1.0, c0 20 00 00 = -2.5.
  auto f32 = loadIDX(
      dir.write("d.idx", idxHeader(0x0D, {1, 2}) +
                             std::string("\x3f\x80\0\0\xc0\x20\0\0", 8)));
  ASSERT_TRUE(bool(f32)) << errorOf(std::move(f32));
  EXPECT_EQ(f32->dtype, DType::F32);
  EXPECT_EQ(f32->shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(values<float>(*f32), (std::vector<float>{1.0f, -2.5f}));
  // f64: 3f f0 00.. = 1.0, c0 08 00.. = -3.0.
  auto f64 = loadIDX(dir.write(
      "e.idx",
      idxHeader(0x0E, {2}) +
          std::string("\x3f\xf0\0\0\0\0\0\0\xc0\x08\0\0\0\0\0\0", 16)));
  ASSERT_TRUE(bool(f64)) << errorOf(std::move(f64));
  EXPECT_EQ(f64->dtype, DType::F64);
  EXPECT_EQ(values<double>(*f64), (std::vector<double>{1.0, -3.0}));
}

TEST(IDX, Gzipped) {
  TempDir dir;
  std::string raw = idxHeader(0x08, {4}) + "\x09\x08\x07\x06";
  auto t = loadIDX(writeGz(dir, "labels-idx1-ubyte.gz", raw));
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(values<uint8_t>(*t), (std::vector<uint8_t>{9, 8, 7, 6}));

  // Two gzip members, as `cat a.gz b.gz` makes, read as one stream.
  std::string two = readAll(writeGz(dir, "a.gz", raw.substr(0, 7))) +
                    readAll(writeGz(dir, "b.gz", raw.substr(7)));
  auto t2 = loadIDX(dir.write("two.gz", two));
  ASSERT_TRUE(bool(t2)) << errorOf(std::move(t2));
  EXPECT_EQ(values<uint8_t>(*t2), (std::vector<uint8_t>{9, 8, 7, 6}));
}

TEST(IDX, GzipErrors) {
  TempDir dir;
  std::string raw = idxHeader(0x08, {1000}) + std::string(1000, '\x05');
  std::string gz = readAll(writeGz(dir, "ok.gz", raw));
  std::string cut = dir.write("cut.gz", gz.substr(0, gz.size() - 12));
  EXPECT_EQ(errorOf(loadIDX(cut)), cut + ": truncated gzip data");

  std::string bad = gz;
  bad[bad.size() - 6] ^= 0x55; // The CRC-32 and length trailer.
  std::string badPath = dir.write("crc.gz", bad);
  EXPECT_EQ(errorOf(loadIDX(badPath)).rfind(badPath + ": corrupt gzip data", 0),
            0u);

  std::string notGz = dir.write("plain.gz", raw);
  EXPECT_EQ(errorOf(loadIDX(notGz)).rfind(notGz + ": corrupt gzip data", 0),
            0u);

  // A gzip'd header declaring far more data than there is.
  std::string big = writeGz(
      dir, "big.gz", idxHeader(0x08, {60000, 28, 28}) + std::string(1024, 'x'));
  EXPECT_EQ(errorOf(loadIDX(big)),
            big + ": truncated IDX file: expected 47040000 bytes of data, "
                  "found 1024");
}

TEST(IDX, Errors) {
  TempDir dir;
  auto err = [&](llvm::StringRef name, llvm::StringRef bytes) {
    return errorOf(loadIDX(dir.write(name, bytes)));
  };
  std::string p = dir.path("t");
  EXPECT_EQ(err("t", idxHeader(0x08, {60000, 28, 28}) + std::string(1024, 'x')),
            p + ": truncated IDX file: expected 47040000 bytes of data, found "
                "1024");
  EXPECT_EQ(
      err("t", ""),
      p + ": truncated IDX file: expected a 4-byte header, found 0 bytes");
  EXPECT_EQ(err("t", "\x01\x02\x08\x01"),
            p + ": wrong magic 0x1020801: not an IDX file");
  EXPECT_EQ(err("t", std::string("\0\0\x0a\x01", 4)),
            p + ": wrong magic 0xA01: unknown IDX element type 0xA");
  EXPECT_EQ(err("t", std::string("\0\0\x08\x00", 4)),
            p + ": IDX file declares no dimensions");
  EXPECT_EQ(err("t", idxHeader(0x08, {5, 5}).substr(0, 9)),
            p + ": truncated IDX header: expected 2 dimension sizes, found 5 "
                "bytes");
  EXPECT_EQ(err("t", idxHeader(0x08, {2}) + "abc"),
            p + ": IDX file has trailing data: expected 2 bytes of data for "
                "shape [2], found more");
  // Shapes whose byte size overflows int64: rejected before any allocation.
  EXPECT_EQ(err("t", idxHeader(0x0E, {0xffffffff, 0xffffffff, 0xffffffff})),
            p + ": IDX shape [4294967295, 4294967295, 4294967295] is too "
                "large (overflows int64)");
  std::vector<uint32_t> many(255, 0xffffffff);
  EXPECT_NE(err("t", idxHeader(0x08, many)).find("overflows int64"),
            std::string::npos);
  // Huge but representable: a truncation error, not a 2^48-byte allocation.
  EXPECT_EQ(err("t", idxHeader(0x0D, {0xffffffff, 0xffff}) + "abcd"),
            p + ": truncated IDX file: expected 1125882726711300 bytes of "
                "data, found 4");
  std::string missing = dir.path("missing-ubyte");
  EXPECT_EQ(errorOf(loadIDX(missing)).rfind(missing + ": cannot read: ", 0),
            0u);
}

TEST(IDX, FashionMNISTLabels) {
  const char *path =
      "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  if (!llvm::sys::fs::exists(path))
    GTEST_SKIP() << path << " is absent";
  auto t = loadData(path);
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::U8);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{10000}));
  std::map<int, int> counts;
  for (uint8_t l : values<uint8_t>(*t))
    ++counts[l];
  ASSERT_EQ(counts.size(), 10u);
  for (auto [label, count] : counts) {
    EXPECT_LT(label, 10);
    EXPECT_EQ(count, 1000) << "label " << label;
  }
}

//===----------------------------------------------------------------------===//
// NPY
//===----------------------------------------------------------------------===//

TEST(NPY, NumPyFixtures) {
  auto f4 = loadNPY(fixture("f4_2x3.npy"));
  ASSERT_TRUE(bool(f4)) << errorOf(std::move(f4));
  EXPECT_EQ(f4->dtype, DType::F32);
  EXPECT_EQ(f4->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<float>(*f4), (std::vector<float>{-1, -0.5, 0, 0.5, 1, 1.5}));

  auto f8 = loadNPY(fixture("f8_scalar.npy"));
  ASSERT_TRUE(bool(f8)) << errorOf(std::move(f8));
  EXPECT_EQ(f8->dtype, DType::F64);
  EXPECT_TRUE(f8->shape.empty());
  EXPECT_EQ(values<double>(*f8), (std::vector<double>{3.25}));

  auto i4 = loadNPY(fixture("i4_4.npy"));
  ASSERT_TRUE(bool(i4)) << errorOf(std::move(i4));
  EXPECT_EQ(i4->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i4),
            (std::vector<int32_t>{-7, 0, INT32_MAX, INT32_MIN}));

  auto i8 = loadNPY(fixture("i8_3.npy"));
  ASSERT_TRUE(bool(i8)) << errorOf(std::move(i8));
  EXPECT_EQ(i8->dtype, DType::I64);
  EXPECT_EQ(values<int64_t>(*i8), (std::vector<int64_t>{-1, 0, 1LL << 40}));

  auto u1 = loadNPY(fixture("u1_2x2.npy"));
  ASSERT_TRUE(bool(u1)) << errorOf(std::move(u1));
  EXPECT_EQ(u1->dtype, DType::U8);
  EXPECT_EQ(u1->shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(values<uint8_t>(*u1), (std::vector<uint8_t>{0, 255, 128, 1}));

  auto b1 = loadNPY(fixture("b1_3.npy"));
  ASSERT_TRUE(bool(b1)) << errorOf(std::move(b1));
  EXPECT_EQ(b1->dtype, DType::Bool);
  EXPECT_EQ(values<uint8_t>(*b1), (std::vector<uint8_t>{1, 0, 1}));

  auto i1 = loadNPY(fixture("i1_3.npy"));
  ASSERT_TRUE(bool(i1)) << errorOf(std::move(i1));
  EXPECT_EQ(i1->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i1), (std::vector<int32_t>{-128, 127, 0}));

  auto i2 = loadNPY(fixture("i2_2.npy"));
  ASSERT_TRUE(bool(i2)) << errorOf(std::move(i2));
  EXPECT_EQ(i2->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*i2), (std::vector<int32_t>{-300, 300}));

  auto v2 = loadNPY(fixture("v2_f4_3.npy"));
  ASSERT_TRUE(bool(v2)) << errorOf(std::move(v2));
  EXPECT_EQ(values<float>(*v2), (std::vector<float>{1.5, -2, 4}));

  auto v3 = loadNPY(fixture("v3_i4_2.npy"));
  ASSERT_TRUE(bool(v3)) << errorOf(std::move(v3));
  EXPECT_EQ(values<int32_t>(*v3), (std::vector<int32_t>{5, 6}));

  auto empty = loadNPY(fixture("empty_0x4.npy"));
  ASSERT_TRUE(bool(empty)) << errorOf(std::move(empty));
  EXPECT_EQ(empty->shape, (std::vector<int64_t>{0, 4}));
  EXPECT_TRUE(empty->bytes.empty());
}

/// A v1.0 .npy file with header dict `dict` (unpadded) and `data`.
std::string npyBytes(llvm::StringRef dict, llvm::StringRef data) {
  std::string header = dict.str() + "\n";
  return std::string("\x93NUMPY\x01\x00", 8) + char(header.size()) +
         char(header.size() >> 8) + header + data.str();
}

TEST(NPY, HandWritten) {
  TempDir dir;
  // Double quotes, no trailing comma, a Python 2 long dimension.
  std::string p = dir.write(
      "h.npy",
      npyBytes(R"({"shape": (2L,), "fortran_order": False, "descr": "<i4"})",
               std::string("\x01\0\0\0\xff\xff\xff\xff", 8)));
  auto t = loadNPY(p);
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::I32);
  EXPECT_EQ(values<int32_t>(*t), (std::vector<int32_t>{1, -1}));
}

TEST(NPY, Errors) {
  std::string be = fixture("be_f4.npy");
  EXPECT_EQ(errorOf(loadNPY(be)),
            be + ": big-endian .npy data ('>f4') is not supported; save it "
                 "little-endian (arr.astype(arr.dtype.newbyteorder('<')))");
  std::string fo = fixture("fortran_2x3.npy");
  EXPECT_EQ(errorOf(loadNPY(fo)),
            fo + ": fortran_order=True .npy files are not supported; save a "
                 "C-order array (np.ascontiguousarray)");

  TempDir dir;
  auto err = [&](llvm::StringRef bytes) {
    return errorOf(loadNPY(dir.write("e.npy", bytes)));
  };
  std::string p = dir.path("e.npy");
  const char *dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  EXPECT_EQ(err(""), p + ": truncated .npy file");
  EXPECT_EQ(err("\x93NUM"), p + ": truncated .npy file");
  EXPECT_EQ(err("PK\x03\x04 not numpy"), p + ": wrong magic: not a .npy file");
  EXPECT_EQ(err(std::string("\x93NUMPY\x04\x00\x10\x00", 10)),
            p + ": unsupported .npy version 4.0");
  EXPECT_EQ(err(std::string("\x93NUMPY\x01\x00\xff\x00{", 11)),
            p + ": truncated .npy header: declares 255 bytes, the file has 1 "
                "after the prefix");
  EXPECT_EQ(err(npyBytes(dict, std::string(8, '\0'))),
            p + ": truncated .npy file: expected 12 bytes of data for shape "
                "[3], found 8");
  EXPECT_EQ(err(npyBytes(dict, std::string(13, '\0'))),
            p + ": malformed .npy file: expected 12 bytes of data for shape "
                "[3], found 13");
  EXPECT_EQ(
      err(npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}",
                   std::string(8, '\0'))),
      p + ": unsupported .npy dtype '<c8' (supported: <f4 <f8 <i4 <i8 "
          "<i2 |i1 |u1 |b1)");
  EXPECT_EQ(err(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': "
                         "(4611686018427387904, 4)}",
                         "")),
            p + ": .npy shape [4611686018427387904, 4] is too large "
                "(overflows int64)");
  EXPECT_NE(
      err(npyBytes("{'descr': '<f4', 'shape': (3,)}", ""))
          .find("bad .npy header ('descr', 'fortran_order' and 'shape' are "
                "all required)"),
      std::string::npos);
  EXPECT_NE(err(npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, "
                         "'shape': (3,)}",
                         ""))
                .find("structured dtypes are not supported"),
            std::string::npos);
  EXPECT_NE(err(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': "
                         "(-3,)}",
                         ""))
                .find("bad dimension"),
            std::string::npos);
  EXPECT_NE(err(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': "
                         "(3,) ",
                         ""))
                .find("bad .npy header"),
            std::string::npos);
}

TEST(NPY, SaveMatchesNumPyBytes) {
  // saveNPY writes the same header NumPy does, so the files are identical.
  TempDir dir;
  auto check = [&](llvm::StringRef name) {
    auto t = loadNPY(fixture(name));
    ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
    std::string out = dir.path(name);
    ASSERT_EQ(errorOf(saveNPY(out, *t)), "(success)");
    EXPECT_EQ(readAll(out), readAll(fixture(name))) << name.str();
  };
  for (const char *name :
       {"f4_2x3.npy", "f8_scalar.npy", "i4_4.npy", "i8_3.npy", "u1_2x2.npy",
        "b1_3.npy", "empty_0x4.npy"})
    check(name);
}

TEST(NPY, SaveRoundTripAndErrors) {
  TempDir dir;
  std::string p = dir.path("x.npy");
  Tensor t = makeTensor<int64_t>(DType::I64, {3, 1}, {1, -2, 1LL << 50});
  ASSERT_EQ(errorOf(saveNPY(p, t)), "(success)");
  auto back = loadNPY(p);
  ASSERT_TRUE(bool(back)) << errorOf(std::move(back));
  EXPECT_EQ(back->shape, t.shape);
  EXPECT_EQ(back->bytes, t.bytes);
  // The header is padded so the data starts on a 64-byte boundary.
  EXPECT_EQ((readAll(p).size() - t.bytes.size()) % 64, 0u);

  EXPECT_EQ(errorOf(saveNPY(p, Tensor(DType::BF16, {2}))),
            p + ": cannot save a BF16 tensor as .npy (NumPy has no bfloat16)");
  Tensor broken(DType::F32, {2});
  broken.bytes.resize(7);
  EXPECT_EQ(errorOf(saveNPY(p, broken)),
            p + ": cannot save: a tensor of shape [2] holds 7 bytes");
  // Failed saves left the earlier file alone, and no temporary behind.
  auto still = loadNPY(p);
  ASSERT_TRUE(bool(still)) << errorOf(std::move(still));
  EXPECT_EQ(still->bytes, t.bytes);
  EXPECT_EQ(dir.list(), std::vector<std::string>{"x.npy"});
}

TEST(NPY, SaveOverwritesAtomically) {
  TempDir dir;
  std::string p = dir.path("x.npy");
  ASSERT_EQ(errorOf(saveNPY(p, makeTensor<float>(DType::F32, {2}, {1, 2}))),
            "(success)");
  ASSERT_EQ(errorOf(saveNPY(p, makeTensor<uint8_t>(DType::U8, {1}, {7}))),
            "(success)");
  auto t = loadNPY(p);
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::U8);
  EXPECT_EQ(values<uint8_t>(*t), std::vector<uint8_t>{7});
  EXPECT_EQ(dir.list(), std::vector<std::string>{"x.npy"});

  // A target that cannot be replaced: an error, and no temporary left.
  std::string sub = dir.path("sub");
  ASSERT_FALSE(llvm::sys::fs::create_directory(sub));
  ASSERT_EQ(errorOf(saveNPY(dir.path("sub/a.npy"), *t)), "(success)");
  EXPECT_EQ(errorOf(saveNPY(sub, *t)).rfind(sub + ": cannot write: ", 0), 0u);
  EXPECT_EQ(dir.list().size(), 2u);
}

//===----------------------------------------------------------------------===//
// CSV
//===----------------------------------------------------------------------===//

TEST(CSV, Integers) {
  TempDir dir;
  auto t = loadCSV(dir.write("a.csv", "1,2,3\n-4, +5 ,6\n"));
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::I64);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(values<int64_t>(*t), (std::vector<int64_t>{1, 2, 3, -4, 5, 6}));
}

TEST(CSV, HeaderFloatsCRLFAndBlankLines) {
  TempDir dir;
  auto t = loadCSV(dir.write(
      "a.csv", "\xEF\xBB\xBFx,\"y\"\r\n1,2.5\r\n\r\n-3,4e2\r\n7,-0.125"));
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::F32);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(values<float>(*t),
            (std::vector<float>{1, 2.5, -3, 400, 7, -0.125}));
}

TEST(CSV, OneColumnAndBigIntegers) {
  TempDir dir;
  auto t = loadCSV(dir.write("a.csv", "label\n3\n9223372036854775807\n"));
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  EXPECT_EQ(t->dtype, DType::I64);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(values<int64_t>(*t), (std::vector<int64_t>{3, INT64_MAX}));
  // Past int64: a real number.
  auto r = loadCSV(dir.write("b.csv", "3\n99999999999999999999\n"));
  ASSERT_TRUE(bool(r)) << errorOf(std::move(r));
  EXPECT_EQ(r->dtype, DType::F32);
  EXPECT_EQ(values<float>(*r), (std::vector<float>{3, 1e20f}));
}

TEST(CSV, Errors) {
  TempDir dir;
  std::string p = dir.path("e.csv");
  auto err = [&](llvm::StringRef text) {
    return errorOf(loadCSV(dir.write("e.csv", text)));
  };
  EXPECT_EQ(err("1,2,3\n4,5,6\n7,8\n"),
            p + ": ragged CSV: line 3 has 2 values, expected 3 like the first "
                "row");
  EXPECT_EQ(err("a,b\n1,2,3\n"),
            p + ": ragged CSV: line 2 has 3 values, expected 2 like the first "
                "row");
  EXPECT_EQ(err("1,2\n3,x\n"), p + ": line 2, column 2: not a number: 'x'");
  EXPECT_EQ(err("1,2\n3,\n"), p + ": line 2, column 2: not a number: ''");
  EXPECT_EQ(err("1,2\n3,+-4\n"), p + ": line 2, column 2: not a number: '+-4'");
  EXPECT_EQ(err(""), p + ": empty CSV file: no data rows");
  EXPECT_EQ(err("\n \n"), p + ": empty CSV file: no data rows");
  EXPECT_EQ(err("a,b\n"), p + ": empty CSV file: no data rows");
  EXPECT_EQ(err("1.5\n1e39\n"),
            p + ": line 2, column 1: 1e39 is out of the F32 range");
}

//===----------------------------------------------------------------------===//
// loadData
//===----------------------------------------------------------------------===//

TEST(LoadData, DispatchesOnTheName) {
  TempDir dir;
  std::string idx = idxHeader(0x08, {1}) + "\x2a";
  for (const char *name :
       {"train-labels-idx1-ubyte", "x.idx1", "X.IDX3-UBYTE", "y-ubyte"}) {
    auto t = loadData(dir.write(name, idx));
    ASSERT_TRUE(bool(t)) << name << ": " << errorOf(std::move(t));
    EXPECT_EQ(values<uint8_t>(*t), std::vector<uint8_t>{42});
  }
  auto gz = loadData(writeGz(dir, "labels.gz", idx));
  ASSERT_TRUE(bool(gz)) << errorOf(std::move(gz));
  EXPECT_EQ(values<uint8_t>(*gz), std::vector<uint8_t>{42});

  auto npy = loadData(fixture("i4_4.npy"));
  ASSERT_TRUE(bool(npy)) << errorOf(std::move(npy));
  EXPECT_EQ(npy->dtype, DType::I32);

  auto csv = loadData(dir.write("d.CSV", "1,2\n"));
  ASSERT_TRUE(bool(csv)) << errorOf(std::move(csv));
  EXPECT_EQ(csv->shape, (std::vector<int64_t>{1, 2}));

  std::string txt = dir.write("d.txt", "1,2\n");
  EXPECT_EQ(errorOf(loadData(txt)),
            txt + ": unknown data format; supported: IDX (*.idx*, *-ubyte, "
                  "optionally .gz), NumPy (.npy), CSV (.csv)");
}

} // namespace
