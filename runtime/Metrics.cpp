//===- Metrics.cpp - Classification metrics for train and eval -----------===//
//
// The confusion matrix, its accuracy and macro-F1, and the running mean.
// Metrics.h says which of scikit-learn's F1 conventions is followed.
//
//===----------------------------------------------------------------------===//
#include "runtime/Metrics.h"

#include "fmt/format.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstring>
#include <iterator>

namespace deepc {

ConfusionMatrix::ConfusionMatrix(int64_t numClasses)
    : classes(numClasses), table(numClasses * numClasses, 0) {
  assert(numClasses > 0 && "a confusion matrix needs at least one class");
}

void ConfusionMatrix::addCounts(llvm::ArrayRef<int64_t> counts) {
  assert(counts.size() == table.size() && "matrices of different sizes");
  for (size_t i = 0; i < table.size(); ++i)
    table[i] += counts[i];
}

void ConfusionMatrix::add(int64_t label, int64_t predicted) {
  assert(label >= 0 && label < classes && "label out of range");
  assert(predicted >= 0 && predicted < classes && "prediction out of range");
  ++table[label * classes + predicted];
}

/// The index of the largest of `row[0..n)`: the first maximum, or the first
/// NaN if there is one, as torch.argmax.
static int64_t argmax(const float *row, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(row[i]))
      return i;
    if (row[i] > row[best])
      best = i;
  }
  return best;
}

template <typename LabelT>
static void addAll(ConfusionMatrix &m, const float *logits,
                   const LabelT *labels, int64_t n,
                   std::optional<int64_t> ignore) {
  int64_t c = m.numClasses();
  for (int64_t i = 0; i < n; ++i)
    if (static_cast<int64_t>(labels[i]) != ignore)
      m.add(static_cast<int64_t>(labels[i]), argmax(logits + i * c, c));
}

void ConfusionMatrix::addLogits(const float *logits, const int32_t *labels,
                                int64_t n, std::optional<int64_t> ignore) {
  addAll(*this, logits, labels, n, ignore);
}

void ConfusionMatrix::addLogits(const float *logits, const int64_t *labels,
                                int64_t n, std::optional<int64_t> ignore) {
  addAll(*this, logits, labels, n, ignore);
}

int64_t ConfusionMatrix::total() const {
  int64_t n = 0;
  for (int64_t v : table)
    n += v;
  return n;
}

double ConfusionMatrix::accuracy() const {
  int64_t n = total();
  if (n == 0)
    return 0.0;
  int64_t correct = 0;
  for (int64_t c = 0; c < classes; ++c)
    correct += count(c, c);
  return static_cast<double>(correct) / static_cast<double>(n);
}

/// 2TP + FP + FN of class `cls`: its row sum plus its column sum.
static int64_t f1Denominator(const ConfusionMatrix &m, int64_t cls) {
  int64_t d = 0;
  for (int64_t k = 0; k < m.numClasses(); ++k)
    d += m.count(cls, k) + m.count(k, cls);
  return d;
}

double ConfusionMatrix::f1(int64_t cls) const {
  int64_t d = f1Denominator(*this, cls);
  return d == 0 ? 0.0 : 2.0 * count(cls, cls) / static_cast<double>(d);
}

double ConfusionMatrix::macroF1() const {
  double sumF1 = 0;
  int64_t present = 0;
  for (int64_t c = 0; c < classes; ++c) {
    if (f1Denominator(*this, c) == 0)
      continue;
    sumF1 += f1(c);
    ++present;
  }
  return present == 0 ? 0.0 : sumF1 / static_cast<double>(present);
}

void ConfusionMatrix::reset() { std::fill(table.begin(), table.end(), 0); }

std::string ConfusionMatrix::render() const {
  static constexpr const char *corner = "true\\pred";
  // One width for every count column, wide enough for the largest count and
  // the largest class index; the first column fits the corner label.
  size_t width = fmt::formatted_size("{}", classes - 1);
  for (int64_t v : table)
    width = std::max(width, fmt::formatted_size("{}", v));
  size_t first = std::strlen(corner);

  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{:>{}}", corner, first);
  for (int64_t p = 0; p < classes; ++p)
    fmt::format_to(it, "  {:>{}}", p, width);
  fmt::format_to(it, "\n");
  for (int64_t t = 0; t < classes; ++t) {
    fmt::format_to(it, "{:>{}}", t, first);
    for (int64_t p = 0; p < classes; ++p)
      fmt::format_to(it, "  {:>{}}", count(t, p), width);
    fmt::format_to(it, "\n");
  }
  return fmt::to_string(out);
}

llvm::json::Array ConfusionMatrix::toJSON() const {
  llvm::json::Array rows;
  for (int64_t t = 0; t < classes; ++t) {
    llvm::json::Array row;
    for (int64_t p = 0; p < classes; ++p)
      row.push_back(count(t, p));
    rows.push_back(std::move(row));
  }
  return rows;
}

void RunningMean::add(double value, int64_t samples) {
  if (samples <= 0)
    return;
  sum += value * static_cast<double>(samples);
  weight += samples;
}

} // namespace deepc
