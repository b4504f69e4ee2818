//===- train_plot.cpp - SVG training curve tests --------------------------===//
#include "runtime/Plot.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace deepc;

namespace {

static size_t occurrences(llvm::StringRef text, llvm::StringRef what) {
  return text.count(what);
}

static std::vector<EpochRecord> records(int n, bool withVal) {
  std::vector<EpochRecord> rs;
  for (int e = 1; e <= n; ++e) {
    EpochRecord r;
    r.epoch = e;
    r.step = 938 * e;
    r.train = {1.0 / e, 0.7 + 0.03 * e, 0.69 + 0.03 * e};
    if (withVal)
      r.val = SplitMetrics{1.1 / e, 0.68 + 0.025 * e, 0.67 + 0.025 * e};
    r.seconds = 3;
    rs.push_back(r);
  }
  return rs;
}

TEST(TrainPlot, PointsPerCurve) {
  std::string svg = renderCurvesSVG(records(5, /*withVal=*/true));
  llvm::StringRef s(svg);
  EXPECT_TRUE(s.starts_with("<?xml"));
  EXPECT_TRUE(s.ends_with("</svg>\n"));
  // Two panels, each with a train and a validation curve of 5 points.
  EXPECT_EQ(occurrences(s, "<circle class=\"train\""), 10u);
  EXPECT_EQ(occurrences(s, "<circle class=\"val\""), 10u);
  EXPECT_EQ(occurrences(s, "<polyline"), 4u);
  EXPECT_EQ(occurrences(s, "<g "), occurrences(s, "</g>"));
  EXPECT_EQ(occurrences(s, "<text"), occurrences(s, "</text>"));
  EXPECT_NE(s.find(">validation</text>"), llvm::StringRef::npos);
  EXPECT_NE(s.find(">Loss</text>"), llvm::StringRef::npos);
  EXPECT_NE(s.find(">Accuracy</text>"), llvm::StringRef::npos);
  // Self-contained: no links to anything.
  EXPECT_EQ(s.find("href"), llvm::StringRef::npos);
  EXPECT_EQ(s.find("url("), llvm::StringRef::npos);
}

TEST(TrainPlot, LossAloneWithoutLabels) {
  // A regression has no accuracy: one panel, the loss, half as wide.
  std::vector<EpochRecord> rs = records(3, /*withVal=*/true);
  for (EpochRecord &r : rs)
    r.train.scored = r.val->scored = false;
  std::string svg = renderCurvesSVG(rs);
  llvm::StringRef s(svg);
  EXPECT_NE(s.find(">Loss</text>"), llvm::StringRef::npos);
  EXPECT_EQ(s.find(">Accuracy</text>"), llvm::StringRef::npos);
  EXPECT_EQ(occurrences(s, "<circle class=\"train\""), 3u);
  EXPECT_EQ(occurrences(s, "<polyline"), 2u);
  EXPECT_NE(s.find("width=\"480\""), llvm::StringRef::npos);
}

TEST(TrainPlot, TrainOnlyAndEdgeCases) {
  std::string one = renderCurvesSVG(records(1, /*withVal=*/false));
  EXPECT_EQ(llvm::StringRef(one).count("<circle class=\"train\""), 2u);
  EXPECT_EQ(llvm::StringRef(one).count("<circle class=\"val\""), 0u);
  EXPECT_EQ(llvm::StringRef(one).find(">validation</text>"),
            llvm::StringRef::npos);
  EXPECT_EQ(llvm::StringRef(one).find("nan"), llvm::StringRef::npos);

  // A NaN loss breaks the loss line and has no marker.
  std::vector<EpochRecord> rs = records(4, false);
  rs[2].train.loss = std::nan("");
  std::string svg = renderCurvesSVG(rs);
  llvm::StringRef s(svg);
  EXPECT_EQ(s.count("<circle class=\"train\""), 7u);
  EXPECT_EQ(s.count("<polyline"), 3u);
  EXPECT_EQ(s.find("nan"), llvm::StringRef::npos);
  EXPECT_EQ(s.find("inf"), llvm::StringRef::npos);

  std::string empty = renderCurvesSVG({});
  EXPECT_EQ(llvm::StringRef(empty).count("<circle"), 0u);
  EXPECT_TRUE(llvm::StringRef(empty).ends_with("</svg>\n"));
}

TEST(TrainPlot, WrittenAtomically) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("deepc-plot", dir));
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, "curves.svg");
  {
    std::error_code ec;
    llvm::raw_fd_ostream old(path, ec);
    ASSERT_FALSE(ec);
    old << "old";
  }
  llvm::sys::fs::UniqueID before, after;
  ASSERT_FALSE(llvm::sys::fs::getUniqueID(path, before));

  std::vector<EpochRecord> rs = records(3, true);
  llvm::Error err = writeCurvesSVG(path, rs);
  ASSERT_FALSE((bool)err) << llvm::toString(std::move(err));

  // Renamed into place: a new file, not the old one rewritten.
  ASSERT_FALSE(llvm::sys::fs::getUniqueID(path, after));
  EXPECT_NE(before, after);
  auto buf = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(!!buf);
  EXPECT_EQ((*buf)->getBuffer(), renderCurvesSVG(rs));
  // No temporary file left behind.
  std::error_code ec;
  int entries = 0;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 1);
  llvm::sys::fs::remove_directories(dir);
}

TEST(TrainPlot, ErrorNamesTheFile) {
  std::string path = "/nonexistent-deepc-dir/curves.svg";
  llvm::Error err = writeCurvesSVG(path, records(2, false));
  ASSERT_TRUE((bool)err);
  std::string msg = llvm::toString(std::move(err));
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
}

} // namespace
