//===- Plot.h - Training curves as SVG --------------------------*- C++ -*-===//
//
// `deepc train --plot curves.svg`: loss and accuracy per epoch, training and
// (with `--val`) validation, as one self-contained SVG file.
//
//===----------------------------------------------------------------------===//
#ifndef DEEPC_RUNTIME_PLOT_H
#define DEEPC_RUNTIME_PLOT_H

#include "runtime/Metrics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace deepc {

/// The SVG document: two panels side by side, loss per epoch and accuracy
/// per epoch, each with ticked axes, a grid and a legend; a training curve,
/// and a dashed validation curve when the records have validation metrics.
/// Each finite value is one `<circle>` marker (class "train" or "val");
/// lines break at NaN or infinite values. Uses no external resources.
std::string renderCurvesSVG(const std::vector<EpochRecord> &records);

/// Write renderCurvesSVG(records) to `path` with writeFileAtomically, so a
/// reader never sees a partial file. The error names the
/// file.
llvm::Error writeCurvesSVG(llvm::StringRef path,
                           const std::vector<EpochRecord> &records);

} // namespace deepc

#endif // DEEPC_RUNTIME_PLOT_H
