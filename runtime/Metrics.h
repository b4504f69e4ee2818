//===- Metrics.h - Classification metrics for train and eval ----*- C++ -*-===//
//
// What `deepc train` prints after each epoch and `deepc eval` prints at the
// end: a confusion matrix with accuracy and macro-F1, a batch-size-weighted
// running mean of the loss, and the record of one epoch that the summary
// line, the JSONL log and the SVG plot all read.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_METRICS_H
#define DEEPC_RUNTIME_METRICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deepc {

/// Counts of (true label, predicted class) pairs over C classes.
///
/// Macro-F1 follows scikit-learn's `f1_score(y_true, y_pred,
/// average='macro')` with its defaults (labels=None, zero_division="warn"):
///  - a class's F1 is 2PR/(P+R) = 2TP / (2TP + FP + FN);
///  - a class that occurs only in the labels (never predicted) or only in
///    the predictions (never a label) has TP = 0 and so F1 = 0; sklearn gets
///    the same 0 through zero_division for the undefined P or R;
///  - a class that occurs in neither (TP + FP + FN == 0) is left out of the
///    average, because sklearn averages over unique_labels(y_true, y_pred).
///    (Passing labels=range(C) to sklearn would count it as 0 instead.)
/// Accuracy and macro-F1 are 0 for an empty matrix.
class ConfusionMatrix {
public:
  explicit ConfusionMatrix(int64_t numClasses);

  int64_t numClasses() const { return classes; }

  /// Count one sample. Both arguments must lie in [0, numClasses).
  void add(int64_t label, int64_t predicted);
  /// Adds another matrix's counts (row-major [label][predicted], as
  /// counts() returns them): the samples of several ranks together.
  void addCounts(llvm::ArrayRef<int64_t> counts);

  /// Count `n` samples from row-major logits of shape [n, numClasses]: the
  /// prediction is the argmax of each row, the first maximum winning on
  /// ties and a NaN counting as the maximum, as torch.argmax does.
  /// A sample labelled `ignore` (a loss's `ignore_index`) is not counted.
  void addLogits(const float *logits, const int32_t *labels, int64_t n,
                 std::optional<int64_t> ignore = std::nullopt);
  void addLogits(const float *logits, const int64_t *labels, int64_t n,
                 std::optional<int64_t> ignore = std::nullopt);

  /// The count of samples labelled `label` and predicted `predicted`.
  int64_t count(int64_t label, int64_t predicted) const {
    return table[label * classes + predicted];
  }
  /// All counts, row-major [label][predicted].
  llvm::ArrayRef<int64_t> counts() const { return table; }
  /// The number of samples counted.
  int64_t total() const;

  /// The fraction of samples on the diagonal.
  double accuracy() const;
  /// The F1 score of one class, 2TP / (2TP + FP + FN), 0 when undefined.
  double f1(int64_t cls) const;
  /// The unweighted mean F1 over the classes present (see the class note).
  double macroF1() const;

  /// Forget all counts.
  void reset();

  /// An aligned text table, one row per true label and one column per
  /// predicted class, headed `true\pred`; ends with a newline.
  std::string render() const;
  /// The counts as a JSON array of rows, for `deepc eval --json`.
  llvm::json::Array toJSON() const;

private:
  int64_t classes;
  std::vector<int64_t> table;
};

/// The mean of per-batch values weighted by batch size, so that an epoch's
/// loss is the per-sample mean even when the last batch is partial.
class RunningMean {
public:
  /// Add `value`, the mean over `samples` samples; <= 0 samples add nothing.
  void add(double value, int64_t samples = 1);
  /// The weighted mean, 0 when nothing was added.
  double mean() const { return weight > 0 ? sum / weight : 0.0; }
  /// The total weight added.
  int64_t count() const { return weight; }
  void reset() {
    sum = 0;
    weight = 0;
  }

private:
  double sum = 0;
  int64_t weight = 0;
};

/// Loss, accuracy and macro-F1 over one data split.
struct SplitMetrics {
  double loss = 0;
  double accuracy = 0;
  double f1 = 0;
  /// Whether accuracy and F1 mean anything: false when the loss has no
  /// class labels to score (mse, or labels computed inside the block);
  /// then the summary, the log and the plot show the loss alone.
  bool scored = true;
};

/// What one epoch of training produced: the input of the summary line, the
/// epoch record of the JSONL log, and one point of each plotted curve.
struct EpochRecord {
  /// The epoch number, counted from 1.
  int64_t epoch = 0;
  /// The optimizer steps taken since training started (across resumes).
  int64_t step = 0;
  /// The training metrics, over the samples seen in this epoch.
  SplitMetrics train;
  /// Validation metrics, when the run has `--val` data.
  std::optional<SplitMetrics> val;
  /// Wall-clock seconds the epoch took.
  double seconds = 0;
  /// CPU seconds the process ran over the same span as `seconds` (all its
  /// threads).
  double cpuSeconds = 0;
};

} // namespace deepc

#endif // DEEPC_RUNTIME_METRICS_H
