//===- Augment.cpp - Random augmentation of image batches -----------------===//
#include "runtime/Augment.h"

#include "runtime/Init.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace llvm;

namespace deepc {

Expected<Augmentation> parseAugmentation(StringRef spec) {
  Augmentation aug;
  SmallVector<StringRef, 4> items;
  spec.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [key, value] = item.trim().split('=');
    auto bad = [&](const Twine &why) {
      return createStringError("--augment: '" + item.trim() + "': " + why);
    };
    if (key == "flip") {
      if (!value.empty())
        return bad("flip takes no value");
      aug.flip = true;
    } else if (key == "crop") {
      if (value.getAsInteger(10, aug.crop) || aug.crop <= 0 || aug.crop > 1024)
        return bad("crop=K needs a padding K from 1 to 1024");
    } else if (key == "noise") {
      if (value.getAsDouble(aug.noise) || !(aug.noise > 0) ||
          !std::isfinite(aug.noise))
        return bad("noise=S needs a positive standard deviation S");
    } else {
      return bad("unknown augmentation (known: flip, crop=K, noise=S)");
    }
  }
  return aug;
}

bool isImageInput(DType dtype, ArrayRef<int64_t> sampleShape) {
  return dtype == DType::F32 && sampleShape.size() >= 2;
}

namespace {
/// Philox streams of the augmentation draws, apart from parameter inits
/// (which use streams 0, 1, ... per parameter).
constexpr uint64_t kChoiceStream = 0xA06'0000'0000ull;
constexpr uint64_t kNoiseStream = 0xA06'1000'0000ull;
} // namespace

void augmentBatch(Tensor &batch, const Augmentation &aug, uint64_t seed,
                  int64_t epoch, ArrayRef<int64_t> sampleIds) {
  int64_t rank = int64_t(batch.shape.size());
  int64_t h = batch.shape[rank - 2], w = batch.shape[rank - 1];
  int64_t plane = h * w;
  int64_t perSample = batch.shape[0] ? batch.numel() / batch.shape[0] : 0;
  int64_t planes = plane ? perSample / plane : 0;
  float *data = batch.data<float>();
  std::vector<float> copy(static_cast<size_t>(plane));
  Philox choices(seed, kChoiceStream + uint64_t(epoch));
  Philox noise(seed, kNoiseStream + uint64_t(epoch));
  for (size_t b = 0; b < sampleIds.size(); ++b) {
    uint64_t id = uint64_t(sampleIds[b]);
    std::array<uint32_t, 4> r = choices.words(id);
    bool flip = aug.flip && (r[0] & 1);
    int64_t span = 2 * aug.crop + 1;
    int64_t dy = aug.crop ? int64_t(r[1] % uint64_t(span)) - aug.crop : 0;
    int64_t dx = aug.crop ? int64_t(r[2] % uint64_t(span)) - aug.crop : 0;
    float *sample = data + int64_t(b) * perSample;
    if (flip || dy || dx) {
      // out[y][x] = in[y + dy][x' + dx] with x' = x, or w-1-x when flipped
      // (crop of the zero-padded image, then the mirror); zero outside.
      for (int64_t p = 0; p < planes; ++p) {
        float *img = sample + p * plane;
        std::copy(img, img + plane, copy.begin());
        for (int64_t y = 0; y < h; ++y)
          for (int64_t x = 0; x < w; ++x) {
            int64_t sy = y + dy, sx = (flip ? w - 1 - x : x) + dx;
            img[y * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w
                                 ? copy[sy * w + sx]
                                 : 0.0f;
          }
      }
    }
    if (aug.noise > 0)
      for (int64_t i = 0; i < perSample; ++i)
        sample[i] += float(
            aug.noise * noise.normal(id * uint64_t(perSample) + uint64_t(i)));
  }
}

} // namespace deepc
