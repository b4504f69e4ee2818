//===- RunLog.cpp - The JSONL log of a training run -----------------------===//
#include "runtime/RunLog.h"

#include "fmt/format.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"

#include <cmath>

namespace deepc {

llvm::Expected<std::unique_ptr<RunLog>> RunLog::create(llvm::StringRef path) {
  std::error_code ec;
  auto os =
      std::make_unique<llvm::raw_fd_ostream>(path, ec, llvm::sys::fs::OF_Text);
  if (ec)
    return llvm::createStringError(ec, "%s: cannot open log file: %s",
                                   path.str().c_str(), ec.message().c_str());
  return std::unique_ptr<RunLog>(new RunLog(path.str(), std::move(os)));
}

/// Write `value` as a JSON number in its shortest round-trip form (llvm::json
/// would write 17 significant digits), or null when it is not finite.
template <typename T>
static void number(llvm::json::OStream &j, llvm::StringRef key, T value) {
  j.attributeBegin(key);
  if (std::isfinite(value))
    j.rawValue(fmt::format("{}", value));
  else
    j.value(nullptr);
  j.attributeEnd();
}

void RunLog::logStep(int64_t epoch, int64_t step, float loss) {
  if (!os)
    return;
  {
    llvm::json::OStream j(*os);
    j.object([&] {
      j.attribute("kind", "step");
      j.attribute("epoch", epoch);
      j.attribute("step", step);
      number(j, "loss", loss);
    });
  }
  *os << '\n';
  os->flush();
  logged = true;
}

void RunLog::logEpoch(const EpochRecord &record) {
  if (!os)
    return;
  {
    llvm::json::OStream j(*os);
    j.object([&] {
      j.attribute("kind", "epoch");
      j.attribute("epoch", record.epoch);
      j.attribute("step", record.step);
      number(j, "loss", record.train.loss);
      if (record.train.scored) {
        number(j, "accuracy", record.train.accuracy);
        number(j, "f1", record.train.f1);
      }
      number(j, "seconds", record.seconds);
      number(j, "cpu_seconds", record.cpuSeconds);
      if (record.val) {
        number(j, "val_loss", record.val->loss);
        if (record.val->scored) {
          number(j, "val_accuracy", record.val->accuracy);
          number(j, "val_f1", record.val->f1);
        }
      }
    });
  }
  *os << '\n';
  os->flush();
  logged = true;
}

RunLog::~RunLog() {
  // An error nobody asked for must not abort the program in
  // raw_fd_ostream's destructor.
  if (os)
    os->clear_error();
}

void RunLog::discardIfEmpty() {
  if (logged || !os)
    return;
  llvm::consumeError(close());
  if (path != "-")
    llvm::sys::fs::remove(path);
}

llvm::Error RunLog::close() {
  if (!os)
    return llvm::Error::success();
  os->flush();
  std::error_code ec = os->error();
  os->clear_error();
  os.reset();
  if (ec)
    return llvm::createStringError(ec, "%s: cannot write log file: %s",
                                   path.c_str(), ec.message().c_str());
  return llvm::Error::success();
}

} // namespace deepc
