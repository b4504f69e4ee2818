//===- RobustnessTest.cpp - Corrupt inputs never crash the readers --------===//
//
// Deterministic mutation testing: valid files of each format are truncated
// and overwritten at pseudo-random places; every reader must return (a value
// or an error), and a value must be a well-formed tensor.
//
//===----------------------------------------------------------------------===//
#include "runtime/DataIO.h"
#include "runtime/Safetensors.h"

#include "TestUtil.h"

#include <zlib.h>

#include <random>

using namespace deepc;
using namespace deepc::test;

namespace {

bool wellFormed(const Tensor &t) {
  std::optional<int64_t> size = checkedByteSize(t.shape, dtypeSize(t.dtype));
  return size && uint64_t(*size) == t.bytes.size();
}

/// Mutates `valid` `rounds` times and checks that `load` survives each.
template <typename Load>
void mutate(const TempDir &dir, llvm::StringRef name, const std::string &valid,
            Load load, unsigned rounds = 200) {
  std::mt19937 rng(12345);
  for (unsigned round = 0; round < rounds; ++round) {
    std::string bytes = valid;
    switch (rng() % 3) {
    case 0: // Truncate.
      bytes.resize(rng() % (bytes.size() + 1));
      break;
    case 1: // Overwrite a few bytes.
      for (unsigned k = 1 + rng() % 4; k > 0 && !bytes.empty(); --k)
        bytes[rng() % bytes.size()] = char(rng());
      break;
    default: // Max out a byte near the start, where the sizes live.
      if (!bytes.empty())
        bytes[rng() % std::min<size_t>(bytes.size(), 32)] = '\xff';
      break;
    }
    load(dir.write(name, bytes));
  }
}

TEST(Robustness, MutatedFilesNeverCrash) {
  TempDir dir;
  auto checkTensor = [](const std::string &path) {
    auto t = loadData(path);
    if (t)
      EXPECT_TRUE(wellFormed(*t)) << path;
    else
      EXPECT_EQ(llvm::toString(t.takeError()).rfind(path + ": ", 0), 0u);
  };

  std::string idx = std::string("\0\0\x0d\x02\0\0\0\x03\0\0\0\x02", 12) +
                    std::string(24, '\x3f');
  mutate(dir, "m-idx2-ubyte", idx, checkTensor);

  std::string gzPath = dir.path("src.gz");
  gzFile f = gzopen(gzPath.c_str(), "wb");
  gzwrite(f, idx.data(), idx.size());
  gzclose(f);
  mutate(dir, "m.gz", readAll(gzPath), checkTensor);

  mutate(dir, "m.npy", readAll(fixture("f4_2x3.npy")), checkTensor);
  mutate(dir, "m.csv", "a,b,c\n1,2,3\n4.5,-6,7e3\n", checkTensor);

  mutate(dir, "m.safetensors", readAll(fixture("small.safetensors")),
         [](const std::string &path) {
           auto f = readSafetensors(path);
           if (!f) {
             EXPECT_EQ(llvm::toString(f.takeError()).rfind(path + ": ", 0), 0u);
             return;
           }
           for (const auto &[name, t] : f->tensors)
             EXPECT_TRUE(wellFormed(t)) << path << " " << name;
         });
}

} // namespace
