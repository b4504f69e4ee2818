//===- train_metrics.cpp - ConfusionMatrix and RunningMean tests ----------===//
#include "runtime/Metrics.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace deepc;

namespace {

TEST(TrainMetrics, HandComputedTwoClasses) {
  // TP(1) = 3, FN(1) = 1, FP(1) = 2, TP(0) = 4.
  ConfusionMatrix m(2);
  int64_t labels[] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  int64_t preds[] = {1, 1, 1, 0, 1, 1, 0, 0, 0, 0};
  for (int i = 0; i < 10; ++i)
    m.add(labels[i], preds[i]);
  EXPECT_EQ(m.total(), 10);
  EXPECT_EQ(m.count(0, 0), 4);
  EXPECT_EQ(m.count(0, 1), 2);
  EXPECT_EQ(m.count(1, 0), 1);
  EXPECT_EQ(m.count(1, 1), 3);
  EXPECT_DOUBLE_EQ(m.accuracy(), 0.7);
  // Class 0: P = 4/5, R = 4/6, F1 = 8/11. Class 1: P = 3/5, R = 3/4,
  // F1 = 6/9.
  EXPECT_DOUBLE_EQ(m.f1(0), 8.0 / 11.0);
  EXPECT_DOUBLE_EQ(m.f1(1), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(m.macroF1(), (8.0 / 11.0 + 2.0 / 3.0) / 2);
}

// The expected values come from scikit-learn 1.2.1 (Debian's python3-sklearn
// run by /usr/bin/python3):
//   accuracy_score(yt, yp)                         -> 0.5833333333333334
//   f1_score(yt, yp, average='macro')              -> 0.36931818181818177
//   f1_score(yt, yp, average=None)                 -> [0.75, 0.727..., 0, 0]
//   f1_score(yt, yp, average='macro', labels=range(5)) -> 0.2954545454545454
// Class 2 is a label never predicted, class 3 a prediction never a label
// (both F1 0), class 4 occurs in neither and is left out of the average as
// sklearn's default labels=None leaves it out.
TEST(TrainMetrics, MatchesSklearnMacroF1) {
  int64_t yt[] = {0, 0, 0, 1, 1, 1, 1, 2, 2, 0, 1, 2};
  int64_t yp[] = {0, 1, 0, 1, 1, 3, 1, 0, 1, 0, 1, 3};
  ConfusionMatrix m(5);
  for (int i = 0; i < 12; ++i)
    m.add(yt[i], yp[i]);
  EXPECT_NEAR(m.accuracy(), 0.5833333333333334, 1e-12);
  EXPECT_NEAR(m.macroF1(), 0.36931818181818177, 1e-12);
  EXPECT_NEAR(m.f1(0), 0.75, 1e-12);
  EXPECT_NEAR(m.f1(1), 0.7272727272727272, 1e-12);
  EXPECT_EQ(m.f1(2), 0.0);
  EXPECT_EQ(m.f1(3), 0.0);
  EXPECT_EQ(m.f1(4), 0.0);
  // The same matrix as sklearn's confusion_matrix(yt, yp, labels=range(5)).
  std::vector<int64_t> expected = {3, 1, 0, 0, 0, 0, 4, 0, 1, 0, 1, 1, 0,
                                   1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::vector<int64_t>(m.counts().begin(), m.counts().end()),
            expected);
}

// sklearn 1.2.1: accuracy 0.95, f1_score(average='macro') 0.9470899470899471.
TEST(TrainMetrics, MatchesSklearnAllClassesPresent) {
  int64_t yt[] = {1, 0, 1, 2, 0, 0, 2, 0, 1, 2, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0};
  int64_t yp[] = {1, 0, 1, 2, 0, 0, 2, 0, 1, 2, 0, 2, 0, 0, 0, 1, 1, 0, 2, 0};
  ConfusionMatrix m(3);
  for (int i = 0; i < 20; ++i)
    m.add(yt[i], yp[i]);
  EXPECT_NEAR(m.accuracy(), 0.95, 1e-12);
  EXPECT_NEAR(m.macroF1(), 0.9470899470899471, 1e-12);
}

TEST(TrainMetrics, EmptyMatrixIsZero) {
  ConfusionMatrix m(3);
  EXPECT_EQ(m.total(), 0);
  EXPECT_EQ(m.accuracy(), 0.0);
  EXPECT_EQ(m.macroF1(), 0.0);
}

TEST(TrainMetrics, ArgmaxFirstMaxWinsLikeTorch) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  // Rows: a tie between 1 and 2 (torch.argmax picks 1), a clear max at 0,
  // a NaN at 2 (torch.argmax picks the NaN), all equal (picks 0).
  float logits[] = {0.f, 5.f, 5.f, 9.f, 1.f, 2.f, 1.f, 7.f, nan, 3.f, 3.f, 3.f};
  int32_t labels32[] = {1, 0, 2, 0};
  ConfusionMatrix m(3);
  m.addLogits(logits, labels32, 4);
  EXPECT_EQ(m.count(1, 1), 1);
  EXPECT_EQ(m.count(0, 0), 2);
  EXPECT_EQ(m.count(2, 2), 1);
  EXPECT_EQ(m.total(), 4);

  int64_t labels64[] = {2, 2, 2, 2};
  ConfusionMatrix m64(3);
  m64.addLogits(logits, labels64, 4);
  EXPECT_EQ(m64.count(2, 1), 1);
  EXPECT_EQ(m64.count(2, 0), 2);
  EXPECT_EQ(m64.count(2, 2), 1);
  m64.reset();
  EXPECT_EQ(m64.total(), 0);
}

TEST(TrainMetrics, IgnoredLabelsAreNotCounted) {
  // A loss's ignore_index, outside the classes (-100) or inside (1): those
  // samples are skipped, the others counted as usual.
  float logits[] = {0.f, 5.f, 1.f, 9.f, 1.f, 2.f, 1.f, 0.f, 7.f};
  int32_t labels[] = {1, -100, 2};
  ConfusionMatrix m(3);
  m.addLogits(logits, labels, 3, -100);
  EXPECT_EQ(m.total(), 2);
  EXPECT_EQ(m.count(1, 1), 1);
  EXPECT_EQ(m.count(2, 2), 1);

  int64_t labels64[] = {1, 0, 1};
  ConfusionMatrix m64(3);
  m64.addLogits(logits, labels64, 3, 1);
  EXPECT_EQ(m64.total(), 1);
  EXPECT_EQ(m64.count(0, 0), 1);
}

TEST(TrainMetrics, RenderIsAligned) {
  ConfusionMatrix m(3);
  for (int i = 0; i < 120; ++i)
    m.add(0, 0);
  m.add(1, 2);
  m.add(2, 1);
  m.add(2, 2);
  EXPECT_EQ(m.render(), "true\\pred    0    1    2\n"
                        "        0  120    0    0\n"
                        "        1    0    0    1\n"
                        "        2    0    1    1\n");
}

TEST(TrainMetrics, ToJSONRows) {
  ConfusionMatrix m(2);
  m.add(0, 1);
  m.add(1, 1);
  m.add(1, 1);
  llvm::json::Value v = m.toJSON();
  std::string s;
  llvm::raw_string_ostream(s) << v;
  EXPECT_EQ(s, "[[0,1],[0,2]]");
}

TEST(TrainMetrics, RunningMeanWeightsByBatchSize) {
  RunningMean mean;
  EXPECT_EQ(mean.mean(), 0.0);
  // Two full batches of 4 and a last partial batch of 2.
  mean.add(1.0, 4);
  mean.add(2.0, 4);
  mean.add(4.0, 2);
  mean.add(100.0, 0);
  EXPECT_EQ(mean.count(), 10);
  EXPECT_DOUBLE_EQ(mean.mean(), (4.0 + 8.0 + 8.0) / 10.0);
  mean.reset();
  EXPECT_EQ(mean.count(), 0);
  EXPECT_EQ(mean.mean(), 0.0);
}

} // namespace
