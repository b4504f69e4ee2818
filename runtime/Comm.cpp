//===- Comm.cpp - Collectives for data-parallel training ------------------===//
//
// The local backend and, when deepc is built with MPI (DEEPC_HAVE_MPI), the
// MPI one. MPI's own MPI_Allreduce adds in an order its algorithm picks
// (by message size and rank count; a ring adds each segment in another
// order), so sumF32 fixes the order itself: a reduce-scatter by
// MPI_Alltoall, each rank adding its segment's W parts in rank order, then
// MPI_Allgather. That moves the bytes a ring allreduce moves (2 (W-1)/W of
// the buffer per rank) and gives the local backend's bits on every rank.
// DEEPC_MPI_ALLREDUCE=native switches to MPI_Allreduce (docs/DISTRIBUTED.md).
//
//===----------------------------------------------------------------------===//
#include "runtime/Comm.h"

#include "llvm/Support/FormatVariadic.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifdef DEEPC_HAVE_MPI
#include <mpi.h>
#endif

namespace deepc {

Comm::~Comm() = default;

void orderedSum(llvm::ArrayRef<const float *> parts, float *out, size_t n) {
  if (parts.empty())
    return;
  if (out != parts[0])
    std::memcpy(out, parts[0], n * sizeof(float));
  for (const float *part : parts.drop_front())
    for (size_t i = 0; i < n; ++i)
      out[i] += part[i];
}

namespace {

class LocalComm final : public Comm {
public:
  explicit LocalComm(int shards) : shards(shards) {}
  llvm::StringRef backend() const override { return "local"; }
  int size() const override { return shards; }
  int rank() const override { return 0; }
  int firstShard() const override { return 0; }
  int numShards() const override { return shards; }
  llvm::Error sumF32(llvm::ArrayRef<float *> parts, size_t n) override {
    if (int(parts.size()) != shards)
      return llvm::createStringError(
          llvm::formatv("sumF32: {0} buffers for {1} local shards",
                        parts.size(), shards)
              .str());
    std::vector<const float *> in(parts.begin(), parts.end());
    orderedSum(in, parts[0], n);
    return llvm::Error::success();
  }
  llvm::Error sumF64(llvm::MutableArrayRef<double>) override {
    return llvm::Error::success();
  }
  llvm::Error broadcast(llvm::MutableArrayRef<uint8_t>, int root) override {
    if (root < 0 || root >= shards)
      return llvm::createStringError(
          llvm::formatv("broadcast from rank {0} of {1}", root, shards).str());
    return llvm::Error::success();
  }
  llvm::Error barrier() override { return llvm::Error::success(); }
  llvm::Expected<std::pair<uint64_t, uint64_t>>
  minMax(uint64_t value) override {
    return std::make_pair(value, value);
  }
  void abort(int) override {}

private:
  int shards;
};

} // namespace

std::unique_ptr<Comm> createLocalComm(int shards) {
  return std::make_unique<LocalComm>(shards);
}

bool underMPILauncher() {
  for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK",
                          "PMI_RANK", "MPI_LOCALNRANKS"})
    if (std::getenv(var))
      return true;
  return false;
}

#ifndef DEEPC_HAVE_MPI

bool haveMPI() { return false; }

llvm::Expected<std::unique_ptr<Comm>> createMPIComm() {
  return llvm::createStringError(
      "this deepc was built without MPI, but it runs under an MPI launcher "
      "(rebuild with libopenmpi-dev installed to train over ranks, or run "
      "deepc without mpirun)");
}

#else

bool haveMPI() { return true; }

namespace {

llvm::Error mpiError(int code, llvm::StringRef what) {
  if (code == MPI_SUCCESS)
    return llvm::Error::success();
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  return llvm::createStringError(
      llvm::formatv("{0} failed: {1}", what, llvm::StringRef(text, length))
          .str());
}

class MPIComm final : public Comm {
public:
  MPIComm(int rank, int size, bool native)
      : myRank(rank), ranks(size), native(native) {}
  llvm::StringRef backend() const override { return "mpi"; }
  int size() const override { return ranks; }
  int rank() const override { return myRank; }
  int firstShard() const override { return myRank; }
  int numShards() const override { return 1; }

  llvm::Error sumF32(llvm::ArrayRef<float *> parts, size_t n) override {
    if (parts.size() != 1)
      return llvm::createStringError("sumF32: an MPI rank holds one shard");
    if (ranks == 1 || n == 0)
      return llvm::Error::success();
    if (native) {
      if (n > size_t(INT_MAX))
        return llvm::createStringError("sumF32: buffer too large");
      return mpiError(MPI_Allreduce(MPI_IN_PLACE, parts[0], int(n), MPI_FLOAT,
                                    MPI_SUM, MPI_COMM_WORLD),
                      "MPI_Allreduce");
    }
    size_t chunk = (n + size_t(ranks) - 1) / size_t(ranks);
    if (chunk > size_t(INT_MAX))
      return llvm::createStringError("sumF32: buffer too large");
    send.assign(chunk * size_t(ranks), 0.0f);
    std::memcpy(send.data(), parts[0], n * sizeof(float));
    recv.resize(send.size());
    if (llvm::Error err = mpiError(
            MPI_Alltoall(send.data(), int(chunk), MPI_FLOAT, recv.data(),
                         int(chunk), MPI_FLOAT, MPI_COMM_WORLD),
            "MPI_Alltoall"))
      return err;
    // recv holds segment `myRank` of every rank, in rank order.
    std::vector<const float *> segments;
    for (int r = 0; r < ranks; ++r)
      segments.push_back(recv.data() + size_t(r) * chunk);
    std::vector<float> mine(chunk);
    orderedSum(segments, mine.data(), chunk);
    if (llvm::Error err = mpiError(
            MPI_Allgather(mine.data(), int(chunk), MPI_FLOAT, send.data(),
                          int(chunk), MPI_FLOAT, MPI_COMM_WORLD),
            "MPI_Allgather"))
      return err;
    std::memcpy(parts[0], send.data(), n * sizeof(float));
    return llvm::Error::success();
  }

  llvm::Error sumF64(llvm::MutableArrayRef<double> values) override {
    if (ranks == 1 || values.empty())
      return llvm::Error::success();
    return mpiError(MPI_Allreduce(MPI_IN_PLACE, values.data(),
                                  int(values.size()), MPI_DOUBLE, MPI_SUM,
                                  MPI_COMM_WORLD),
                    "MPI_Allreduce");
  }

  llvm::Error broadcast(llvm::MutableArrayRef<uint8_t> bytes,
                        int root) override {
    for (size_t at = 0; at < bytes.size(); at += size_t(INT_MAX)) {
      int count = int(std::min(bytes.size() - at, size_t(INT_MAX)));
      if (llvm::Error err = mpiError(MPI_Bcast(bytes.data() + at, count,
                                               MPI_BYTE, root, MPI_COMM_WORLD),
                                     "MPI_Bcast"))
        return err;
    }
    return llvm::Error::success();
  }

  llvm::Error barrier() override {
    return mpiError(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  }

  llvm::Expected<std::pair<uint64_t, uint64_t>>
  minMax(uint64_t value) override {
    // One call: the maximum of ~value is the complement of the minimum.
    uint64_t both[2] = {value, ~value};
    if (llvm::Error err =
            mpiError(MPI_Allreduce(MPI_IN_PLACE, both, 2, MPI_UINT64_T, MPI_MAX,
                                   MPI_COMM_WORLD),
                     "MPI_Allreduce"))
      return std::move(err);
    return std::make_pair(~both[1], both[0]);
  }

  /// Exits without MPI_Finalize (which would wait for the others): mpirun
  /// then ends every rank and names this one and its exit status. (When
  /// every rank failed alike, MPI_Abort from all at once garbles Open MPI's
  /// report.)
  void abort(int status) override {
    std::fflush(nullptr);
    std::_Exit(status);
  }

private:
  int myRank, ranks;
  bool native;
  std::vector<float> send, recv;
};

void finalizeMPI() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Finalize();
}

} // namespace

llvm::Expected<std::unique_ptr<Comm>> createMPIComm() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    // Compiled kernels may run on OpenMP threads; MPI is called from the
    // main thread only.
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) !=
        MPI_SUCCESS)
      return llvm::createStringError("MPI_Init_thread failed");
    std::atexit(finalizeMPI);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const char *mode = std::getenv("DEEPC_MPI_ALLREDUCE");
  bool native = mode && llvm::StringRef(mode) == "native";
  if (mode && !native && llvm::StringRef(mode) != "ordered")
    return llvm::createStringError(
        llvm::formatv("DEEPC_MPI_ALLREDUCE must be 'ordered' or 'native', "
                      "not '{0}'",
                      mode)
            .str());
  return std::make_unique<MPIComm>(rank, size, native);
}

#endif

} // namespace deepc
