//===- SafetensorsTest.cpp - Reading and writing safetensors --------------===//
#include "runtime/Safetensors.h"

#include "TestUtil.h"

#include "llvm/Support/Endian.h"

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace deepc;
using namespace deepc::test;

namespace {

/// A safetensors file with header `json` (unpadded) and `data`.
std::string stBytes(llvm::StringRef json, llvm::StringRef data) {
  char len[8];
  llvm::support::endian::write64le(len, json.size());
  return std::string(len, 8) + json.str() + data.str();
}

TEST(Safetensors, ReadsPythonWrittenFile) {
  auto f = readSafetensors(fixture("small.safetensors"));
  ASSERT_TRUE(bool(f)) << errorOf(std::move(f));
  ASSERT_EQ(f->tensors.size(), 3u);
  // Listed in the order of their data, not of the JSON text.
  EXPECT_EQ(f->tensors[0].first, "a");
  EXPECT_EQ(f->tensors[1].first, "b");
  EXPECT_EQ(f->tensors[2].first, "u");
  const Tensor *a = f->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->dtype, DType::I64);
  EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(values<int64_t>(*a), (std::vector<int64_t>{7, -8}));
  const Tensor *b = f->find("b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->dtype, DType::F32);
  EXPECT_EQ(values<float>(*b), (std::vector<float>{1.5, -2}));
  const Tensor *u = f->find("u");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->dtype, DType::U8);
  EXPECT_EQ(values<uint8_t>(*u), (std::vector<uint8_t>{1, 2, 250}));
  EXPECT_EQ(f->find("c"), nullptr);
  EXPECT_EQ(f->metadata, (std::map<std::string, std::string>{
                             {"epoch", "3"}, {"format", "pt"}}));
}

TEST(Safetensors, RoundTrip) {
  TempDir dir;
  SafetensorsFile f;
  f.tensors.emplace_back(
      "w", makeTensor<float>(DType::F32, {2, 2}, {1, -2, 3.5, 1e-30f}));
  f.tensors.emplace_back("__opt__.m.w",
                         makeTensor<double>(DType::F64, {1}, {-0.1}));
  f.tensors.emplace_back(
      "h", makeTensor<uint16_t>(DType::BF16, {2}, {0x3f80, 0xc000}));
  f.tensors.emplace_back("i", makeTensor<int32_t>(DType::I32, {}, {-5}));
  f.tensors.emplace_back(
      "l", makeTensor<int64_t>(DType::I64, {2}, {INT64_MIN, INT64_MAX}));
  f.tensors.emplace_back("u", makeTensor<uint8_t>(DType::U8, {3}, {0, 9, 255}));
  f.tensors.emplace_back("m", makeTensor<uint8_t>(DType::Bool, {2}, {1, 0}));
  f.tensors.emplace_back("empty", Tensor(DType::F32, {0, 3}));
  f.tensors.emplace_back("name with \"quotes\" and é", Tensor(DType::U8, {1}));
  f.metadata = {{"epoch", "2"}, {"step", "1200"}, {"seed", "42"}};
  std::string p = dir.path("ckpt.safetensors");
  ASSERT_EQ(errorOf(writeSafetensors(p, f)), "(success)");

  // The header is padded to 8 bytes and the data follows it exactly.
  std::string bytes = readAll(p);
  uint64_t len = llvm::support::endian::read64le(bytes.data());
  EXPECT_EQ(len % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + len + 16 + 8 + 4 + 4 + 16 + 3 + 2 + 0 + 1);

  auto back = readSafetensors(p);
  ASSERT_TRUE(bool(back)) << errorOf(std::move(back));
  EXPECT_EQ(back->metadata, f.metadata);
  ASSERT_EQ(back->tensors.size(), f.tensors.size());
  for (size_t i = 0; i < f.tensors.size(); ++i) {
    // Written in order, so read back in the same order.
    EXPECT_EQ(back->tensors[i].first, f.tensors[i].first);
    const Tensor &want = f.tensors[i].second, &got = back->tensors[i].second;
    EXPECT_EQ(got.dtype, want.dtype) << f.tensors[i].first;
    EXPECT_EQ(got.shape, want.shape) << f.tensors[i].first;
    EXPECT_EQ(got.bytes, want.bytes) << f.tensors[i].first;
  }
  EXPECT_EQ(dir.list(), std::vector<std::string>{"ckpt.safetensors"});

  // No tensors and no metadata is a valid file too.
  ASSERT_EQ(errorOf(writeSafetensors(p, SafetensorsFile())), "(success)");
  auto none = readSafetensors(p);
  ASSERT_TRUE(bool(none)) << errorOf(std::move(none));
  EXPECT_TRUE(none->tensors.empty());
  EXPECT_TRUE(none->metadata.empty());
}

TEST(Safetensors, ReadErrors) {
  TempDir dir;
  std::string p = dir.path("e.safetensors");
  auto err = [&](llvm::StringRef bytes) {
    return errorOf(readSafetensors(dir.write("e.safetensors", bytes)));
  };
  auto one = [&](llvm::StringRef entry, llvm::StringRef data) {
    return err(stBytes(("{\"t\": " + entry + "}").str(), data));
  };
  EXPECT_EQ(err(""), p + ": truncated safetensors file: 0 bytes, the header "
                         "length alone takes 8");
  EXPECT_EQ(err(std::string("\xff\xff\xff\xff\xff\xff\xff\xff{}", 10)),
            p + ": truncated safetensors file: the header length "
                "18446744073709551615 exceeds the 2 bytes after it");
  EXPECT_EQ(err(stBytes("{\"t\": ", ""))
                .rfind(p + ": bad safetensors header JSON: ", 0),
            0u);
  EXPECT_EQ(err(stBytes("[1, 2]", "")),
            p + ": bad safetensors header: not a JSON object");
  EXPECT_EQ(err(stBytes(R"({"__metadata__": {"epoch": 3}})", "")),
            p + ": metadata value of 'epoch' is not a string");
  EXPECT_EQ(one("3", ""),
            p + ": tensor 't': header entry is not a JSON object");
  EXPECT_EQ(one(R"({"shape": [1], "data_offsets": [0, 4]})", "abcd"),
            p + ": tensor 't': missing \"dtype\"");
  EXPECT_EQ(
      one(R"({"dtype": "F16", "shape": [1], "data_offsets": [0, 2]})", "ab"),
      p + ": tensor 't': unsupported dtype 'F16' (supported: F32 F64 "
          "BF16 I32 I64 U8 BOOL)");
  EXPECT_EQ(one(R"({"dtype": "F32", "data_offsets": [0, 4]})", "abcd"),
            p + ": tensor 't': missing \"shape\"");
  EXPECT_EQ(
      one(R"({"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]})", "abcd"),
      p + ": tensor 't': \"shape\" holds something other than a "
          "dimension");
  EXPECT_EQ(
      one(R"({"dtype": "F32", "shape": [1], "data_offsets": [0]})", "abcd"),
      p + ": tensor 't': \"data_offsets\" is not a pair of offsets");
  EXPECT_EQ(
      one(R"({"dtype": "F32", "shape": [1], "data_offsets": [0, 8]})", "abcd"),
      p + ": tensor 't': data_offsets [0, 8] are out of range: the data "
          "holds 4 bytes");
  EXPECT_EQ(
      one(R"({"dtype": "F32", "shape": [1], "data_offsets": [4, 0]})", "abcd"),
      p + ": tensor 't': data_offsets [4, 0] are out of range: the data "
          "holds 4 bytes");
  EXPECT_EQ(
      one(R"({"dtype": "F32", "shape": [2], "data_offsets": [0, 4]})", "abcd"),
      p + ": tensor 't': data_offsets [0, 4] hold 4 bytes, but F32 [2] "
          "needs 8");
  EXPECT_EQ(
      one(R"({"dtype": "F64", "shape": [4611686018427387904, 4611686018427387904], "data_offsets": [0, 4]})",
          "abcd"),
      p + ": tensor 't': shape [4611686018427387904, 4611686018427387904] "
          "is too large (overflows int64)");
  EXPECT_EQ(err(stBytes(
                R"({"x": {"dtype": "U8", "shape": [3], "data_offsets": [0, 3]},
                            "y": {"dtype": "U8", "shape": [2], "data_offsets": [2, 4]}})",
                "abcd")),
            p + ": tensors 'x' [0, 3] and 'y' [2, 4] overlap");
  std::string missing = dir.path("missing.safetensors");
  EXPECT_EQ(
      errorOf(readSafetensors(missing)).rfind(missing + ": cannot read: ", 0),
      0u);
}

TEST(Safetensors, WriteErrorsKeepTheOldFile) {
  TempDir dir;
  std::string p = dir.path("w.safetensors");
  SafetensorsFile good;
  good.tensors.emplace_back("a", makeTensor<float>(DType::F32, {1}, {2}));
  ASSERT_EQ(errorOf(writeSafetensors(p, good)), "(success)");
  std::string old = readAll(p);

  SafetensorsFile dup = good;
  dup.tensors.emplace_back("a", Tensor(DType::U8, {1}));
  EXPECT_EQ(errorOf(writeSafetensors(p, dup)),
            p + ": cannot save two tensors named 'a'");
  SafetensorsFile reserved;
  reserved.tensors.emplace_back("__metadata__", Tensor(DType::U8, {1}));
  EXPECT_EQ(errorOf(writeSafetensors(p, reserved)),
            p + ": cannot save a tensor named '__metadata__'");
  SafetensorsFile broken;
  broken.tensors.emplace_back("b", Tensor(DType::F32, {2}));
  broken.tensors.back().second.bytes.resize(3);
  EXPECT_EQ(errorOf(writeSafetensors(p, broken)),
            p + ": cannot save tensor 'b': F32 [2] holds 3 bytes");
  std::string sub = dir.path("sub");
  ASSERT_FALSE(llvm::sys::fs::create_directory(sub));
  EXPECT_EQ(
      errorOf(writeSafetensors(sub, good)).rfind(sub + ": cannot write: ", 0),
      0u);

  EXPECT_EQ(readAll(p), old);
  std::vector<std::string> files = dir.list();
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"sub", "w.safetensors"}));
}

TEST(Safetensors, KilledWriterLeavesOldOrNewFile) {
  // A writer killed at arbitrary points must leave the target either the old
  // checkpoint or the complete new one, never a mix or a prefix.
  TempDir dir;
  std::string p = dir.path("ckpt.safetensors");
  SafetensorsFile oldFile, newFile;
  oldFile.tensors.emplace_back("w", makeTensor<int32_t>(DType::I32, {1}, {1}));
  Tensor big(DType::U8, {16 << 20});
  std::fill(big.bytes.begin(), big.bytes.end(), 7);
  newFile.tensors.emplace_back("w", std::move(big));
  ASSERT_EQ(errorOf(writeSafetensors(p, oldFile)), "(success)");

  for (int delayUs : {0, 2000, 10000, 30000}) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      for (;;)
        if (writeSafetensors(p, newFile))
          _exit(1);
    }
    usleep(delayUs);
    kill(child, SIGKILL);
    int status;
    waitpid(child, &status, 0);
    auto f = readSafetensors(p);
    ASSERT_TRUE(bool(f)) << "after " << delayUs
                         << "us: " << errorOf(std::move(f));
    ASSERT_EQ(f->tensors.size(), 1u);
    const Tensor &w = f->tensors[0].second;
    if (w.dtype == DType::I32) {
      EXPECT_EQ(w.bytes, oldFile.tensors[0].second.bytes);
    } else {
      EXPECT_EQ(w.bytes.size(), size_t(16 << 20));
      EXPECT_EQ(std::count(w.bytes.begin(), w.bytes.end(), 7),
                std::ptrdiff_t(16 << 20));
    }
  }
}

} // namespace
