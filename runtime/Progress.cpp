//===- Progress.cpp - Progress bar and epoch summary for training --------===//
#include "runtime/Progress.h"

#include "fmt/format.h"
#include "llvm/Support/Process.h"

#include <algorithm>
#include <cmath>

namespace deepc {

/// Width of the bar between the brackets.
static constexpr int64_t barWidth = 20;
/// The shortest time between two drawings.
static constexpr std::chrono::milliseconds redrawInterval(100);

Progress::Progress(int64_t totalSteps, int64_t epoch, int64_t epochs,
                   bool enabled)
    : totalSteps(totalSteps), epoch(epoch), epochs(epochs),
      os(enabled && llvm::sys::Process::StandardErrIsDisplayed() ? &llvm::errs()
                                                                 : nullptr),
      start(std::chrono::steady_clock::now()) {
  if (os)
    columns = llvm::sys::Process::StandardErrColumns();
}

Progress::Progress(int64_t totalSteps, int64_t epoch, int64_t epochs,
                   llvm::raw_ostream &os)
    : totalSteps(totalSteps), epoch(epoch), epochs(epochs), os(&os),
      start(std::chrono::steady_clock::now()) {}

void Progress::update(int64_t step, double loss) {
  if (!os || finished)
    return;
  auto now = std::chrono::steady_clock::now();
  if (drawn && step < totalSteps && now - lastDraw < redrawInterval)
    return;
  lastDraw = now;
  draw(step, loss);
}

void Progress::draw(int64_t step, double loss) {
  double elapsed = std::chrono::duration<double>(lastDraw - start).count();
  double perStep = step > 0 ? elapsed / static_cast<double>(step) : 0.0;
  std::string line =
      formatProgressLine(step, totalSteps, epoch, epochs, loss, perStep);
  // A line as wide as the terminal would wrap, and '\r' would then redraw
  // only its last row.
  if (columns > 1 && line.size() >= columns)
    line.resize(columns - 1);
  // Pad over the tail of a longer previous line.
  size_t width = line.size();
  line.resize(std::max(width, lastWidth), ' ');
  lastWidth = width;
  *os << '\r' << line;
  os->flush();
  drawn = true;
}

void Progress::finish() {
  if (finished)
    return;
  finished = true;
  if (!os || !drawn)
    return;
  *os << '\r' << std::string(lastWidth, ' ') << '\r';
  os->flush();
}

std::string formatDuration(double seconds) {
  auto s = static_cast<int64_t>(std::llround(std::max(seconds, 0.0)));
  if (s >= 3600)
    return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

/// A per-step time in the unit that keeps it readable.
static std::string formatStepTime(double seconds) {
  if (seconds < 1e-3)
    return fmt::format("{:.0f} us/step", seconds * 1e6);
  if (seconds < 1.0)
    return fmt::format("{:.1f} ms/step", seconds * 1e3);
  return fmt::format("{:.2f} s/step", seconds);
}

std::string formatProgressLine(int64_t step, int64_t totalSteps, int64_t epoch,
                               int64_t epochs, double loss,
                               double secondsPerStep) {
  int64_t done =
      totalSteps > 0
          ? std::clamp<int64_t>(step * barWidth / totalSteps, 0, barWidth)
          : barWidth;
  std::string bar(static_cast<size_t>(done), '=');
  if (done < barWidth) {
    if (done > 0)
      bar.back() = '>';
    bar.resize(barWidth, ' ');
  }
  std::string line = fmt::format("epoch {}/{} [{}] {}/{} loss {:.4f}", epoch,
                                 epochs, bar, step, totalSteps, loss);
  if (secondsPerStep > 0) {
    double eta = secondsPerStep * static_cast<double>(totalSteps - step);
    line += fmt::format(" {} ETA {}", formatStepTime(secondsPerStep),
                        formatDuration(eta));
  }
  return line;
}

std::string formatEpochSummary(const EpochRecord &record, int64_t epochs) {
  std::string line = fmt::format("epoch {}/{}  loss {:.4f}", record.epoch,
                                 epochs, record.train.loss);
  if (record.train.scored)
    line += fmt::format("  acc {:.4f}  f1 {:.4f}", record.train.accuracy,
                        record.train.f1);
  if (record.val) {
    line += fmt::format("  val_loss {:.4f}", record.val->loss);
    if (record.val->scored)
      line += fmt::format("  val_acc {:.4f}  val_f1 {:.4f}",
                          record.val->accuracy, record.val->f1);
  }
  line += fmt::format("  {:.1f} s", record.seconds);
  return line;
}

} // namespace deepc
