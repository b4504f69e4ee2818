//===- Convert.h - Fitting loaded data to a model input ---------*- C++ -*-===//
//
// The rules of SPEC section 3 for binding a data file to an input: dim 0 is
// the sample, a sample is reshaped to the input's shape when the element
// counts match, and the element type is converted where that is safe.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_CONVERT_H
#define DEEPC_RUNTIME_CONVERT_H

#include "runtime/Tensor.h"

#include "llvm/Support/Error.h"

namespace deepc {

/// Fits `data`, loaded from `path`, to an input of element type `want` whose
/// non-batch shape is `sampleShape`. The result has shape [N, sampleShape...]
/// where N = data.shape[0]; a sample of data.shape[1:] must have as many
/// elements as `sampleShape`. Conversions:
///  - to F32, F64 or BF16: U8 data is scaled to [0, 1] (divided by 255),
///    other numbers are converted (F64 values beyond the F32 range are an
///    error; BF16 rounds to nearest even);
///  - to I32, I64 or U8: integer and Bool data is converted when every value
///    fits, float data when every value is also a whole number (a CSV label
///    column reads as 0.0, 1.0, ... beside real features); else the first
///    value that does not and its index are named;
///  - to Bool: only Bool data.
/// NaN or Inf anywhere in float data is an error naming its flat index.
/// Every error message starts with `path`.
llvm::Expected<Tensor> convertForInput(const Tensor &data, llvm::StringRef path,
                                       DType want,
                                       llvm::ArrayRef<int64_t> sampleShape);

/// `t`, a float tensor (F32, F64, BF16), with float dtype `want`: widening
/// is exact, narrowing rounds to nearest even (as torch's `.to(dtype)`).
Tensor convertFloat(const Tensor &t, DType want);

} // namespace deepc

#endif // DEEPC_RUNTIME_CONVERT_H
