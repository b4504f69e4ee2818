//===- Init.cpp - Seeded parameter initialisation -------------------------===//
//
// Philox4x32-10 written from the published round function: each round
// multiplies two counter words by fixed constants and mixes the high and low
// halves of the products with the other words and the key; the key is bumped
// by two Weyl constants between rounds.
//
//===----------------------------------------------------------------------===//
#include "runtime/Init.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace llvm;

namespace deepc {

std::array<uint32_t, 4> Philox::block(std::array<uint32_t, 4> ctr,
                                      std::array<uint32_t, 2> key) {
  constexpr uint32_t mul0 = 0xD2511F53, mul1 = 0xCD9E8D57;
  constexpr uint32_t weyl0 = 0x9E3779B9, weyl1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += weyl0;
      key[1] += weyl1;
    }
    uint64_t p0 = uint64_t(mul0) * ctr[0];
    uint64_t p1 = uint64_t(mul1) * ctr[2];
    ctr = {uint32_t(p1 >> 32) ^ ctr[1] ^ key[0], uint32_t(p1),
           uint32_t(p0 >> 32) ^ ctr[3] ^ key[1], uint32_t(p0)};
  }
  return ctr;
}

std::array<uint32_t, 4> Philox::words(uint64_t index) const {
  return block({uint32_t(index), uint32_t(index >> 32), uint32_t(stream),
                uint32_t(stream >> 32)},
               {uint32_t(seed), uint32_t(seed >> 32)});
}

/// A double in (0, 1) from the top 53 bits of `hi:lo`, never 0 or 1, so
/// that Box-Muller can take its logarithm.
static double toUnit(uint32_t hi, uint32_t lo) {
  uint64_t bits = ((uint64_t(hi) << 32) | lo) >> 11;
  return (double(bits) + 0.5) * 0x1p-53;
}

double Philox::uniform(uint64_t index) const {
  std::array<uint32_t, 4> w = words(index);
  return toUnit(w[0], w[1]);
}

double Philox::normal(uint64_t index) const {
  std::array<uint32_t, 4> w = words(index);
  double u1 = toUnit(w[0], w[1]), u2 = toUnit(w[2], w[3]);
  return std::sqrt(-2.0 * std::log(u1)) *
         std::cos(2.0 * llvm::numbers::pi * u2);
}

Error verifyInit(StringRef kind, ArrayRef<double> args) {
  int arity = StringSwitch<int>(kind)
                  .Cases({"zeros", "ones", "glorot_uniform", "he_normal"}, 0)
                  .Cases({"normal", "uniform"}, 2)
                  .Default(-1);
  if (arity < 0)
    return createStringError("unknown initialiser '" + kind +
                             "' (known: zeros ones normal uniform "
                             "glorot_uniform he_normal)");
  if (args.size() != size_t(arity) && !(arity == 2 && args.empty()))
    return createStringError("initialiser '" + kind + "' takes " +
                             (arity ? "0 or 2" : "no") + " arguments, got " +
                             Twine(args.size()));
  if (kind == "normal" && !args.empty() && !(args[1] >= 0))
    return createStringError("normal(mean, std) needs std >= 0");
  if (kind == "uniform" && !args.empty() && !(args[0] <= args[1]))
    return createStringError("uniform(lo, hi) needs lo <= hi");
  return Error::success();
}

void initParam(Tensor &t, StringRef kind, ArrayRef<double> args, uint64_t seed,
               uint64_t streamId) {
  if (Error e = verifyInit(kind, args))
    report_fatal_error(std::move(e));
  std::optional<int64_t> size = checkedByteSize(t.shape, sizeof(float));
  if (t.dtype != DType::F32 || !size || uint64_t(*size) != t.bytes.size())
    report_fatal_error("initParam needs a well-formed F32 tensor");

  int64_t n = t.numel();
  int64_t fanIn = 1, fanOut = 1;
  if (t.shape.size() == 1) {
    fanIn = fanOut = t.shape[0];
  } else if (t.shape.size() >= 2) {
    int64_t receptive = 1;
    for (int64_t d : ArrayRef(t.shape).drop_front(2))
      receptive *= d;
    fanIn = t.shape[1] * receptive;
    fanOut = t.shape[0] * receptive;
  }

  float *out = t.data<float>();
  Philox rng(seed, streamId);
  auto fillUniform = [&](double lo, double hi) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = float(lo + (hi - lo) * rng.uniform(i));
  };
  auto fillNormal = [&](double mean, double std) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = float(mean + std * rng.normal(i));
  };
  if (n == 0)
    return;
  if (kind == "zeros" || kind == "ones") {
    std::fill(out, out + n, kind == "ones" ? 1.0f : 0.0f);
  } else if (kind == "uniform") {
    fillUniform(args.empty() ? 0.0 : args[0], args.empty() ? 1.0 : args[1]);
  } else if (kind == "normal") {
    fillNormal(args.empty() ? 0.0 : args[0], args.empty() ? 1.0 : args[1]);
  } else if (kind == "glorot_uniform") {
    double bound = std::sqrt(6.0 / double(fanIn + fanOut));
    fillUniform(-bound, bound);
  } else {
    fillNormal(0.0, std::sqrt(2.0 / double(fanIn)));
  }
}

} // namespace deepc
