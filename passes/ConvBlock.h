//===- ConvBlock.h - The register block of a direct convolution -*- C++ -*-===//
//
// One rule, used where nn.conv2d is lowered (direct convolution or im2col,
// LowerNNConv.cpp) and where the direct convolution is emitted
// (deepc-vectorize-conv): the block of FB output channels by JB vectors
// along an output row whose FB JB accumulators, JB input vectors and one
// filter broadcast fit the target's vector registers.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_PASSES_CONVBLOCK_H
#define DEEPC_PASSES_CONVBLOCK_H

#include <algorithm>
#include <cstdint>

namespace deepc {

struct ConvBlock {
  int64_t channels = 1; // FB
  int64_t vectors = 1;  // JB
  /// The products that count over the vector FMA slots spent, for one
  /// output row and one (input channel, kernel row, kernel column): each
  /// tile costs max(FB JB FMAs, FB + JB loads), the row's last tile and the
  /// last channel block are narrower, and masked lanes count as spent.
  double efficiency = 0;
};

/// The block of least cost (ConvBlock::efficiency; then the most
/// accumulators) for `f` output channels and rows of `ow` outputs, in
/// vectors of `lanes` with `registers` vector registers.
inline ConvBlock chooseConvBlock(int64_t f, int64_t ow, int64_t lanes,
                                 int64_t registers) {
  auto tileCost = [](int64_t fb, int64_t jb) {
    return std::max(fb * jb, fb + jb);
  };
  ConvBlock best;
  int64_t bestCost = 0;
  int64_t maxVectors = (ow + lanes - 1) / lanes;
  for (int64_t jb = 1; jb <= maxVectors; ++jb) {
    int64_t fb = std::min(f, (registers - jb - 1) / jb);
    if (fb < 1)
      break;
    int64_t step = jb * lanes, rest = ow % step;
    int64_t restVectors = (rest + lanes - 1) / lanes;
    int64_t cost = 0;
    for (int64_t k : {f / fb * fb, f % fb}) {
      int64_t blockFb = k == f % fb ? k : fb, blocks = k == f % fb ? 1 : k / fb;
      if (k == 0)
        continue;
      cost += blocks * (ow / step * tileCost(blockFb, jb) +
                        (restVectors ? tileCost(blockFb, restVectors) : 0));
    }
    if (best.efficiency == 0 || cost < bestCost ||
        (cost == bestCost && fb * jb > best.channels * best.vectors)) {
      best = {fb, jb, double(f * ow) / double(lanes) / double(cost)};
      bestCost = cost;
    }
  }
  return best;
}

/// The block of a convolution's weight gradient taken directly: for one
/// (batch element, input channel, kernel row), FB output channels' adjoint
/// rows times the KW shifted input rows, FB KW accumulators with KW input
/// vectors and one adjoint vector beside them. `efficiency` as above: the
/// lanes of the row that count, times FB KW FMAs over max(FB KW, FB + KW).
/// No block (channels 0) when not even FB = 1 fits.
inline ConvBlock chooseConvGradWeightBlock(int64_t f, int64_t kw, int64_t ow,
                                           int64_t lanes, int64_t registers) {
  ConvBlock block;
  int64_t fb = std::min(f, (registers - kw - 1) / kw);
  if (fb < 1) {
    block.channels = 0;
    return block;
  }
  int64_t rowLanes = (ow + lanes - 1) / lanes * lanes;
  block.channels = fb;
  block.vectors = kw;
  block.efficiency = double(ow) / double(rowLanes) * double(fb * kw) /
                     double(std::max(fb * kw, fb + kw));
  return block;
}

/// The block of a convolution vectorized along its output channels (the
/// channels-last kernel of deepc-vectorize-conv): P output pixels of a row
/// by FV vectors of channels, P FV accumulators, FV filter vectors and one
/// broadcast input element. `channels` holds FV, `vectors` P (pixels);
/// `efficiency` as above, each tile costing max(P FV FMAs, P + FV loads),
/// the row's last pixels and the last channel vector (masked lanes) counted
/// as spent.
inline ConvBlock chooseChannelConvBlock(int64_t f, int64_t ow, int64_t lanes,
                                        int64_t registers) {
  auto tileCost = [](int64_t p, int64_t fv) {
    return std::max(p * fv, p + fv);
  };
  ConvBlock best;
  int64_t bestCost = 0;
  int64_t maxVectors = (f + lanes - 1) / lanes;
  for (int64_t fv = 1; fv <= maxVectors; ++fv) {
    int64_t p = std::min(ow, (registers - fv - 1) / fv);
    if (p < 1)
      break;
    int64_t restChannels = f % (fv * lanes);
    int64_t restVectors = (restChannels + lanes - 1) / lanes;
    int64_t restPixels = ow % p;
    auto rowCost = [&](int64_t v) {
      return ow / p * tileCost(p, v) +
             (restPixels ? tileCost(restPixels, v) : 0);
    };
    int64_t cost = f / (fv * lanes) * rowCost(fv);
    if (restVectors)
      cost += rowCost(restVectors);
    if (best.efficiency == 0 || cost < bestCost ||
        (cost == bestCost && p * fv > best.channels * best.vectors)) {
      best = {fv, p, double(f * ow) / double(lanes) / double(cost)};
      bestCost = cost;
    }
  }
  return best;
}

/// The share of a channels-last convolution's time left for its products
/// once its output (for the weight gradient: the adjoint) is transposed
/// between NCHW and channels-last, for `taps` = C KH KW products per
/// element: that pass costs about as much as 20 products an element. On a
/// Zen 1 at batch 64, 1 -> 32 channels 3x3 on 28x28 (9 taps) took 4.1 ms
/// channels-last against 3.0 with the row kernel, whose block the model
/// puts at 0.875 against 1.0.
inline double channelsLastShare(int64_t taps) {
  return double(taps) / double(taps + 20);
}

} // namespace deepc

#endif // DEEPC_PASSES_CONVBLOCK_H
