//===- Select.cpp - NumPy-style selection of rows and columns -------------===//
#include "runtime/Select.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace llvm;

namespace deepc {

static Error selectorError(StringRef spec, const Twine &why) {
  return createStringError("bad selection '" + spec + "': " + why);
}

Error parseSelection(StringRef spec, std::string &path,
                     std::vector<SelectEntry> &entries) {
  entries.clear();
  size_t open = spec.rfind('[');
  if (!spec.ends_with("]") || open == StringRef::npos) {
    path = spec.str();
    return Error::success();
  }
  path = spec.take_front(open).str();
  if (path.empty())
    return selectorError(spec, "no file before '['");
  StringRef body = spec.slice(open + 1, spec.size() - 1);
  SmallVector<StringRef, 4> parts;
  body.split(parts, ',');
  for (size_t i = 0; i < parts.size(); ++i) {
    StringRef part = parts[i].trim();
    SelectEntry e;
    SmallVector<StringRef, 3> bounds;
    part.split(bounds, ':');
    if (bounds.size() > 3)
      return selectorError(spec, formatv("entry {0} ('{1}') has more than "
                                         "two ':'",
                                         i + 1, part));
    auto number = [&](StringRef text, std::optional<int64_t> &out) -> Error {
      text = text.trim();
      if (text.empty())
        return Error::success();
      int64_t v;
      if (text.getAsInteger(10, v))
        return selectorError(spec, formatv("entry {0}: '{1}' is not an "
                                           "integer",
                                           i + 1, text));
      out = v;
      return Error::success();
    };
    if (bounds.size() == 1) {
      e.isIndex = true;
      if (Error err = number(bounds[0], e.start))
        return err;
      if (!e.start)
        return selectorError(spec, formatv("entry {0} is empty (use ':' for "
                                           "a whole dimension)",
                                           i + 1));
    } else {
      if (Error err = number(bounds[0], e.start))
        return err;
      if (Error err = number(bounds[1], e.stop))
        return err;
      if (bounds.size() == 3) {
        std::optional<int64_t> step;
        if (Error err = number(bounds[2], step))
          return err;
        if (step && *step <= 0)
          return selectorError(spec, formatv("entry {0}: the step must be "
                                             "positive",
                                             i + 1));
        e.step = step.value_or(1);
      }
    }
    entries.push_back(e);
  }
  return Error::success();
}

Expected<Tensor> applySelection(const Tensor &t, StringRef path,
                                ArrayRef<SelectEntry> entries) {
  size_t rank = t.shape.size();
  if (entries.size() > rank)
    return fileError(path, formatv("the selection has {0} entries but the "
                                   "data has {1} dimensions {2}",
                                   entries.size(), rank, formatShape(t.shape)));
  // Per dimension: first index, count, step; and whether it is kept.
  SmallVector<int64_t, 4> first(rank, 0), step(rank, 1);
  SmallVector<int64_t, 4> count(t.shape.begin(), t.shape.end());
  SmallVector<int64_t, 4> outShape;
  for (size_t d = 0; d < rank; ++d) {
    int64_t size = t.shape[d];
    if (d >= entries.size()) {
      outShape.push_back(size);
      continue;
    }
    const SelectEntry &e = entries[d];
    auto resolve = [&](int64_t v) { return v < 0 ? v + size : v; };
    if (e.isIndex) {
      int64_t k = resolve(*e.start);
      if (k < 0 || k >= size)
        return fileError(path, formatv("index {0} is out of range for "
                                       "dimension {1} of size {2}",
                                       *e.start, d, size));
      first[d] = k;
      count[d] = 1;
      continue;
    }
    // Slices clamp to the dimension as in NumPy.
    int64_t lo = std::clamp<int64_t>(resolve(e.start.value_or(0)), 0, size);
    int64_t hi = std::clamp<int64_t>(resolve(e.stop.value_or(size)), 0, size);
    first[d] = lo;
    step[d] = e.step;
    count[d] = hi > lo ? (hi - lo + e.step - 1) / e.step : 0;
    outShape.push_back(count[d]);
  }

  Tensor out(t.dtype, std::vector<int64_t>(outShape.begin(), outShape.end()));
  size_t elt = dtypeSize(t.dtype);
  // Row-major strides of the source, in elements.
  SmallVector<int64_t, 4> stride(rank, 1);
  for (size_t d = rank; d-- > 1;)
    stride[d - 1] = stride[d] * t.shape[d];
  int64_t total = out.numel();
  if (total == 0)
    return out;
  SmallVector<int64_t, 4> pos(rank, 0);
  char *dst = out.bytes.data();
  for (int64_t n = 0; n < total; ++n) {
    int64_t src = 0;
    for (size_t d = 0; d < rank; ++d)
      src += (first[d] + pos[d] * step[d]) * stride[d];
    std::memcpy(dst + n * elt, t.bytes.data() + src * elt, elt);
    for (size_t d = rank; d-- > 0;) {
      if (++pos[d] < count[d])
        break;
      pos[d] = 0;
    }
  }
  return out;
}

} // namespace deepc
