//===- CommMPITest.cpp - The MPI Comm backend, run under mpirun -----------===//
//
// Run by ctest under `mpirun -np 3` (test/unit/CMakeLists.txt): every rank
// contributes a buffer that depends on its rank, and the sum, the min/max,
// the broadcast and the barrier must agree with the local backend holding
// the same buffers as shards, bit for bit. Prints "ok" on rank 0 and exits
// 0, or names the failed check and exits 1.
//
//===----------------------------------------------------------------------===//
#include "runtime/Comm.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace deepc;

/// Shard `r`'s buffer of `n`: values whose sum depends on the order of
/// addition (large and small magnitudes mixed).
static std::vector<float> shardBuffer(int r, size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = float(std::sin(double(i * 7 + r * 13))) *
           (i % 3 == 0 ? 1e7f : (i % 3 == 1 ? 1.0f : 1e-3f));
  return v;
}

static int check(bool ok, int rank, const char *what) {
  if (!ok)
    llvm::errs() << "rank " << rank << ": " << what << " failed\n";
  return ok ? 0 : 1;
}

int main() {
  auto comm = createMPIComm();
  if (!comm) {
    llvm::errs() << llvm::toString(comm.takeError()) << "\n";
    return 1;
  }
  Comm &c = **comm;
  int rank = c.rank(), size = c.size();
  int bad = check(c.backend() == "mpi" && c.numShards() == 1 &&
                      c.firstShard() == rank && size >= 2,
                  rank, "shape");
  // Sizes below, at and above a multiple of the rank count, and 0.
  for (size_t n :
       {size_t(0), size_t(1), size_t(size), size_t(1000), size_t(100003)}) {
    std::vector<float> mine = shardBuffer(rank, n);
    if (llvm::Error err = c.sumF32({mine.data()}, n)) {
      llvm::errs() << llvm::toString(std::move(err)) << "\n";
      return 1;
    }
    std::vector<std::vector<float>> shards;
    std::vector<float *> parts;
    for (int r = 0; r < size; ++r)
      shards.push_back(shardBuffer(r, n));
    for (auto &s : shards)
      parts.push_back(s.data());
    auto local = createLocalComm(size);
    if (llvm::Error err = local->sumF32(parts, n))
      return 1;
    bad |= check(n == 0 || std::memcmp(mine.data(), shards[0].data(),
                                       n * sizeof(float)) == 0,
                 rank, "sumF32 equals the local backend");
  }
  auto mm = c.minMax(uint64_t(100 + rank));
  bad |= check(mm && mm->first == 100 && mm->second == uint64_t(99 + size),
               rank, "minMax");
  std::vector<double> counts = {double(rank), 1};
  bad |= check(!c.sumF64(counts) && counts[0] == size * (size - 1) / 2 &&
                   counts[1] == size,
               rank, "sumF64");
  std::vector<uint8_t> bytes(5, uint8_t(rank));
  bad |= check(!c.broadcast(bytes, 1) &&
                   bytes == std::vector<uint8_t>(5, uint8_t(1)),
               rank, "broadcast");
  bad |= check(!c.barrier(), rank, "barrier");
  // Every rank's verdict: all must pass.
  std::vector<double> failures = {double(bad)};
  if (c.sumF64(failures) || failures[0] != 0)
    return 1;
  if (rank == 0)
    llvm::outs() << "ok " << size << " ranks\n";
  return 0;
}
