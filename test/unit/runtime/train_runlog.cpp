//===- train_runlog.cpp - JSONL run log tests -----------------------------===//
#include "runtime/RunLog.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

using namespace deepc;

namespace {

/// A scratch directory removed at the end of the test.
struct TempDir {
  llvm::SmallString<128> path;
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("deepc-train", path));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
};

static std::vector<llvm::json::Object> readLines(const std::string &path) {
  std::vector<llvm::json::Object> out;
  auto buf = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(!!buf);
  if (!buf)
    return out;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  EXPECT_TRUE((*buf)->getBuffer().ends_with("\n"));
  for (llvm::StringRef line : lines) {
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
    EXPECT_TRUE(!!v) << line.str();
    if (!v) {
      llvm::consumeError(v.takeError());
      continue;
    }
    EXPECT_NE(v->getAsObject(), nullptr);
    if (v->getAsObject())
      out.push_back(*v->getAsObject());
  }
  return out;
}

TEST(TrainRunLog, StepAndEpochLinesParseBack) {
  TempDir dir;
  std::string path = dir.file("run.jsonl");
  auto log = RunLog::create(path);
  ASSERT_TRUE(!!log) << llvm::toString(log.takeError());
  (*log)->logStep(1, 37, 0.53f);
  // Flushed per line: readable before the log is closed.
  std::vector<llvm::json::Object> early = readLines(path);
  ASSERT_EQ(early.size(), 1u);

  EpochRecord train;
  train.epoch = 1;
  train.step = 938;
  train.train = {0.5123, 0.8201, 0.8187};
  train.seconds = 3.1;
  train.cpuSeconds = 2.95;
  (*log)->logEpoch(train);
  EpochRecord withVal = train;
  withVal.epoch = 2;
  withVal.step = 1876;
  withVal.val = SplitMetrics{0.461, 0.835, 0.8339};
  (*log)->logEpoch(withVal);
  (*log)->logStep(3, 1877, std::numeric_limits<float>::quiet_NaN());
  ASSERT_FALSE((bool)(*log)->close());

  std::vector<llvm::json::Object> lines = readLines(path);
  ASSERT_EQ(lines.size(), 4u);

  llvm::json::Object &step = lines[0];
  EXPECT_EQ(step.getString("kind"), "step");
  EXPECT_EQ(step.getInteger("epoch"), 1);
  EXPECT_EQ(step.getInteger("step"), 37);
  // The float loss in its shortest form: exactly 0.53f.
  EXPECT_EQ(static_cast<float>(*step.getNumber("loss")), 0.53f);
  EXPECT_EQ(step.size(), 4u);

  llvm::json::Object &epoch = lines[1];
  EXPECT_EQ(epoch.getString("kind"), "epoch");
  EXPECT_EQ(epoch.getInteger("epoch"), 1);
  EXPECT_EQ(epoch.getInteger("step"), 938);
  EXPECT_EQ(epoch.getNumber("loss"), 0.5123);
  EXPECT_EQ(epoch.getNumber("accuracy"), 0.8201);
  EXPECT_EQ(epoch.getNumber("f1"), 0.8187);
  EXPECT_EQ(epoch.getNumber("seconds"), 3.1);
  // The process's CPU time over the epoch, beside its wall time.
  EXPECT_EQ(epoch.getNumber("cpu_seconds"), 2.95);
  EXPECT_EQ(epoch.get("val_loss"), nullptr);
  EXPECT_EQ(epoch.size(), 8u);

  llvm::json::Object &val = lines[2];
  EXPECT_EQ(val.getInteger("step"), 1876);
  EXPECT_EQ(val.getNumber("val_loss"), 0.461);
  EXPECT_EQ(val.getNumber("val_accuracy"), 0.835);
  EXPECT_EQ(val.getNumber("val_f1"), 0.8339);
  EXPECT_EQ(val.size(), 11u);

  // A NaN loss is null, which keeps the line valid JSON.
  ASSERT_NE(lines[3].get("loss"), nullptr);
  EXPECT_EQ(lines[3].get("loss")->kind(), llvm::json::Value::Null);
}

TEST(TrainRunLog, EpochOfALossWithoutLabels) {
  // No accuracy or F1 keys when there are no class labels, rather than 0.
  TempDir dir;
  std::string path = dir.file("run.jsonl");
  auto log = RunLog::create(path);
  ASSERT_TRUE(!!log);
  EpochRecord r;
  r.epoch = 1;
  r.step = 10;
  r.train = {0.25, 0, 0, /*scored=*/false};
  r.val = SplitMetrics{0.5, 0, 0, /*scored=*/false};
  r.seconds = 1;
  (*log)->logEpoch(r);
  ASSERT_FALSE((bool)(*log)->close());
  std::vector<llvm::json::Object> lines = readLines(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].getNumber("loss"), 0.25);
  EXPECT_EQ(lines[0].getNumber("val_loss"), 0.5);
  EXPECT_EQ(lines[0].get("accuracy"), nullptr);
  EXPECT_EQ(lines[0].get("val_f1"), nullptr);
  EXPECT_EQ(lines[0].size(), 7u);
}

TEST(TrainRunLog, ShortestNumbers) {
  TempDir dir;
  std::string path = dir.file("run.jsonl");
  auto log = RunLog::create(path);
  ASSERT_TRUE(!!log);
  (*log)->logStep(1, 1, 0.1f);
  ASSERT_FALSE((bool)(*log)->close());
  auto buf = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(!!buf);
  EXPECT_EQ((*buf)->getBuffer(),
            "{\"kind\":\"step\",\"epoch\":1,\"step\":1,\"loss\":0.1}\n");
}

TEST(TrainRunLog, OpenErrorNamesTheFile) {
  TempDir dir;
  std::string path = dir.file("no-such-dir/run.jsonl");
  auto log = RunLog::create(path);
  ASSERT_FALSE(!!log);
  std::string msg = llvm::toString(log.takeError());
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
}

} // namespace
