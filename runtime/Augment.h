//===- Augment.h - Random augmentation of image batches ---------*- C++ -*-===//
//
// `deepc train --augment flip,crop=4,noise=0.05` perturbs each training
// batch of image inputs (F32 inputs whose samples are [..., H, W], e.g.
// [C, H, W]) as torchvision's RandomHorizontalFlip, RandomCrop(padding=k,
// fill 0) and additive Gaussian noise would, in that order. Every choice is
// drawn from Philox keyed by (seed, epoch, sample index in the file), so a
// run is repeatable and `--resume` continues with the same perturbations.
// Validation data is never augmented.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_AUGMENT_H
#define DEEPC_RUNTIME_AUGMENT_H

#include "runtime/Tensor.h"

#include "llvm/Support/Error.h"

namespace deepc {

struct Augmentation {
  bool flip = false;  ///< mirror left-right with probability 1/2
  int64_t crop = 0;   ///< pad by `crop` zeros, then crop back at random
  double noise = 0.0; ///< standard deviation of added Gaussian noise

  bool any() const { return flip || crop > 0 || noise > 0; }
};

/// Parses `flip,crop=4,noise=0.05` (any subset, any order; empty: none).
/// Errors say what is wrong with which item.
llvm::Expected<Augmentation> parseAugmentation(llvm::StringRef spec);

/// Whether an input of element type `dtype` whose samples have shape
/// `sampleShape` is an image that augmentation applies to.
bool isImageInput(DType dtype, llvm::ArrayRef<int64_t> sampleShape);

/// Augments `batch` (F32, [B, ..., H, W]) in place; row b is sample
/// `sampleIds[b]` of the data set.
void augmentBatch(Tensor &batch, const Augmentation &aug, uint64_t seed,
                  int64_t epoch, llvm::ArrayRef<int64_t> sampleIds);

} // namespace deepc

#endif // DEEPC_RUNTIME_AUGMENT_H
