//===- Ops.h - Pieces shared by the op table's entries ----------*- C++ -*-===//
//
// Internal to the importer: helpers of OpTable.cpp and OpLayers.cpp, and the
// entries that OpLayers.cpp defines (layers with parameters).
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_IMPORTER_OPS_H
#define DEEPC_IMPORTER_OPS_H

#include "importer/Emitter.h"

namespace deepc::importer {

using Node = onnx::NodeProto;

/// Binds `var` to the value of an llvm::Expected, or returns its error.
#define TRY(var, expr)                                                         \
  auto var##OrErr = (expr);                                                    \
  if (!var##OrErr)                                                             \
    return var##OrErr.takeError();                                             \
  auto &var = *var##OrErr;

/// Input `k` of the current node; an error when it is missing.
llvm::Expected<Value *> tensorInput(Emitter &e, unsigned k);
/// "1, 2, 3".
std::string joinInts(llvm::ArrayRef<int64_t> v);
/// "3" for a square pair, "(3, 5)" otherwise.
std::string pair(int64_t h, int64_t w);
/// Makes a negative axis positive; false when out of [0, rank).
bool normalizeAxis(int64_t &axis, size_t rank);
/// The product of two dimensions, kUnknown unless both are static.
int64_t mulDims(int64_t a, int64_t b);
/// Whether two shapes broadcast (NumPy's rule; N only with N or 1).
bool broadcasts(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
/// NumPy broadcasting of two shapes.
std::vector<int64_t> broadcast(llvm::ArrayRef<int64_t> a,
                               llvm::ArrayRef<int64_t> b);

/// `x` (NCHW) padded with zeros, `pads` = [top, left, bottom, right]: the
/// language has no pad, so each padded axis is one statement concatenating
/// zero slices of `x` (`x[:, :, 0:t, :] * 0`) around it. Exact for finite
/// inputs. Updates `x` to the padded value; a pad larger than its dimension
/// is an error.
llvm::Error zeroPad(Emitter &e, Value &x, llvm::ArrayRef<int64_t> pads);

// Layers (OpLayers.cpp).
/// PyTorch's LayerNorm as opset 13 exports it, from its first ReduceMean:
/// `mean -> Sub -> Pow 2 -> mean -> Add eps -> Sqrt -> Div -> Mul w -> Add b`
/// over the last axis, one `layernorm` named after `w`. False (nothing
/// emitted) if `mean1` does not start that chain.
bool layerNormChain(Emitter &e, const Node &mean1, Value *x);
llvm::Error conv(Emitter &e, const Node &n, Attrs &a);
llvm::Error batchNorm(Emitter &e, const Node &n, Attrs &a);
llvm::Error layerNorm(Emitter &e, const Node &n, Attrs &a);
llvm::Error pool(Emitter &e, const Node &n, Attrs &a);
llvm::Error globalAvgPool(Emitter &e, const Node &n, Attrs &a);
llvm::Error gemm(Emitter &e, const Node &n, Attrs &a);
llvm::Error matmul(Emitter &e, const Node &n, Attrs &a);

} // namespace deepc::importer

#endif // DEEPC_IMPORTER_OPS_H
