//===- Tensor.cpp - Host tensors ------------------------------------------===//
#include "runtime/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

namespace deepc {

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::BF16:
    return 2;
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  llvm_unreachable("unknown dtype");
}

llvm::StringRef dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "F32";
  case DType::F64:
    return "F64";
  case DType::BF16:
    return "BF16";
  case DType::I32:
    return "I32";
  case DType::I64:
    return "I64";
  case DType::U8:
    return "U8";
  case DType::Bool:
    return "BOOL";
  }
  llvm_unreachable("unknown dtype");
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  bytes.resize(static_cast<size_t>(numel()) * dtypeSize(dtype));
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::optional<int64_t> checkedByteSize(llvm::ArrayRef<int64_t> shape,
                                       size_t eltSize) {
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; }))
    return std::nullopt;
  // A zero dimension makes the tensor empty whatever the others are; testing
  // for it first keeps the answer independent of the order of the dimensions
  // and of the element size (which an IDX file widens on conversion).
  if (llvm::is_contained(shape, 0))
    return 0;
  int64_t n = static_cast<int64_t>(eltSize);
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n))
      return std::nullopt;
  return n;
}

std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, ", ");
  return s + "]";
}

llvm::Error fileError(const llvm::Twine &path, const llvm::Twine &msg) {
  return llvm::createStringError(path + ": " + msg);
}

} // namespace deepc
