//===- DataIO.h - Reading and writing data files ----------------*- C++ -*-===//
//
// Loaders for the data formats a `--data name=FILE` binding accepts (SPEC
// section 3): IDX (MNIST, plain or gzip'd), NumPy .npy and CSV, plus a .npy
// writer. Every error is an llvm::StringError whose message starts with the
// file path. The readers validate declared sizes against the bytes actually
// present before allocating, so no input makes them crash, over-allocate or
// hang.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_DATAIO_H
#define DEEPC_RUNTIME_DATAIO_H

#include "runtime/Tensor.h"

#include "llvm/Support/Error.h"

namespace deepc {

/// Loads an IDX file (big-endian on disk; gzip'd when `path` ends in ".gz").
/// Element types: 0x08 u8 -> U8; 0x09 i8, 0x0B i16, 0x0C i32 -> I32 (the
/// narrow ones widened); 0x0D f32 -> F32; 0x0E f64 -> F64.
llvm::Expected<Tensor> loadIDX(llvm::StringRef path);

/// Loads a C-order little-endian .npy file (format versions 1, 2 and 3).
/// Descriptors: <f4 -> F32, <f8 -> F64, <i4 -> I32, <i8 -> I64, |u1 -> U8,
/// |b1 -> Bool, |i1 and <i2 -> I32 (widened). Big-endian data and
/// fortran_order=True are rejected.
llvm::Expected<Tensor> loadNPY(llvm::StringRef path);

/// Loads a CSV file of numbers: comma-separated, every row the same length,
/// blank lines ignored, and a header row skipped when the first row is not
/// all numeric. The result has shape [rows, cols]; it is I64 when every value
/// is an integer and F32 when any value has a fraction or an exponent.
llvm::Expected<Tensor> loadCSV(llvm::StringRef path);

/// Loads `path` by its name: ".npy" -> loadNPY, ".csv" -> loadCSV, and
/// ".gz", ".idx*" or "*-ubyte" -> loadIDX; any other name is an error that
/// lists the supported formats.
llvm::Expected<Tensor> loadData(llvm::StringRef path);

/// Writes `t` as a version 1.0 .npy file (F32, F64, I32, I64, U8 or Bool)
/// with writeFileAtomically (runtime/AtomicFile.h), so `path` holds either
/// its old contents or the complete new file.
llvm::Error saveNPY(llvm::StringRef path, const Tensor &t);

} // namespace deepc

#endif // DEEPC_RUNTIME_DATAIO_H
