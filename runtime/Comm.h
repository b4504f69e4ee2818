//===- Comm.h - Collectives for data-parallel training ----------*- C++ -*-===//
//
// What `deepc train` needs to train over W ranks (SPEC section 6,
// docs/DISTRIBUTED.md): a sum of f32 buffers, broadcast, barrier and a
// min/max of a 64-bit value. Two backends share one interface:
//
// - `mpi`: one rank per process under an MPI launcher (mpirun); MPI is
//   called from the thread that created the Comm only.
// - `local`: W virtual ranks ("shards") in one process, for exact tests:
//   the process holds every shard, so a sum is a plain loop.
//
// A Comm is shard-oriented: a process holds numShards() consecutive shards
// from firstShard() (mpi: its rank alone; local: all W). sumF32 takes one
// buffer per held shard and leaves the sum over all W shards, added in
// shard order, in the first. Both backends add in the same order, so a
// local run with W shards gives the same bits as an MPI run with W ranks,
// and every rank gets the same bits.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_COMM_H
#define DEEPC_RUNTIME_COMM_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <utility>

namespace deepc {

/// out[i] = ((parts[0][i] + parts[1][i]) + parts[2][i]) + ..., for i < n:
/// the order every sum of the Comm backends uses. `out` may alias parts[0].
void orderedSum(llvm::ArrayRef<const float *> parts, float *out, size_t n);

class Comm {
public:
  virtual ~Comm();

  /// "mpi" or "local".
  virtual llvm::StringRef backend() const = 0;
  /// W: the number of ranks (shards) in all.
  virtual int size() const = 0;
  /// This process's rank: 0 for the local backend.
  virtual int rank() const = 0;
  /// The shards this process computes: [firstShard, firstShard + numShards).
  virtual int firstShard() const = 0;
  virtual int numShards() const = 0;

  /// `parts` holds one buffer of `n` floats per shard of this process; on
  /// return parts[0] holds, on every rank, the element-wise sum over all W
  /// shards added in shard order (orderedSum), and the other parts are
  /// unspecified. Every rank must call it with the same `n`.
  virtual llvm::Error sumF32(llvm::ArrayRef<float *> parts, size_t n) = 0;
  /// Sums `values` over the ranks (exact for integers below 2^53: counts).
  virtual llvm::Error sumF64(llvm::MutableArrayRef<double> values) = 0;
  /// Copies `root`'s bytes to every rank.
  virtual llvm::Error broadcast(llvm::MutableArrayRef<uint8_t> bytes,
                                int root) = 0;
  virtual llvm::Error barrier() = 0;
  /// The minimum and maximum of `value` over the ranks: equal when every
  /// rank passed the same value.
  virtual llvm::Expected<std::pair<uint64_t, uint64_t>>
  minMax(uint64_t value) = 0;
  /// Ends this rank with `status` so that the launcher ends the others
  /// (mpi); the local backend has nothing to end.
  virtual void abort(int status) = 0;
};

/// W virtual ranks in this process.
std::unique_ptr<Comm> createLocalComm(int shards);

/// Whether this process was started by an MPI launcher: Open MPI's
/// OMPI_COMM_WORLD_SIZE, or the PMI/PMIx variables other launchers set.
bool underMPILauncher();
/// Whether this deepc was built with MPI.
bool haveMPI();
/// Initializes MPI (once per process; MPI_Finalize runs at exit) and
/// returns the world communicator. An error when deepc was built without
/// MPI.
llvm::Expected<std::unique_ptr<Comm>> createMPIComm();

} // namespace deepc

#endif // DEEPC_RUNTIME_COMM_H
