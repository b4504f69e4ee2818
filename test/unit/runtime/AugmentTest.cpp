//===- AugmentTest.cpp - Random flips, crops and noise of image batches ---===//
//
// The draws are random, so the tests check what every draw must satisfy
// (each output image is the input shifted by some (dy, dx) within the
// padding and maybe mirrored, zeros where the shift uncovers), that every
// choice does occur, and the noise's moments; plus repeatability.
//
//===----------------------------------------------------------------------===//
#include "runtime/Augment.h"

#include "TestUtil.h"

#include <cmath>
#include <numeric>
#include <set>
#include <tuple>

using namespace deepc;
using namespace deepc::test;

namespace {

constexpr int64_t H = 4, W = 5;

/// B images of shape [1, H, W]; pixel (y, x) of image b is 1 + 100 b + 10 y
/// + x, so every value is nonzero and names its place.
Tensor images(int64_t b) {
  std::vector<float> v;
  for (int64_t i = 0; i < b; ++i)
    for (int64_t y = 0; y < H; ++y)
      for (int64_t x = 0; x < W; ++x)
        v.push_back(float(1 + 100 * i + 10 * y + x));
  return makeTensor<float>(DType::F32, {b, 1, H, W}, v);
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> ids(size_t(n), 0);
  std::iota(ids.begin(), ids.end(), 0);
  return ids;
}

/// Finds (flip, dy, dx) with |dy|, |dx| <= crop that maps image `b` of `in`
/// to image `b` of `out`; returns false if none does.
bool explain(const Tensor &in, const Tensor &out, int64_t b, int64_t crop,
             std::tuple<bool, int64_t, int64_t> &found) {
  const float *src = in.data<float>() + b * H * W;
  const float *dst = out.data<float>() + b * H * W;
  for (bool flip : {false, true})
    for (int64_t dy = -crop; dy <= crop; ++dy)
      for (int64_t dx = -crop; dx <= crop; ++dx) {
        bool ok = true;
        for (int64_t y = 0; y < H && ok; ++y)
          for (int64_t x = 0; x < W && ok; ++x) {
            int64_t sy = y + dy, sx = (flip ? W - 1 - x : x) + dx;
            float want = sy >= 0 && sy < H && sx >= 0 && sx < W
                             ? src[sy * W + sx]
                             : 0.0f;
            ok = dst[y * W + x] == want;
          }
        if (ok) {
          found = {flip, dy, dx};
          return true;
        }
      }
  return false;
}

TEST(Augment, Parse) {
  auto a = parseAugmentation("flip,crop=4,noise=0.05");
  ASSERT_TRUE(bool(a)) << errorOf(a.takeError());
  EXPECT_TRUE(a->flip);
  EXPECT_EQ(a->crop, 4);
  EXPECT_DOUBLE_EQ(a->noise, 0.05);
  auto none = parseAugmentation("");
  ASSERT_TRUE(bool(none));
  EXPECT_FALSE(none->any());
  EXPECT_EQ(errorOf(parseAugmentation("flip,rotate").takeError()),
            "--augment: 'rotate': unknown augmentation (known: flip, crop=K, "
            "noise=S)");
  EXPECT_EQ(errorOf(parseAugmentation("crop=-1").takeError()),
            "--augment: 'crop=-1': crop=K needs a padding K from 1 to 1024");
  EXPECT_EQ(errorOf(parseAugmentation("noise=x").takeError()),
            "--augment: 'noise=x': noise=S needs a positive standard "
            "deviation S");
  EXPECT_EQ(errorOf(parseAugmentation("flip=1").takeError()),
            "--augment: 'flip=1': flip takes no value");
}

TEST(Augment, FlipsAndCropsAreShiftsOfTheImage) {
  Augmentation aug;
  aug.flip = true;
  aug.crop = 2;
  const int64_t n = 200;
  Tensor in = images(n), out = in;
  augmentBatch(out, aug, /*seed=*/7, /*epoch=*/0, iota(n));
  std::set<std::tuple<bool, int64_t, int64_t>> seen;
  for (int64_t b = 0; b < n; ++b) {
    std::tuple<bool, int64_t, int64_t> found;
    ASSERT_TRUE(explain(in, out, b, aug.crop, found)) << "image " << b;
    seen.insert(found);
  }
  // 2 x 5 x 5 = 50 possible choices; 200 draws leave few unseen.
  EXPECT_GE(seen.size(), 40u);
  EXPECT_TRUE(seen.count({false, 0, 0}) || seen.count({true, 0, 0}));
}

TEST(Augment, RepeatableAndKeyedBySampleAndEpoch) {
  Augmentation aug;
  aug.flip = true;
  aug.crop = 1;
  aug.noise = 0.1;
  Tensor a = images(6), b = images(6), c = images(6);
  augmentBatch(a, aug, 3, 1, iota(6));
  augmentBatch(b, aug, 3, 1, iota(6));
  EXPECT_EQ(a.bytes, b.bytes);
  augmentBatch(c, aug, 3, 2, iota(6));
  EXPECT_NE(a.bytes, c.bytes);

  // Sample 4 gets the same perturbation whatever batch and row it is in.
  Tensor all = images(6);
  augmentBatch(all, aug, 3, 1, iota(6));
  Tensor one(DType::F32, {1, 1, H, W});
  std::memcpy(one.bytes.data(), images(6).data<float>() + 4 * H * W,
              H * W * sizeof(float));
  augmentBatch(one, aug, 3, 1, {4});
  EXPECT_EQ(0, std::memcmp(one.data<float>(), all.data<float>() + 4 * H * W,
                           H * W * sizeof(float)));
}

TEST(Augment, NoiseHasTheRequestedMoments) {
  Augmentation aug;
  aug.noise = 0.5;
  Tensor t(DType::F32, {400, 1, H, W}); // zeros
  augmentBatch(t, aug, 11, 0, iota(400));
  double sum = 0, sq = 0;
  int64_t n = t.numel();
  for (int64_t i = 0; i < n; ++i) {
    double v = t.data<float>()[i];
    sum += v;
    sq += v * v;
  }
  double mean = sum / double(n), sd = std::sqrt(sq / double(n) - mean * mean);
  // 8000 draws: the mean's standard error is 0.5 / sqrt(8000) = 0.0056.
  EXPECT_NEAR(mean, 0.0, 0.03);
  EXPECT_NEAR(sd, 0.5, 0.02);
}

TEST(Augment, ImageInputs) {
  EXPECT_TRUE(isImageInput(DType::F32, {1, 28, 28}));
  EXPECT_TRUE(isImageInput(DType::F32, {28, 28}));
  EXPECT_FALSE(isImageInput(DType::F32, {784}));
  EXPECT_FALSE(isImageInput(DType::I32, {28, 28}));
}

} // namespace
