//===- Bytes.h - The storage of a host tensor -------------------*- C++ -*-===//
//
// A contiguous byte buffer with the part of std::vector<char>'s interface
// the driver uses, which can also take over a buffer that compiled code
// allocated: JITModule::call then hands a step's results to the driver
// without copying them (the parameters and optimizer state of a model, each
// step). Bytes it allocates itself are zero-filled on growth, as a vector's.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_BYTES_H
#define DEEPC_RUNTIME_BYTES_H

#include "llvm/Support/MemAlloc.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace deepc {

class Bytes {
public:
  /// Frees what `adopt` was given.
  using Release = void (*)(void *owner);

  Bytes() = default;
  explicit Bytes(size_t size) { resize(size); }
  Bytes(const Bytes &other) { assign(other.begin(), other.end()); }
  Bytes(Bytes &&other) noexcept { take(other); }
  Bytes &operator=(const Bytes &other) {
    if (this != &other)
      assign(other.begin(), other.end());
    return *this;
  }
  Bytes &operator=(Bytes &&other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  ~Bytes() { reset(); }

  /// The `size` bytes at `data`, which live in the allocation `owner` and
  /// are freed with `release(owner)` when these Bytes no longer need them.
  static Bytes adopt(char *data, size_t size, void *owner, Release release) {
    Bytes b;
    b.ptr = data;
    b.len = b.cap = size;
    b.owner = owner;
    b.release = release;
    return b;
  }

  char *data() { return ptr; }
  const char *data() const { return ptr; }
  size_t size() const { return len; }
  bool empty() const { return len == 0; }
  char *begin() { return ptr; }
  char *end() { return ptr + len; }
  const char *begin() const { return ptr; }
  const char *end() const { return ptr + len; }
  char &operator[](size_t i) { return ptr[i]; }
  const char &operator[](size_t i) const { return ptr[i]; }

  /// Keeps the first min(size, this->size()) bytes; new bytes are zero.
  void resize(size_t size) {
    reserve(size);
    if (size > len)
      std::memset(ptr + len, 0, size - len);
    len = size;
  }
  void clear() { len = 0; }

  template <typename It> void assign(It first, It last) {
    size_t n = static_cast<size_t>(std::distance(first, last));
    if (n > cap) {
      // A new buffer, filled before the old one goes, should [first, last)
      // lie in it.
      Bytes fresh;
      fresh.reserve(n);
      std::copy(first, last, fresh.ptr);
      fresh.len = n;
      *this = std::move(fresh);
      return;
    }
    std::copy(first, last, ptr);
    len = n;
  }
  /// [first, last) must not lie in these bytes.
  template <typename It> void append(It first, It last) {
    size_t n = static_cast<size_t>(std::distance(first, last));
    size_t old = len;
    reserve(old + n);
    std::copy(first, last, ptr + old);
    len = old + n;
  }

  friend bool operator==(const Bytes &a, const Bytes &b) {
    return a.len == b.len && (a.len == 0 || !std::memcmp(a.ptr, b.ptr, a.len));
  }
  friend bool operator!=(const Bytes &a, const Bytes &b) { return !(a == b); }

private:
  /// At least `size` bytes of storage, the current ones kept.
  void reserve(size_t size) {
    if (size <= cap)
      return;
    size_t n = size > 2 * cap ? size : 2 * cap; // amortized growth
    auto *fresh = static_cast<char *>(llvm::safe_malloc(n ? n : 1));
    if (len)
      std::memcpy(fresh, ptr, len);
    reset(/*keepLength=*/true);
    ptr = fresh;
    owner = fresh;
    cap = n;
    release = std::free;
  }
  void reset(bool keepLength = false) {
    if (owner)
      release(owner);
    ptr = nullptr;
    owner = nullptr;
    release = nullptr;
    cap = 0;
    if (!keepLength)
      len = 0;
  }
  void take(Bytes &other) {
    ptr = other.ptr;
    len = other.len;
    cap = other.cap;
    owner = other.owner;
    release = other.release;
    other.ptr = nullptr;
    other.owner = nullptr;
    other.release = nullptr;
    other.len = other.cap = 0;
  }

  char *ptr = nullptr;
  size_t len = 0, cap = 0;
  void *owner = nullptr; ///< what `release` frees
  Release release = nullptr;
};

} // namespace deepc

#endif // DEEPC_RUNTIME_BYTES_H
