//===- train_progress.cpp - Progress bar and epoch summary tests ----------===//
#include "runtime/Progress.h"

#include "gtest/gtest.h"

using namespace deepc;

namespace {

TEST(TrainProgress, EpochSummaryWithoutValidation) {
  EpochRecord r;
  r.epoch = 1;
  r.step = 938;
  r.train = {0.51234, 0.82014, 0.81866};
  r.seconds = 3.14;
  EXPECT_EQ(formatEpochSummary(r, 3),
            "epoch 1/3  loss 0.5123  acc 0.8201  f1 0.8187  3.1 s");
}

TEST(TrainProgress, EpochSummaryWithValidation) {
  EpochRecord r;
  r.epoch = 2;
  r.train = {0.5123, 0.8201, 0.8187};
  r.val = SplitMetrics{0.4610, 0.8350, 0.8339};
  r.seconds = 12.06;
  EXPECT_EQ(formatEpochSummary(r, 10),
            "epoch 2/10  loss 0.5123  acc 0.8201  f1 0.8187  val_loss 0.4610  "
            "val_acc 0.8350  val_f1 0.8339  12.1 s");
}

TEST(TrainProgress, EpochSummaryOfALossWithoutLabels) {
  // mse, or labels computed inside the block: no accuracy to show, not 0.
  EpochRecord r;
  r.epoch = 3;
  r.train = {0.25, 0, 0, /*scored=*/false};
  r.val = SplitMetrics{0.5, 0, 0, /*scored=*/false};
  r.seconds = 1.0;
  EXPECT_EQ(formatEpochSummary(r, 3),
            "epoch 3/3  loss 0.2500  val_loss 0.5000  1.0 s");
}

TEST(TrainProgress, Durations) {
  EXPECT_EQ(formatDuration(0), "0:00");
  EXPECT_EQ(formatDuration(4.4), "0:04");
  EXPECT_EQ(formatDuration(75), "1:15");
  EXPECT_EQ(formatDuration(3600 + 62), "1:01:02");
  EXPECT_EQ(formatDuration(-3), "0:00");
}

TEST(TrainProgress, ProgressLine) {
  EXPECT_EQ(formatProgressLine(312, 938, 1, 3, 0.48213, 0.0012),
            "epoch 1/3 [=====>              ] 312/938 loss 0.4821 "
            "1.2 ms/step ETA 0:01");
  // Nothing measured yet: no speed and no ETA.
  EXPECT_EQ(formatProgressLine(0, 10, 1, 1, 2.3, 0),
            "epoch 1/1 [                    ] 0/10 loss 2.3000");
  EXPECT_EQ(formatProgressLine(10, 10, 2, 2, 0.1, 0.5),
            "epoch 2/2 [====================] 10/10 loss 0.1000 "
            "500.0 ms/step ETA 0:00");
}

TEST(TrainProgress, RedrawsInPlaceAndErasesOnFinish) {
  std::string s;
  llvm::raw_string_ostream os(s);
  {
    Progress p(100, 1, 1, os);
    p.update(1, 1.0);
    // Within 100 ms of the first drawing: not redrawn.
    for (int i = 2; i < 100; ++i)
      p.update(i, 1.0);
    // The last step is always drawn.
    p.update(100, 0.5);
    p.finish();
  }
  // Two drawings, each starting with '\r', then the erasing '\r...\r'.
  EXPECT_EQ(std::count(s.begin(), s.end(), '\r'), 4);
  EXPECT_EQ(s.find('\n'), std::string::npos);
  EXPECT_NE(s.find("1/100 loss 1.0000"), std::string::npos);
  EXPECT_NE(s.find("100/100 loss 0.5000"), std::string::npos);
  EXPECT_EQ(s.back(), '\r');
}

TEST(TrainProgress, DisabledDrawsNothing) {
  // Not enabled: nothing on stderr whether or not it is a terminal.
  testing::internal::CaptureStderr();
  {
    Progress p(10, 1, 1, /*enabled=*/false);
    for (int i = 1; i <= 10; ++i)
      p.update(i, 1.0);
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

} // namespace
