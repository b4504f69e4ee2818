//===- Tensor.h - Host tensors for the driver and the runtime ---*- C++ -*-===//
//
// A dense, row-major host tensor: what data loaders produce, what
// safetensors files hold, and what the driver hands to compiled code.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_TENSOR_H
#define DEEPC_RUNTIME_TENSOR_H

#include "runtime/Bytes.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace deepc {

/// Element types a host tensor can hold. U8 is what IDX files and image
/// .npy files carry; the driver converts it to what an input declares.
enum class DType { F32, F64, BF16, I32, I64, U8, Bool };

/// Size of one element in bytes.
size_t dtypeSize(DType t);
/// The name used in diagnostics and in safetensors headers ("F32", ...).
llvm::StringRef dtypeName(DType t);

/// A dense row-major tensor that owns its bytes (little-endian).
struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  Bytes bytes;

  Tensor() = default;
  Tensor(DType dtype, std::vector<int64_t> shape);

  /// Number of elements (1 for a scalar of shape []).
  int64_t numel() const;
  template <typename T> T *data() {
    return reinterpret_cast<T *>(bytes.data());
  }
  template <typename T> const T *data() const {
    return reinterpret_cast<const T *>(bytes.data());
  }
};

/// The number of elements of `shape` times `eltSize`, or std::nullopt when a
/// dimension is negative or the product overflows int64. A shape with a zero
/// dimension has 0 bytes, however large its other dimensions. Readers call
/// this on declared shapes before allocating anything.
std::optional<int64_t> checkedByteSize(llvm::ArrayRef<int64_t> shape,
                                       size_t eltSize);

/// "[2, 3]": a shape as diagnostics print it.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// An llvm::StringError whose message is "<path>: <msg>": every error about a
/// file names the file first.
llvm::Error fileError(const llvm::Twine &path, const llvm::Twine &msg);

} // namespace deepc

#endif // DEEPC_RUNTIME_TENSOR_H
