//===- ReportHTML.cpp - The --report page ---------------------------------===//
//
// Plain HTML with inline CSS, SVG and a short script (ReportAssets.cpp): no
// request leaves the file, which its Content-Security-Policy also enforces.
// Every op line of a stage carries its source lines as `data-l`, so the
// links hold without the script; the script adds the highlighting and
// records, on each source line, the stages it reaches (`data-stages`).
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/ReportAssets.h"
#include "tools/deepc/ReportPage.h"

#include "runtime/AtomicFile.h"

#include "fmt/format.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace deepc::driver {

/// `s` with the characters HTML gives a meaning escaped.
static std::string escape(llvm::StringRef s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

/// A number in its shortest round-trip form, as the run log writes it.
static std::string num(double v) {
  return std::isfinite(v) ? fmt::format("{}", v) : "null";
}

namespace {
/// One printed line of a stage and the source locations (line, column) it
/// names.
struct Line {
  llvm::StringRef text;
  std::vector<std::pair<unsigned, unsigned>> locs;
};
} // namespace

using Locs = std::vector<std::pair<unsigned, unsigned>>;

/// The `"file":L:C` locations in `s` from its first ` loc(` on, and the
/// location aliases (`#loc3`) it names there.
static Locs
parseLocs(llvm::StringRef s,
          llvm::SmallVectorImpl<llvm::StringRef> *aliases = nullptr) {
  Locs locs;
  size_t start = s.find(" loc(");
  if (start == llvm::StringRef::npos)
    return locs;
  for (size_t at = s.find("\":", start); at != llvm::StringRef::npos;
       at = s.find("\":", at + 2)) {
    llvm::StringRef rest = s.drop_front(at + 2);
    unsigned line = 0, col = 0;
    if (!rest.consumeInteger(10, line) && rest.consume_front(":") &&
        !rest.consumeInteger(10, col) &&
        !llvm::is_contained(locs, std::make_pair(line, col)))
      locs.push_back({line, col});
  }
  if (aliases)
    for (size_t at = s.find("#loc", start); at != llvm::StringRef::npos;
         at = s.find("#loc", at + 4)) {
      llvm::StringRef rest = s.drop_front(at);
      aliases->push_back(
          rest.take_front(4 + rest.drop_front(4).find_if_not(llvm::isDigit)));
    }
  return locs;
}

/// The location aliases at the end of a printout (`#loc3 = loc(...)`),
/// each resolved to the file locations it names, through other aliases.
static llvm::StringMap<Locs>
resolveAliases(llvm::ArrayRef<llvm::StringRef> lines) {
  llvm::StringMap<std::pair<Locs, llvm::SmallVector<llvm::StringRef>>> raw;
  for (llvm::StringRef l : lines) {
    if (!l.starts_with("#loc"))
      continue;
    llvm::StringRef name = l.take_until([](char c) { return c == ' '; });
    auto &entry = raw[name];
    entry.first = parseLocs(l.drop_front(name.size()), &entry.second);
  }
  llvm::StringMap<Locs> resolved;
  std::function<Locs(llvm::StringRef, int)> resolve = [&](llvm::StringRef name,
                                                          int depth) -> Locs {
    if (auto it = resolved.find(name); it != resolved.end())
      return it->second;
    auto it = raw.find(name);
    if (it == raw.end() || depth > 64)
      return {};
    Locs locs = it->second.first;
    for (llvm::StringRef ref : it->second.second)
      for (auto loc : resolve(ref, depth + 1))
        if (!llvm::is_contained(locs, loc))
          locs.push_back(loc);
    resolved[name] = locs;
    return locs;
  };
  for (auto &entry : raw)
    resolve(entry.getKey(), 0);
  return resolved;
}

/// `s` without its ` loc(...)` parts (the page shows the lines apart).
static std::string stripLocs(llvm::StringRef s) {
  std::string out;
  while (true) {
    size_t at = s.find(" loc(");
    if (at == llvm::StringRef::npos)
      break;
    out += s.take_front(at).str();
    size_t i = at + 5;
    int depth = 1;
    bool quoted = false;
    for (; i < s.size() && depth > 0; ++i) {
      char c = s[i];
      if (quoted) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          quoted = false;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        --depth;
      }
    }
    s = s.drop_front(i);
  }
  return out + s.str();
}

/// The sorted distinct lines of `locs`.
static std::vector<unsigned> linesOf(const Locs &locs) {
  std::set<unsigned> lines;
  for (auto [line, col] : locs)
    lines.insert(line);
  return {lines.begin(), lines.end()};
}

static std::string dataL(const std::vector<unsigned> &lines) {
  std::string s;
  for (unsigned l : lines)
    s += (s.empty() ? "" : " ") + std::to_string(l);
  return s;
}

namespace {
/// A stage split into lines, each with its locations; an op that opens a
/// region (printed before its location, which follows the closing brace)
/// gets the closing line's; a block label has none.
struct AnnotatedStage {
  std::vector<Line> lines;
  /// For each line opening a region, the line that closes it.
  std::vector<size_t> closes;
};

/// A fusion group or tile decision for the page's tables.
struct Decision {
  std::string stage;
  size_t stageLine;
  std::string what;
  std::vector<unsigned> lines;
};
} // namespace

static AnnotatedStage annotateMLIR(llvm::StringRef text) {
  AnnotatedStage a;
  llvm::SmallVector<llvm::StringRef> raw;
  text.split(raw, '\n');
  llvm::StringMap<Locs> aliases = resolveAliases(raw);
  std::vector<size_t> open;
  for (llvm::StringRef l : raw) {
    // The alias definitions are shown in the lines that use them.
    if (l.starts_with("#loc"))
      continue;
    size_t i = a.lines.size();
    llvm::SmallVector<llvm::StringRef> refs;
    llvm::StringRef t = l.trim();
    // A block's label names its arguments' locations, no op's.
    a.lines.push_back({l, t.starts_with("^") ? Locs() : parseLocs(l, &refs)});
    a.closes.push_back(0);
    for (llvm::StringRef ref : refs)
      for (auto loc : aliases.lookup(ref))
        if (!llvm::is_contained(a.lines[i].locs, loc))
          a.lines[i].locs.push_back(loc);
    if (t.starts_with("}") && !open.empty()) {
      size_t o = open.back();
      open.pop_back();
      a.closes[o] = i;
      // The op's own location, rather than its arguments' (a function's).
      if (!a.lines[i].locs.empty())
        a.lines[o].locs = a.lines[i].locs;
    }
    if (t.ends_with("{"))
      open.push_back(i);
  }
  return a;
}

/// Assembly lines: an instruction names the line of the last `.loc` before
/// it in its function (none after `.loc N 0`).
static AnnotatedStage annotateAsm(llvm::StringRef text, uint64_t &ops,
                                  uint64_t &withoutLoc) {
  AnnotatedStage a;
  llvm::SmallVector<llvm::StringRef> raw;
  text.split(raw, '\n');
  a.closes.assign(raw.size(), 0);
  unsigned current = 0;
  for (llvm::StringRef l : raw) {
    Line line{l, {}};
    llvm::StringRef t = l.trim();
    if (t.consume_front(".loc")) {
      unsigned file = 0, number = 0;
      t = t.ltrim();
      current = 0;
      if (!t.consumeInteger(10, file) && !t.ltrim().consumeInteger(10, number))
        current = number;
    } else if (!l.starts_with("\t") && !l.starts_with(" ") &&
               l.ends_with(":")) {
      if (!l.starts_with(".L"))
        current = 0; // A function's label.
    } else if (!t.empty() && !t.starts_with(".") && !t.starts_with("#") &&
               !t.ends_with(":")) {
      ++ops;
      if (current)
        line.locs.push_back({current, 0});
      else
        ++withoutLoc;
    }
    a.lines.push_back(std::move(line));
  }
  return a;
}

/// The step of an `scf.for` line (its step constant is named `%cN`).
static std::optional<int64_t> forStep(llvm::StringRef l) {
  size_t at = l.find(" step %c");
  if (!l.contains("scf.for") || at == llvm::StringRef::npos)
    return std::nullopt;
  llvm::StringRef rest = l.drop_front(at + 8);
  int64_t step = 0;
  if (rest.consumeInteger(10, step))
    return std::nullopt;
  return step;
}

/// Writes one stage's `<div>`: its lines (up to kReportStageBytes shown),
/// fusion groups (a fused-stage `linalg.generic` whose body holds ops from
/// more than one source location) and tile decisions (ops the tiled stage
/// marked `deepc.*`, with the steps of the loops around them) marked.
static void writeStage(llvm::raw_ostream &os, const ReportStage &stage,
                       std::vector<Decision> &decisions) {
  bool isAsm = stage.name == "asm";
  uint64_t ops = stage.ops, lost = stage.opsWithoutLoc;
  AnnotatedStage a =
      isAsm ? annotateAsm(stage.text, ops, lost) : annotateMLIR(stage.text);
  std::vector<int> group(a.lines.size(), 0);
  std::vector<std::string> tile(a.lines.size());
  int groups = 0;
  if (stage.name == "fused") {
    for (size_t i = 0; i < a.lines.size(); ++i) {
      if (!a.lines[i].text.contains("linalg.generic") || !a.closes[i])
        continue;
      std::set<std::pair<unsigned, unsigned>> locs;
      for (size_t j = i; j <= a.closes[i]; ++j)
        locs.insert(a.lines[j].locs.begin(), a.lines[j].locs.end());
      if (locs.size() < 2)
        continue;
      ++groups;
      for (size_t j = i; j <= a.closes[i]; ++j)
        group[j] = groups;
      decisions.push_back({stage.name, i + 1,
                           "fusion group " + std::to_string(groups),
                           linesOf({locs.begin(), locs.end()})});
    }
  }
  if (stage.name == "tiled") {
    std::vector<std::pair<size_t, int64_t>> loops; // (closing line, step)
    for (size_t i = 0; i < a.lines.size(); ++i) {
      while (!loops.empty() && loops.back().first < i)
        loops.pop_back();
      llvm::StringRef l = a.lines[i].text;
      auto step = forStep(l);
      // The outermost loop of a nest: the steps of the loops in it are
      // its tile sizes.
      if (step && a.closes[i] && loops.empty()) {
        std::string sizes;
        for (size_t j = i; j <= a.closes[i]; ++j)
          if (auto inner = forStep(a.lines[j].text))
            sizes += (sizes.empty() ? "" : " x ") + std::to_string(*inner);
        tile[i] = "loop nest, steps " + sizes;
        decisions.push_back({stage.name, i + 1, "scf.for: " + tile[i],
                             linesOf(a.lines[i].locs)});
      }
      if (step && a.closes[i])
        loops.push_back({a.closes[i], *step});
      std::string marks;
      for (llvm::StringRef attr : {"deepc.packed", "deepc.epilogue_producer",
                                   "deepc.epilogue", "deepc.small_m"}) {
        size_t at = l.find(attr);
        if (at == llvm::StringRef::npos ||
            (attr == "deepc.epilogue" &&
             l.drop_front(at).starts_with("deepc.epilogue_producer")))
          continue;
        llvm::StringRef rest = l.drop_front(at);
        marks += (marks.empty() ? "" : ", ") +
                 rest.take_until([](char c) { return c == ',' || c == '}'; })
                     .rtrim()
                     .str();
      }
      if (marks.empty())
        continue;
      std::string steps;
      for (auto [end, step] : loops)
        steps += (steps.empty() ? "" : " x ") + std::to_string(step);
      llvm::StringRef opName = l.trim();
      if (size_t eq = opName.find(" = "); eq != llvm::StringRef::npos)
        opName = opName.drop_front(eq + 3);
      opName = opName.take_until([](char c) { return c == ' ' || c == '('; });
      tile[i] = marks + (steps.empty() ? "" : "; loop steps " + steps);
      decisions.push_back({stage.name, i + 1, opName.str() + ": " + tile[i],
                           linesOf(a.lines[i].locs)});
    }
  }

  os << "<div class=\"stage\" id=\"stage-" << stage.name << "\" data-stage=\""
     << stage.name << "\" data-ops=\"" << ops << "\" data-lost=\""
     << (isAsm ? 0 : lost) << "\">\n<p class=\"meta\">" << ops
     << (isAsm ? " instructions" : " ops");
  if (isAsm)
    os << ", " << lost << " without a source line (code the compiler added)";
  else if (lost)
    os << ", <span class=\"lost\">" << lost
       << " ops lost their source location</span>";
  if (groups)
    os << ", " << groups << " fusion groups (marked)";
  os << "</p>\n<pre class=\"code\">";
  size_t shown = 0;
  for (size_t i = 0; i < a.lines.size(); ++i) {
    const Line &line = a.lines[i];
    std::string text = escape(isAsm ? line.text.str() : stripLocs(line.text));
    std::vector<unsigned> lines = linesOf(line.locs);
    std::string cls = lines.empty() ? "" : "op";
    if (group[i])
      cls += " fg";
    if (!tile[i].empty())
      cls += " tile";
    std::string out;
    if (cls.empty()) {
      out = text + "\n";
    } else {
      out = "<span class=\"" + llvm::StringRef(cls).ltrim().str() + "\"";
      if (!lines.empty())
        out += " data-l=\"" + dataL(lines) + "\"";
      if (group[i])
        out += " data-group=\"" + std::to_string(group[i]) + "\"";
      if (!tile[i].empty())
        out += " title=\"" + escape(tile[i]) + "\"";
      out += ">" + text + "</span>\n";
    }
    if (shown + out.size() > kReportStageBytes) {
      os << "</pre>\n<p class=\"elided\">The page shows the first " << i
         << " of " << a.lines.size() << " lines of this stage ("
         << stage.text.size() / 1024
         << " KiB); print it whole with <code>deepc compile --emit="
         << stage.name << "</code>.</p>\n</div>\n";
      return;
    }
    shown += out.size();
    os << out;
  }
  os << "</pre>\n</div>\n";
}

static void writeSource(llvm::raw_ostream &os, const CompileReport &r) {
  os << "<section id=\"source\"><h2>Source <small>" << escape(r.sourceName)
     << "</small></h2>\n<pre class=\"code\">";
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(r.source).split(lines, '\n');
  if (!lines.empty() && lines.back().empty())
    lines.pop_back();
  for (size_t i = 0; i < lines.size(); ++i)
    os << "<span class=\"src\" id=\"L" << i + 1 << "\" data-line=\"" << i + 1
       << "\"><span class=\"ln\">" << i + 1 << "</span>" << escape(lines[i])
       << "</span>"; // A block: no newline.
  os << "</pre></section>\n";
}

static void writePasses(llvm::raw_ostream &os,
                        const std::vector<ReportPass> &passes) {
  double total = 0, most = 1e-9;
  for (const ReportPass &p : passes) {
    total += p.seconds;
    most = std::max(most, p.seconds);
  }
  os << "<section id=\"passes\"><h2>Passes</h2>\n<p>" << passes.size()
     << " passes, " << fmt::format("{:.1f}", total * 1e3)
     << " ms in all; the IR's size is its op count after the pass.</p>\n";
  // The bar chart: one bar per pass, its length its time.
  const int rowH = 16, labelW = 300, barW = 360;
  os << "<svg class=\"bars\" width=\"" << labelW + barW + 90 << "\" height=\""
     << rowH * passes.size() + 4 << "\" role=\"img\">\n";
  for (size_t i = 0; i < passes.size(); ++i) {
    const ReportPass &p = passes[i];
    double w = barW * p.seconds / most;
    int y = int(i) * rowH;
    os << "<text x=\"" << labelW - 4 << "\" y=\"" << y + 12
       << "\" text-anchor=\"end\">" << escape(p.stage + " / " + p.name)
       << "</text><rect class=\"bar-" << escape(p.stage) << "\" x=\"" << labelW
       << "\" y=\"" << y + 2 << "\" width=\"" << fmt::format("{:.1f}", w)
       << "\" height=\"" << rowH - 4 << "\" data-seconds=\"" << num(p.seconds)
       << "\"/><text x=\"" << fmt::format("{:.1f}", labelW + w + 4) << "\" y=\""
       << y + 12 << "\">" << fmt::format("{:.2f}", p.seconds * 1e3)
       << " ms</text>\n";
  }
  os << "</svg>\n<table class=\"passes\"><tr><th>stage</th><th>pass</th>"
        "<th>ms</th><th>ops after</th></tr>\n";
  for (const ReportPass &p : passes)
    os << "<tr><td>" << escape(p.stage) << "</td><td>" << escape(p.name)
       << "</td><td>" << fmt::format("{:.3f}", p.seconds * 1e3) << "</td><td>"
       << p.ops << "</td></tr>\n";
  os << "</table></section>\n";
}

/// The graphs, laid out in layers (a node's layer is the longest chain of
/// producers above it), at most kMaxNodes nodes each.
static void writeGraphs(llvm::raw_ostream &os, const CompileReport &r) {
  constexpr size_t kMaxNodes = 400;
  const int nodeW = 150, nodeH = 22, gapX = 12, layerH = 46, pad = 8;
  os << "<section id=\"graph\"><h2>Graph <small>the <code>nn</code> stage, "
        "drawn by deepc</small></h2>\n";
  for (const ReportGraph &g : r.graphs) {
    size_t n = std::min(g.nodes.size(), kMaxNodes);
    std::vector<int> x(n), y(n);
    std::vector<int> used;
    for (size_t i = 0; i < n; ++i) {
      unsigned layer = g.nodes[i].layer;
      if (used.size() <= layer)
        used.resize(layer + 1, 0);
      x[i] = pad + used[layer]++ * (nodeW + gapX);
      y[i] = pad + int(layer) * layerH;
    }
    int width = pad * 2, height = pad * 2 + int(used.size()) * layerH;
    for (int u : used)
      width = std::max(width, pad * 2 + u * (nodeW + gapX));
    os << "<h3>@" << escape(g.function) << "</h3>\n";
    if (n < g.nodes.size())
      os << "<p class=\"elided\">The drawing shows the first " << n << " of "
         << g.nodes.size() << " nodes.</p>\n";
    os << "<div class=\"graph\"><svg width=\"" << width << "\" height=\""
       << height << "\" role=\"img\">\n";
    for (auto [from, to] : g.edges)
      if (from < n && to < n)
        os << "<line x1=\"" << x[from] + nodeW / 2 << "\" y1=\""
           << y[from] + nodeH << "\" x2=\"" << x[to] + nodeW / 2 << "\" y2=\""
           << y[to] << "\"/>\n";
    for (size_t i = 0; i < n; ++i) {
      const ReportGraphNode &node = g.nodes[i];
      os << "<g class=\"node" << (node.lines.empty() ? "" : " op") << "\"";
      if (!node.lines.empty())
        os << " data-l=\"" << dataL(node.lines) << "\"";
      os << "><rect x=\"" << x[i] << "\" y=\"" << y[i] << "\" width=\"" << nodeW
         << "\" height=\"" << nodeH << "\" rx=\"4\"/><text x=\""
         << x[i] + nodeW / 2 << "\" y=\"" << y[i] + 15
         << "\" text-anchor=\"middle\">" << escape(node.label)
         << "</text></g>\n";
    }
    os << "</svg></div>\n";
  }
  std::string dot = r.dot.size() > kReportStageBytes
                        ? r.dot.substr(0, kReportStageBytes) + "\n...\n"
                        : r.dot;
  os << "<details><summary>The Graphviz text (<code>--emit=dot</code>, "
     << r.dot.size() / 1024 << " KiB"
     << (dot.size() < r.dot.size() ? ", cut" : "")
     << ")</summary><pre class=\"code\">" << escape(dot)
     << "</pre></details></section>\n";
}

static void writeDecisions(llvm::raw_ostream &os,
                           const std::vector<Decision> &decisions) {
  os << "<section id=\"decisions\"><h2>Fusion groups and tile decisions</h2>\n";
  if (decisions.empty()) {
    os << "<p>None in this program.</p></section>\n";
    return;
  }
  os << "<table><tr><th>stage</th><th>IR line</th><th>decision</th>"
        "<th>source lines</th></tr>\n";
  for (const Decision &d : decisions)
    os << "<tr class=\"op\" data-l=\"" << dataL(d.lines) << "\"><td>" << d.stage
       << "</td><td>" << d.stageLine << "</td><td>" << escape(d.what)
       << "</td><td>" << dataL(d.lines) << "</td></tr>\n";
  os << "</table></section>\n";
}

void writeRun(llvm::raw_ostream &os, const RunReport &run);

std::string renderReportHTML(const CompileReport &r, const RunReport *run) {
  std::string page;
  llvm::raw_string_ostream os(page);
  os << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "img-src data:\">\n<title>deepc "
     << (run ? "run" : "compile") << " report: " << escape(r.sourceName)
     << "</title>\n<style>" << kReportCSS << "</style>\n</head>\n<body>\n"
     << "<header><h1>deepc " << (run ? "run" : "compile") << " report</h1> "
     << "<span>" << escape(r.sourceName) << "</span><nav>"
     << (run ? "<a href=\"#run\">run</a>" : "")
     << "<a href=\"#code\">source and stages</a><a href=\"#decisions\">"
        "decisions</a><a href=\"#passes\">passes</a><a href=\"#graph\">"
        "graph</a></nav></header>\n";
  if (run)
    writeRun(os, *run);
  std::vector<Decision> decisions;
  os << "<div id=\"code\">\n";
  writeSource(os, r);
  os << "<section id=\"stages\"><h2>Stages</h2>\n<div class=\"tabs\">";
  for (const ReportStage &s : r.stages)
    os << "<button data-tab=\"" << s.name << "\">" << s.name << "</button>";
  os << "</div>\n";
  for (const ReportStage &s : r.stages)
    writeStage(os, s, decisions);
  os << "</section>\n</div>\n";
  writeDecisions(os, decisions);
  writePasses(os, r.passes);
  writeGraphs(os, r);
  os << "<script>" << kReportJS << "</script>\n</body></html>\n";
  return page;
}

llvm::Error writeReport(llvm::StringRef path, const CompileReport &compile,
                        const RunReport *run) {
  std::string page = renderReportHTML(compile, run);
  if (llvm::Error err = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
        os << page;
        return llvm::Error::success();
      }))
    return llvm::createStringError(path + ": " +
                                   llvm::toString(std::move(err)));
  return llvm::Error::success();
}

} // namespace deepc::driver
