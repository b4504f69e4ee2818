//===- Plot.cpp - Training curves as SVG ----------------------------------===//
//
// A small, fixed layout: two 480x360 panels, each a title, a legend row
// under it, and a plot area with a y axis on the left, an epoch axis below
// and grid lines at the y ticks.
//
//===----------------------------------------------------------------------===//
#include "runtime/Plot.h"
#include "runtime/AtomicFile.h"

#include "fmt/format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>

namespace deepc {

namespace {

constexpr double panelWidth = 480, panelHeight = 360;
constexpr double marginLeft = 64, marginRight = 20, marginTop = 52,
                 marginBottom = 48;
constexpr double titleY = 20, legendY = 40;
constexpr double plotWidth = panelWidth - marginLeft - marginRight;
constexpr double plotHeight = panelHeight - marginTop - marginBottom;
constexpr const char *trainColor = "#1f77b4";
constexpr const char *valColor = "#ff7f0e";

/// An axis: the value range it shows and the spacing of its ticks.
struct Axis {
  double lo, hi, step;

  /// The multiples of step from lo to hi.
  std::vector<double> ticks() const {
    std::vector<double> t;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9;
         v += step)
      t.push_back(v + 0.0); // No "-0" label.
    return t;
  }
  /// Digits after the point that tell the ticks apart.
  int decimals() const {
    return std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  }
};

/// One curve of a panel.
struct Series {
  const char *name, *cssClass, *color;
  bool dashed;
  std::vector<std::pair<double, double>> points; // (epoch, value)
};

/// A 1, 2 or 5 times a power of ten near span / 5, so about five ticks.
static double niceStep(double span) {
  double raw = span / 5;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double norm = raw / mag;
  double f = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
  return f * mag;
}

/// A value axis over [lo, hi] widened to whole ticks; an empty or
/// single-value range is widened first.
static Axis valueAxis(double lo, double hi) {
  if (!(lo <= hi)) { // No finite values at all.
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-12) {
    double pad = std::max(std::fabs(lo) * 0.1, 0.05);
    lo -= pad;
    hi += pad;
  }
  double step = niceStep(hi - lo);
  return {std::floor(lo / step + 1e-9) * step,
          std::ceil(hi / step - 1e-9) * step, step};
}

/// The epoch axis: the epochs plotted with a little room on each side, so
/// no marker sits on the y axis, ticked at whole numbers.
static Axis epochAxis(double first, double last) {
  if (!(first <= last)) {
    first = 1;
    last = 1;
  }
  double pad = first == last ? 0.5 : 0.03 * (last - first);
  double step = std::max(1.0, std::round(niceStep(last - first + 2 * pad)));
  return {first - pad, last + pad, step};
}

/// The SVG of one panel at x offset `left`.
static void renderPanel(fmt::memory_buffer &out, double left,
                        llvm::StringRef title, llvm::StringRef yLabel,
                        const std::vector<Series> &series) {
  auto it = std::back_inserter(out);
  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin;
  double ymin = xmin, ymax = -xmin;
  for (const Series &s : series)
    for (auto [x, y] : s.points) {
      xmin = std::min(xmin, x);
      xmax = std::max(xmax, x);
      if (std::isfinite(y)) {
        ymin = std::min(ymin, y);
        ymax = std::max(ymax, y);
      }
    }
  Axis xa = epochAxis(xmin, xmax);
  Axis ya = valueAxis(ymin, ymax);
  auto px = [&](double x) {
    return marginLeft + (x - xa.lo) / (xa.hi - xa.lo) * plotWidth;
  };
  auto py = [&](double y) {
    return marginTop + (ya.hi - y) / (ya.hi - ya.lo) * plotHeight;
  };
  double bottom = marginTop + plotHeight, right = marginLeft + plotWidth;

  fmt::format_to(it, "<g transform=\"translate({:.0f},0)\">\n", left);
  fmt::format_to(it,
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" "
                 "font-size=\"15\" font-weight=\"bold\">{}</text>\n",
                 marginLeft + plotWidth / 2, titleY, std::string_view(title));
  // Grid and y ticks.
  for (double t : ya.ticks()) {
    fmt::format_to(it,
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" "
                   "y2=\"{:.1f}\" stroke=\"#e0e0e0\"/>\n",
                   marginLeft, py(t), right, py(t));
    fmt::format_to(it,
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">"
                   "{:.{}f}</text>\n",
                   marginLeft - 6, py(t) + 4, t, ya.decimals());
  }
  // x ticks.
  for (double t : xa.ticks()) {
    fmt::format_to(it,
                   "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" "
                   "y2=\"{2:.1f}\" stroke=\"#333\"/>\n",
                   px(t), bottom, bottom + 5);
    fmt::format_to(it,
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">"
                   "{:.0f}</text>\n",
                   px(t), bottom + 18, t);
  }
  // Axes and their labels.
  fmt::format_to(it,
                 "<path d=\"M{0:.1f},{1:.1f} V{2:.1f} H{3:.1f}\" fill=\"none\" "
                 "stroke=\"#333\"/>\n",
                 marginLeft, marginTop, bottom, right);
  fmt::format_to(it,
                 "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">"
                 "epoch</text>\n",
                 marginLeft + plotWidth / 2, bottom + 38);
  fmt::format_to(it,
                 "<text transform=\"translate(16,{:.1f}) rotate(-90)\" "
                 "text-anchor=\"middle\">{}</text>\n",
                 marginTop + plotHeight / 2, std::string_view(yLabel));

  // Curves: a polyline per run of finite values, a marker per value.
  for (const Series &s : series) {
    const char *dash = s.dashed ? " stroke-dasharray=\"6,4\"" : "";
    std::string run;
    auto flush = [&] {
      if (run.empty())
        return;
      fmt::format_to(it,
                     "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" "
                     "stroke-width=\"2\"{}/>\n",
                     run, s.color, dash);
      run.clear();
    };
    for (auto [x, y] : s.points) {
      if (!std::isfinite(y)) {
        flush();
        continue;
      }
      run +=
          fmt::format("{}{:.1f},{:.1f}", run.empty() ? "" : " ", px(x), py(y));
    }
    flush();
    for (auto [x, y] : s.points)
      if (std::isfinite(y))
        fmt::format_to(it,
                       "<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" "
                       "r=\"3\" fill=\"{}\"/>\n",
                       s.cssClass, px(x), py(y), s.color);
  }

  // Legend: a row of entries right-aligned between the title and the plot,
  // where it can never hide a curve.
  double lx = right;
  for (size_t i = series.size(); i-- > 0;) {
    lx -= 40 + 7.0 * std::strlen(series[i].name);
    fmt::format_to(it,
                   "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" "
                   "y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n",
                   lx, legendY - 4, lx + 24, legendY - 4, series[i].color,
                   series[i].dashed ? " stroke-dasharray=\"6,4\"" : "");
    fmt::format_to(it, "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", lx + 30,
                   legendY, series[i].name);
  }
  fmt::format_to(it, "</g>\n");
}

} // namespace

std::string renderCurvesSVG(const std::vector<EpochRecord> &records) {
  bool hasVal =
      llvm::any_of(records, [](const EpochRecord &r) { return !!r.val; });
  // A loss without class labels (a regression) has no accuracy to draw.
  bool scored =
      records.empty() || llvm::any_of(records, [](const EpochRecord &r) {
        return r.train.scored;
      });
  auto collect = [&](const char *name, const char *cls, const char *color,
                     bool val, double SplitMetrics::*field) {
    Series s{name, cls, color, val, {}};
    for (const EpochRecord &r : records) {
      if (val && !r.val)
        continue;
      const SplitMetrics &m = val ? *r.val : r.train;
      s.points.emplace_back(static_cast<double>(r.epoch), m.*field);
    }
    return s;
  };
  auto curves = [&](double SplitMetrics::*field) {
    std::vector<Series> s{collect("train", "train", trainColor, false, field)};
    if (hasVal)
      s.push_back(collect("validation", "val", valColor, true, field));
    return s;
  };

  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" "
                 "height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
                 "font-family=\"sans-serif\" font-size=\"12\" fill=\"#222\">\n"
                 "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n",
                 (scored ? 2 : 1) * panelWidth, panelHeight);
  renderPanel(out, 0, "Loss", "loss", curves(&SplitMetrics::loss));
  if (scored)
    renderPanel(out, panelWidth, "Accuracy", "accuracy",
                curves(&SplitMetrics::accuracy));
  fmt::format_to(it, "</svg>\n");
  return fmt::to_string(out);
}

llvm::Error writeCurvesSVG(llvm::StringRef path,
                           const std::vector<EpochRecord> &records) {
  std::string svg = renderCurvesSVG(records);
  llvm::Error err = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
    os << svg;
    return llvm::Error::success();
  });
  if (err)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "%s: cannot write plot: %s",
        path.str().c_str(), llvm::toString(std::move(err)).c_str());
  return llvm::Error::success();
}

} // namespace deepc
