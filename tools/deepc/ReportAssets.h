//===- ReportAssets.h - The --report page's style and script ----*- C++ -*-===//
#ifndef DEEPC_TOOLS_DEEPC_REPORTASSETS_H
#define DEEPC_TOOLS_DEEPC_REPORTASSETS_H

namespace deepc::driver {

/// The page's style sheet, inlined in a `<style>`.
extern const char kReportCSS[];
/// The page's script, inlined in a `<script>` at the end of the body: tabs
/// for the stages, and the links between source lines and ops.
extern const char kReportJS[];

} // namespace deepc::driver

#endif // DEEPC_TOOLS_DEEPC_REPORTASSETS_H
