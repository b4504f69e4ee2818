//===- ReportHTMLTest.cpp - The --report page from hand-made stages -------===//
//
// The renderer alone: stages written here as the collector would print
// them, so each rule of the page (links, lost locations, fusion groups,
// tile marks, escaping, the size cap, the curves) is checked on an input
// whose answer is known.
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/ReportPage.h"

#include "gtest/gtest.h"

using namespace deepc;
using namespace deepc::driver;

namespace {

CompileReport oneStage(std::string name, std::string text, uint64_t ops = 1,
                       uint64_t lost = 0) {
  CompileReport r;
  r.sourceName = "m.nn";
  r.source = "model m(x: f32[N, 4]) -> f32[N, 4] {\n  return relu(x)\n}\n";
  ReportStage s;
  s.name = std::move(name);
  s.text = std::move(text);
  s.ops = ops;
  s.opsWithoutLoc = lost;
  r.stages.push_back(std::move(s));
  return r;
}

size_t count(const std::string &s, const std::string &what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos;
       at = s.find(what, at + 1))
    ++n;
  return n;
}

TEST(ReportHTML, OpLinesNameTheirSourceLinesAndHideTheLocs) {
  std::string page = renderReportHTML(
      oneStage("nn", "%0 = nn.relu %arg0 : tensor<4xf32> loc(\"m.nn\":2:10)\n"
                     "%1 = nn.add %0, %0 loc(fused[\"m.nn\":2:3, "
                     "\"m.nn\":1:1])\n"),
      nullptr);
  EXPECT_NE(page.find("<span class=\"op\" data-l=\"2\">%0 = nn.relu %arg0 : "
                      "tensor&lt;4xf32&gt;</span>"),
            std::string::npos);
  EXPECT_NE(page.find("data-l=\"1 2\">%1 = nn.add %0, %0</span>"),
            std::string::npos);
  EXPECT_EQ(page.find("loc("), std::string::npos);
}

TEST(ReportHTML, LocationAliasesAreResolved) {
  std::string page =
      renderReportHTML(oneStage("grad", "%0 = nn.relu %arg0 loc(#loc2)\n"
                                        "%1 = nn.add %0, %0 loc(#loc12)\n"
                                        "#loc = loc(\"m.nn\":1:1)\n"
                                        "#loc2 = loc(\"m.nn\":2:10)\n"
                                        "#loc12 = loc(fused[#loc, #loc2])\n"),
                       nullptr);
  EXPECT_NE(page.find("data-l=\"2\">%0 = nn.relu %arg0</span>"),
            std::string::npos);
  EXPECT_NE(page.find("data-l=\"1 2\">%1 = nn.add %0, %0</span>"),
            std::string::npos);
  EXPECT_EQ(page.find("#loc"), std::string::npos);
}

TEST(ReportHTML, ARegionOpGetsTheLocationAfterItsClosingBrace) {
  std::string page = renderReportHTML(
      oneStage("linalg", "%0 = linalg.generic ins(%a) {\n"
                         "^bb0(%in: f32):\n"
                         "  linalg.yield %in : f32 loc(\"m.nn\":2:5)\n"
                         "} -> tensor<4xf32> loc(\"m.nn\":1:7)\n"),
      nullptr);
  EXPECT_NE(page.find("data-l=\"1\">%0 = linalg.generic ins(%a) {</span>"),
            std::string::npos);
  EXPECT_NE(page.find("data-l=\"1\">} -&gt; tensor&lt;4xf32&gt;</span>"),
            std::string::npos);
}

TEST(ReportHTML, LostLocationsAreShown) {
  std::string page = renderReportHTML(
      oneStage("llvm", "llvm.return loc(\"m.nn\":2:3)\n", 7, 3), nullptr);
  EXPECT_NE(page.find("data-lost=\"3\""), std::string::npos);
  EXPECT_NE(page.find("3 ops lost their source location"), std::string::npos);
  std::string clean = renderReportHTML(
      oneStage("llvm", "llvm.return loc(\"m.nn\":2:3)\n", 7, 0), nullptr);
  EXPECT_NE(clean.find("data-lost=\"0\""), std::string::npos);
  EXPECT_EQ(clean.find("lost their"), std::string::npos);
}

TEST(ReportHTML, AFusedGenericWithTwoLocationsIsAGroup) {
  std::string fused = "%0 = linalg.generic {\n"
                      "  %1 = arith.addf %a, %b : f32 loc(\"m.nn\":2:3)\n"
                      "  %2 = arith.maxnumf %1, %c : f32 loc(\"m.nn\":2:10)\n"
                      "} -> tensor<4xf32> loc(\"m.nn\":2:10)\n"
                      "%3 = linalg.generic {\n"
                      "  %4 = arith.negf %a : f32 loc(\"m.nn\":1:1)\n"
                      "} -> tensor<4xf32> loc(\"m.nn\":1:1)\n";
  std::string page = renderReportHTML(oneStage("fused", fused), nullptr);
  EXPECT_EQ(count(page, "class=\"op fg\""), 4u); // the first generic only
  EXPECT_NE(page.find("fusion group 1"), std::string::npos);
  EXPECT_EQ(page.find("fusion group 2"), std::string::npos);
  // The same text at another stage is not a fusion decision.
  EXPECT_EQ(count(renderReportHTML(oneStage("linalg", fused), nullptr), " fg"),
            0u);
}

TEST(ReportHTML, TiledOpsShowTheirMarksAndLoopSteps) {
  std::string tiled = "scf.for %i = %c0 to %c128 step %c64 {\n"
                      "  scf.for %j = %c0 to %c64 step %c8 {\n"
                      "    %0 = linalg.matmul {deepc.packed = 8 : i64} ins(%a) "
                      "loc(\"m.nn\":2:3)\n"
                      "  } loc(\"m.nn\":2:3)\n"
                      "} loc(\"m.nn\":2:3)\n";
  std::string page = renderReportHTML(oneStage("tiled", tiled), nullptr);
  EXPECT_NE(page.find("title=\"deepc.packed = 8 : i64; loop steps 64 x 8\""),
            std::string::npos);
  EXPECT_NE(
      page.find("linalg.matmul: deepc.packed = 8 : i64; loop steps 64 x 8"),
      std::string::npos);
  EXPECT_NE(page.find("<span class=\"op tile\" data-l=\"2\" title=\"loop nest, "
                      "steps 64 x 8\">scf.for %i"),
            std::string::npos);
}

TEST(ReportHTML, AssemblyFollowsTheLineTable) {
  std::string text = "f:\n"
                     "\t.loc\t1 2 3 prologue_end\n"
                     "\tvaddps\t%zmm0, %zmm1, %zmm2\n"
                     "\t.loc\t1 0 0\n"
                     "\tretq\n";
  std::string page = renderReportHTML(oneStage("asm", text, 0), nullptr);
  EXPECT_NE(page.find("data-l=\"2\">\tvaddps"), std::string::npos);
  EXPECT_NE(page.find("2 instructions, 1 without a source line"),
            std::string::npos);
}

TEST(ReportHTML, EverythingIsEscaped) {
  CompileReport r = oneStage("nn", "nn.x {s = \"<b>&\"} loc(\"m.nn\":1:1)\n");
  r.source = "# </pre><script>alert('x')</script> & \"q\"\n";
  r.sourceName = "<evil>.nn";
  std::string page = renderReportHTML(r, nullptr);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<evil>"), std::string::npos);
  EXPECT_NE(page.find("# &lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/"
                      "script&gt; &amp; &quot;q&quot;"),
            std::string::npos);
  EXPECT_NE(page.find("{s = &quot;&lt;b&gt;&amp;&quot;}"), std::string::npos);
}

TEST(ReportHTML, AHugeStageIsCutWithANote) {
  std::string text;
  for (int i = 0; text.size() < 3 * kReportStageBytes; ++i)
    text += "%" + std::to_string(i) + " = nn.relu %x loc(\"m.nn\":2:3)\n";
  std::string page = renderReportHTML(oneStage("nn", text), nullptr);
  EXPECT_LT(page.size(), kReportStageBytes + 64 * 1024);
  EXPECT_NE(page.find("print it whole with <code>deepc compile --emit=nn"),
            std::string::npos);
  EXPECT_NE(page.rfind("</html>"), std::string::npos);
}

TEST(ReportHTML, CurvesHoldTheLoggedValues) {
  RunReport run;
  run.steps = {{1, 2.25f}, {2, 0.1f}};
  EpochRecord e;
  e.epoch = 1;
  e.step = 2;
  e.train = {0.5, 0.75, 0.7, true};
  e.val = SplitMetrics{0.625, 0.5, 0.5, true};
  e.seconds = 0.5;
  run.epochs = {e};
  run.stepsPerEpoch = 2;
  run.confusion.emplace(2);
  run.confusion->add(0, 0);
  run.confusion->add(1, 0);
  run.confusionOf = "validation data after epoch 1";
  std::string page = renderReportHTML(oneStage("nn", ""), &run);
  // The float's shortest form, as the run log writes it.
  EXPECT_NE(page.find("data-x=\"2\" data-y=\"0.1\""), std::string::npos);
  EXPECT_NE(page.find("data-x=\"1\" data-y=\"2.25\""), std::string::npos);
  EXPECT_NE(page.find("data-series=\"val\""), std::string::npos);
  EXPECT_NE(page.find("data-x=\"1\" data-y=\"0.625\""), std::string::npos);
  EXPECT_NE(page.find("<td>250.000</td>"), std::string::npos); // ms per step
  // Row 1 (true label 1) holds one sample, predicted 0.
  EXPECT_NE(
      page.find("<tr><th>1</th><td class=\"off\" style=\"--share:1.000\">1"
                "</td><td class=\"diag\" style=\"--share:0.000\">0</td>"),
      std::string::npos);
  EXPECT_NE(page.find("data-epochs=\"1\""), std::string::npos);
}

} // namespace
