//===- Progress.h - Progress bar and epoch summary for training -*- C++ -*-===//
//
// `deepc train` draws a progress bar for the running epoch on stderr when
// stderr is a terminal, and prints one summary line per epoch on stdout:
//
//   epoch 1/3 [=====>              ] 312/938 loss 0.4821 1.2 ms/step ETA 0:04
//   epoch 1/3  loss 0.5123  acc 0.8201  f1 0.8187  val_loss 0.4610 ...  3.1 s
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_PROGRESS_H
#define DEEPC_RUNTIME_PROGRESS_H

#include "runtime/Metrics.h"

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace deepc {

/// The progress bar of one epoch, redrawn in place with '\r' at most about
/// ten times a second. It draws nothing unless enabled and stderr is a
/// terminal, so logs and pipes never see it.
class Progress {
public:
  /// A bar for `totalSteps` steps of epoch `epoch` (from 1) of `epochs`,
  /// drawn on stderr when `enabled` and stderr is a terminal.
  Progress(int64_t totalSteps, int64_t epoch, int64_t epochs, bool enabled);
  /// A bar always drawn on `os` (for tests and other front ends).
  Progress(int64_t totalSteps, int64_t epoch, int64_t epochs,
           llvm::raw_ostream &os);
  ~Progress() { finish(); }
  Progress(const Progress &) = delete;
  Progress &operator=(const Progress &) = delete;

  /// Report that `step` steps (from 1) of the epoch are done, the last with
  /// loss `loss`. Redraws if 100 ms passed since the last drawing, or at the
  /// first and the last step.
  void update(int64_t step, double loss);
  /// Erase the bar, leaving the cursor at the start of an empty line for
  /// the epoch summary. Called by the destructor; later calls do nothing.
  void finish();

private:
  void draw(int64_t step, double loss);

  int64_t totalSteps, epoch, epochs;
  llvm::raw_ostream *os;
  std::chrono::steady_clock::time_point start, lastDraw;
  bool drawn = false;
  bool finished = false;
  size_t lastWidth = 0;
  /// The terminal's width, 0 when unknown: longer lines are cut.
  size_t columns = 0;
};

/// One line of the bar (without '\r'): `epoch 1/3 [=====>    ] 312/938 loss
/// 0.4821 1.2 ms/step ETA 0:04`. `secondsPerStep` <= 0 leaves out the speed
/// and the ETA (nothing measured yet).
std::string formatProgressLine(int64_t step, int64_t totalSteps, int64_t epoch,
                               int64_t epochs, double loss,
                               double secondsPerStep);

/// A duration as `m:ss`, or `h:mm:ss` from an hour up.
std::string formatDuration(double seconds);

/// The per-epoch summary line (no newline): `epoch 1/3  loss 0.5123  acc
/// 0.8201  f1 0.8187  val_loss 0.4610  val_acc 0.8350  val_f1 0.8339  3.1 s`,
/// the val fields only when the record has validation metrics.
std::string formatEpochSummary(const EpochRecord &record, int64_t epochs);

} // namespace deepc

#endif // DEEPC_RUNTIME_PROGRESS_H
