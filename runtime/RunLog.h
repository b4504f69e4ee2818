//===- RunLog.h - The JSONL log of a training run ---------------*- C++ -*-===//
//
// `deepc train --log run.jsonl` writes one JSON object per line, flushed as
// it is written so that a run can be followed with `tail -f` and a crash
// loses nothing:
//
//   {"kind":"step","epoch":1,"step":37,"loss":0.53}
//   {"kind":"epoch","epoch":1,"step":938,"loss":0.51,"accuracy":0.82,
//    "f1":0.81,"seconds":3.1,"cpu_seconds":3.0,"val_loss":0.46,
//    "val_accuracy":0.83,"val_f1":0.83}
//
// `step` counts optimizer steps since training started; the val keys are
// present only with validation data. `seconds` is the epoch's wall time and
// `cpu_seconds` the process's CPU time over the same span (all threads),
// validation included. Numbers are written in their shortest
// round-trip form; a NaN or infinite loss is written as null.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_RUNLOG_H
#define DEEPC_RUNTIME_RUNLOG_H

#include "runtime/Metrics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace deepc {

/// An open JSONL run log.
class RunLog {
public:
  /// Create (truncate) the log at `path`; "-" is stdout. The error names
  /// the file.
  static llvm::Expected<std::unique_ptr<RunLog>> create(llvm::StringRef path);

  /// Log one step: its loss is the one computed in that step's forward
  /// pass, before its update. `step` counts from 1 since training started.
  void logStep(int64_t epoch, int64_t step, float loss);
  /// Log the end of an epoch.
  void logEpoch(const EpochRecord &record);

  /// Flush and close the file, reporting any write error (disk full, ...)
  /// with the file's name. Later log calls do nothing.
  llvm::Error close();

  /// If nothing was logged, closes the log and removes its file (unless it
  /// is stdout): a run that fails before its first step leaves no empty
  /// log behind. Otherwise does nothing.
  void discardIfEmpty();

  /// Closes the file if close() was not called, dropping any write error.
  ~RunLog();
  RunLog(const RunLog &) = delete;
  RunLog &operator=(const RunLog &) = delete;

private:
  RunLog(std::string path, std::unique_ptr<llvm::raw_fd_ostream> os)
      : path(std::move(path)), os(std::move(os)) {}

  std::string path;
  std::unique_ptr<llvm::raw_fd_ostream> os;
  bool logged = false;
};

} // namespace deepc

#endif // DEEPC_RUNTIME_RUNLOG_H
