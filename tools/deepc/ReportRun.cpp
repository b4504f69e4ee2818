//===- ReportRun.cpp - The training part of the --report page -------------===//
//
// Settings, curves (loss and accuracy per epoch, loss per logged step) as
// inline SVG, each point a `<circle>` whose `data-x`/`data-y` are the run
// log's values in the same shortest form, the epochs with their time per
// step, and the confusion matrix of the last evaluation.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/ReportPage.h"

#include "fmt/format.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

namespace deepc::driver {

static std::string esc(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

namespace {
struct Series {
  std::string name; ///< also its CSS class: train, val
  std::vector<std::pair<double, double>> points;
  /// The values are floats (the steps' losses): written in a float's
  /// shortest form, as the run log has them.
  bool floats = false;
};
} // namespace

/// A line chart: one polyline and one circle per finite point of each
/// series, the axes labelled with their ends.
static void writeChart(llvm::raw_ostream &os, llvm::StringRef id,
                       llvm::StringRef title, llvm::StringRef xName,
                       const std::vector<Series> &series) {
  const double w = 440, h = 260, left = 56, right = 12, top = 28, bottom = 36;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const Series &s : series)
    for (auto [x, y] : s.points)
      if (std::isfinite(y)) {
        x0 = std::min(x0, x);
        x1 = std::max(x1, x);
        y0 = std::min(y0, y);
        y1 = std::max(y1, y);
      }
  if (!(x0 <= x1)) {
    x0 = 0;
    x1 = 1;
    y0 = 0;
    y1 = 1;
  }
  if (x1 - x0 < 1e-12)
    x1 = x0 + 1;
  if (y1 - y0 < 1e-12) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  auto px = [&](double x) {
    return left + (x - x0) / (x1 - x0) * (w - left - right);
  };
  auto py = [&](double y) {
    return top + (y1 - y) / (y1 - y0) * (h - top - bottom);
  };
  os << "<figure class=\"chart\" id=\"" << id << "\"><svg width=\"" << w
     << "\" height=\"" << h << "\" role=\"img\"><text class=\"title\" x=\""
     << w / 2 << "\" y=\"16\" text-anchor=\"middle\">" << esc(title)
     << "</text>\n<rect class=\"frame\" x=\"" << left << "\" y=\"" << top
     << "\" width=\"" << w - left - right << "\" height=\"" << h - top - bottom
     << "\"/>\n";
  auto label = [&](double x, double y, const std::string &text,
                   const char *anchor) {
    os << "<text x=\"" << fmt::format("{:.1f}", x) << "\" y=\""
       << fmt::format("{:.1f}", y) << "\" text-anchor=\"" << anchor << "\">"
       << esc(text) << "</text>\n";
  };
  label(left - 4, top + 4, fmt::format("{:.4g}", y1), "end");
  label(left - 4, h - bottom, fmt::format("{:.4g}", y0), "end");
  label(left, h - bottom + 14, fmt::format("{:g}", x0), "start");
  label(w - right, h - bottom + 14, fmt::format("{:g}", x1), "end");
  label((left + w - right) / 2, h - 6, xName.str(), "middle");
  int legend = 0;
  for (const Series &s : series) {
    if (s.points.empty())
      continue;
    os << "<g class=\"series " << s.name << "\" data-series=\"" << s.name
       << "\"><polyline points=\"";
    for (auto [x, y] : s.points)
      if (std::isfinite(y))
        os << fmt::format("{:.1f},{:.1f} ", px(x), py(y));
    os << "\"/>\n";
    for (auto [x, y] : s.points)
      if (std::isfinite(y))
        os << "<circle cx=\"" << fmt::format("{:.1f}", px(x)) << "\" cy=\""
           << fmt::format("{:.1f}", py(y)) << "\" r=\"2.5\" data-x=\""
           << fmt::format("{}", x) << "\" data-y=\""
           << (s.floats ? fmt::format("{}", float(y)) : fmt::format("{}", y))
           << "\"/>\n";
    label(w - right - 4, top + 14 + 14 * legend++, s.name, "end");
    os << "</g>\n";
  }
  os << "</svg></figure>\n";
}

void writeRun(llvm::raw_ostream &os, const RunReport &run) {
  os << "<section id=\"run\" data-epochs=\"" << run.epochs.size()
     << "\"><h2>Training run</h2>\n<table class=\"settings\">";
  for (const auto &[name, value] : run.settings)
    os << "<tr><th>" << esc(name) << "</th><td>" << esc(value)
       << "</td></tr>\n";
  os << "</table>\n<div class=\"charts\">\n";
  bool scored = false, val = false;
  for (const EpochRecord &e : run.epochs) {
    scored |= e.train.scored;
    val |= e.val.has_value();
  }
  Series trainLoss{"train", {}}, valLoss{"val", {}}, trainAcc{"train", {}},
      valAcc{"val", {}};
  for (const EpochRecord &e : run.epochs) {
    trainLoss.points.push_back({double(e.epoch), e.train.loss});
    if (e.train.scored)
      trainAcc.points.push_back({double(e.epoch), e.train.accuracy});
    if (e.val) {
      valLoss.points.push_back({double(e.epoch), e.val->loss});
      if (e.val->scored)
        valAcc.points.push_back({double(e.epoch), e.val->accuracy});
    }
  }
  writeChart(os, "epoch-loss", "loss per epoch", "epoch", {trainLoss, valLoss});
  if (scored)
    writeChart(os, "epoch-accuracy", "accuracy per epoch", "epoch",
               {trainAcc, valAcc});
  Series steps{"train", {}, /*floats=*/true};
  for (auto [step, loss] : run.steps)
    steps.points.push_back({double(step), double(loss)});
  writeChart(os, "step-loss", "loss per logged step", "step", {steps});
  os << "</div>\n<h3>Epochs</h3>\n<table class=\"epochs\"><tr><th>epoch</th>"
        "<th>step</th><th>loss</th>";
  if (scored)
    os << "<th>accuracy</th><th>F1</th>";
  if (val)
    os << "<th>val loss</th>"
       << (scored ? "<th>val accuracy</th>"
                    "<th>val F1</th>"
                  : "");
  os << "<th>seconds</th><th>ms per step</th></tr>\n";
  for (const EpochRecord &e : run.epochs) {
    os << "<tr><td>" << e.epoch << "</td><td>" << e.step << "</td><td>"
       << fmt::format("{:.4f}", e.train.loss) << "</td>";
    if (scored)
      os << "<td>" << fmt::format("{:.4f}", e.train.accuracy) << "</td><td>"
         << fmt::format("{:.4f}", e.train.f1) << "</td>";
    if (val && e.val) {
      os << "<td>" << fmt::format("{:.4f}", e.val->loss) << "</td>";
      if (scored)
        os << "<td>" << fmt::format("{:.4f}", e.val->accuracy) << "</td><td>"
           << fmt::format("{:.4f}", e.val->f1) << "</td>";
    }
    double perStep =
        run.stepsPerEpoch ? e.seconds / double(run.stepsPerEpoch) : 0;
    os << "<td>" << fmt::format("{:.3f}", e.seconds) << "</td><td>"
       << fmt::format("{:.3f}", perStep * 1e3) << "</td></tr>\n";
  }
  os << "</table>\n";
  if (run.confusion) {
    const ConfusionMatrix &m = *run.confusion;
    os << "<h3>Confusion matrix <small>" << esc(run.confusionOf)
       << ", rows true labels, columns predictions</small></h3>\n"
          "<table class=\"confusion\"><tr><th>true\\pred</th>";
    for (int64_t c = 0; c < m.numClasses(); ++c)
      os << "<th>" << c << "</th>";
    os << "</tr>\n";
    for (int64_t t = 0; t < m.numClasses(); ++t) {
      int64_t row = 0;
      for (int64_t p = 0; p < m.numClasses(); ++p)
        row += m.count(t, p);
      os << "<tr><th>" << t << "</th>";
      for (int64_t p = 0; p < m.numClasses(); ++p) {
        int64_t n = m.count(t, p);
        double share = row ? double(n) / double(row) : 0;
        os << "<td class=\"" << (t == p ? "diag" : "off")
           << "\" style=\"--share:" << fmt::format("{:.3f}", share) << "\">"
           << n << "</td>";
      }
      os << "</tr>\n";
    }
    os << "</table>\n";
  }
  os << "</section>\n";
}

} // namespace deepc::driver
