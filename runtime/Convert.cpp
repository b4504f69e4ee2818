//===- Convert.cpp - Fitting loaded data to a model input -----------------===//
#include "runtime/Convert.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cfloat>
#include <cmath>
#include <type_traits>

using namespace llvm;

namespace deepc {

static bool isFloat(DType t) {
  return t == DType::F32 || t == DType::F64 || t == DType::BF16;
}

/// Calls `fn(i, v)` on each element in order until it returns false, with
/// `v` a double for float dtypes (exact) and an int64_t for the others.
/// Returns whether every call returned true.
template <typename Fn> static bool visit(const Tensor &t, Fn &&fn) {
  int64_t n = t.numel();
  const char *p = t.bytes.data();
  auto each = [&](auto read) {
    for (int64_t i = 0; i < n; ++i)
      if (!fn(i, read(i)))
        return false;
    return true;
  };
  auto load = [p](auto zero, int64_t i) {
    decltype(zero) v;
    std::memcpy(&v, p + i * sizeof(v), sizeof(v));
    return v;
  };
  switch (t.dtype) {
  case DType::F32:
    return each([&](int64_t i) { return double(load(0.0f, i)); });
  case DType::F64:
    return each([&](int64_t i) { return load(0.0, i); });
  case DType::BF16:
    return each([&](int64_t i) {
      uint32_t bits = uint32_t(load(uint16_t(0), i)) << 16;
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      return double(f);
    });
  case DType::I32:
    return each([&](int64_t i) { return int64_t(load(int32_t(0), i)); });
  case DType::I64:
    return each([&](int64_t i) { return load(int64_t(0), i); });
  case DType::U8:
    return each([&](int64_t i) { return int64_t(load(uint8_t(0), i)); });
  case DType::Bool:
    return each([&](int64_t i) { return int64_t(p[i] != 0); });
  }
  return false;
}

/// Stores `v` at element `i` of `out`, which has the float dtype `want`.
static void storeFloat(Tensor &out, int64_t i, double v) {
  char *p = out.bytes.data();
  if (out.dtype == DType::F64) {
    std::memcpy(p + 8 * i, &v, 8);
    return;
  }
  float f = float(v);
  if (out.dtype == DType::F32) {
    std::memcpy(p + 4 * i, &f, 4);
    return;
  }
  // BF16: round the F32 bits to nearest even; a NaN stays a (quiet) NaN.
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t half = std::isnan(f)
                      ? uint16_t((bits >> 16) | 0x40)
                      : uint16_t((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
  std::memcpy(p + 2 * i, &half, 2);
}

Tensor convertFloat(const Tensor &t, DType want) {
  if (t.dtype == want)
    return t;
  Tensor out(want, t.shape);
  visit(t, [&](int64_t i, auto v) {
    storeFloat(out, i, double(v));
    return true;
  });
  return out;
}

Expected<Tensor> convertForInput(const Tensor &data, StringRef path, DType want,
                                 ArrayRef<int64_t> sampleShape) {
  std::optional<int64_t> bytes =
      checkedByteSize(data.shape, dtypeSize(data.dtype));
  if (!bytes || uint64_t(*bytes) != data.bytes.size())
    return fileError(path,
                     formatv("malformed {0} tensor of shape {1}",
                             dtypeName(data.dtype), formatShape(data.shape)));
  if (data.shape.empty())
    return fileError(path, "the data is a scalar: it has no sample "
                           "dimension");
  ArrayRef<int64_t> sample = ArrayRef(data.shape).drop_front();
  std::optional<int64_t> have = checkedByteSize(sample, 1);
  std::optional<int64_t> need = checkedByteSize(sampleShape, 1);
  if (!need || *have != *need)
    return fileError(path,
                     formatv("a sample of shape {0} ({1} elements) "
                             "does not fit the input's shape {2} ({3} "
                             "elements)",
                             formatShape(sample), *have,
                             formatShape(sampleShape), need ? *need : -1));

  if (isFloat(data.dtype)) {
    int64_t bad = -1;
    double badValue = 0;
    visit(data, [&](int64_t i, auto v) {
      if constexpr (std::is_floating_point_v<decltype(v)>)
        if (!std::isfinite(v)) {
          bad = i, badValue = v;
          return false;
        }
      return true;
    });
    if (bad >= 0)
      return fileError(path,
                       formatv("{0} in the data at flat index {1}",
                               std::isnan(badValue) ? "NaN" : "Inf", bad));
  }

  std::vector<int64_t> shape{data.shape[0]};
  shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
  Tensor out(want, std::move(shape));
  if (data.dtype == want) {
    out.bytes = data.bytes;
    return out;
  }

  if (isFloat(want)) {
    bool scale = data.dtype == DType::U8;
    int64_t bad = -1;
    visit(data, [&](int64_t i, auto v) {
      double d = double(v);
      if (scale)
        d /= 255.0;
      if (want != DType::F64 && std::fabs(d) > FLT_MAX) {
        bad = i;
        return false;
      }
      storeFloat(out, i, d);
      return true;
    });
    if (bad >= 0)
      return fileError(path, formatv("the value at flat index {0} is out of "
                                     "the {1} range",
                                     bad, dtypeName(want)));
    return out;
  }

  if (want == DType::Bool)
    return fileError(path, formatv("{0} data cannot be bound to a {1} input",
                                   dtypeName(data.dtype), dtypeName(want)));

  int64_t lo = want == DType::U8    ? 0
               : want == DType::I32 ? INT32_MIN
                                    : INT64_MIN;
  int64_t hi = want == DType::U8    ? 255
               : want == DType::I32 ? INT32_MAX
                                    : INT64_MAX;
  size_t size = dtypeSize(want);

  // Float to integer: only whole numbers in range, as a CSV column of class
  // labels reads when other columns of the file hold reals (1.0, 2.0).
  if (isFloat(data.dtype)) {
    int64_t bad = -1;
    double badValue = 0;
    visit(data, [&](int64_t i, auto v) {
      if constexpr (std::is_floating_point_v<decltype(v)>) {
        // hi + 1 is a power of two, exact as a double (INT64_MAX is not).
        if (v != std::trunc(v) || !(v >= double(lo) && v < double(hi) + 1.0)) {
          bad = i, badValue = v;
          return false;
        }
        int64_t k = int64_t(v);
        std::memcpy(out.bytes.data() + i * size, &k, size);
      }
      return true;
    });
    if (bad >= 0)
      return fileError(path,
                       formatv("{0} data bound to a {1} input must hold whole "
                               "numbers that fit; value {2} at flat index {3} "
                               "does not",
                               dtypeName(data.dtype), dtypeName(want),
                               format("%.10g", badValue), bad));
    return out;
  }

  // Integer to integer, where every value fits.
  int64_t bad = -1, badValue = 0;
  visit(data, [&](int64_t i, auto v) {
    if constexpr (std::is_integral_v<decltype(v)>) {
      if (v < lo || v > hi) {
        bad = i, badValue = v;
        return false;
      }
      // Little-endian host: the low bytes of an int64 are the narrow value.
      std::memcpy(out.bytes.data() + i * size, &v, size);
    }
    return true;
  });
  if (bad >= 0)
    return fileError(path, formatv("value {0} at flat index {1} does not fit "
                                   "the input's type {2}",
                                   badValue, bad, dtypeName(want)));
  return out;
}

} // namespace deepc
