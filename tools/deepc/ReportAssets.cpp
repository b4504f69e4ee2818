//===- ReportAssets.cpp - The --report page's style and script ------------===//
//
// The script works on the static page: every op line, graph node and
// decision carries its source lines in `data-l`. On load it indexes them,
// writes on each source line the stages it reaches (`data-stages`) and on
// the body `data-ready`; a click on a source line highlights its ops in
// every stage (each tab shows how many), a click on an op its source lines;
// a URL ending in #L12 selects line 12 on load (#L12-fused on that tab).
//
//===----------------------------------------------------------------------===//
#include "tools/deepc/ReportAssets.h"

namespace deepc::driver {

const char kReportCSS[] = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#20303f;color:#fff;padding:8px 16px;display:flex;gap:16px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header nav a{color:#cde;margin-right:12px}
section{padding:4px 16px}h2{font-size:16px;margin:12px 0 6px}h3{font-size:14px}
small{color:#666;font-weight:normal}
#code{display:grid;grid-template-columns:minmax(300px,2fr) 3fr;gap:8px;height:80vh}
#code section{overflow:hidden;display:flex;flex-direction:column;min-width:0}
pre.code{font:12px/1.35 ui-monospace,monospace;background:#fff;border:1px solid #ddd;margin:0;padding:4px;overflow:auto;flex:1;white-space:pre}
#source pre.code{flex:1}.src{display:block;cursor:pointer}.ln{display:inline-block;width:3em;color:#999;text-align:right;margin-right:8px}
.op{cursor:pointer}.op:hover,.src:hover{background:#eef}
.hl{background:#ffe27a!important}.fg{border-left:3px solid #2a9d8f;background:#e9f7f5}
.tile{border-left:3px solid #e76f51;background:#fdeee9}
.tabs button{font:inherit;margin:0 2px 4px 0;padding:2px 8px;border:1px solid #bbb;background:#eee;cursor:pointer}
.tabs button.on{background:#20303f;color:#fff}.tabs button .n{color:#c60;margin-left:4px}
.stage{display:none;flex:1;flex-direction:column;min-height:0}.stage.on{display:flex}
.meta{margin:0 0 4px;color:#555}.lost{color:#b00;font-weight:bold}.elided{color:#b60}
table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
th{background:#eee}td:nth-child(2),#decisions td{text-align:left}
svg text{font:11px system-ui,sans-serif;fill:#333}.bars rect{fill:#4a7fb0}
.bars .bar-grad{fill:#8e6cbf}.bars .bar-fused{fill:#2a9d8f}.bars .bar-tiled{fill:#e76f51}.bars .bar-bufferized{fill:#e9c46a}.bars .bar-llvm{fill:#555}
.graph{overflow:auto;max-height:70vh;border:1px solid #ddd;background:#fff}
.graph line{stroke:#999}.graph rect{fill:#eef3f8;stroke:#4a7fb0}.graph .hl rect{fill:#ffe27a}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{margin:0}
.chart .frame{fill:#fff;stroke:#bbb}.chart polyline{fill:none;stroke-width:1.5}
.chart .train polyline{stroke:#1f77b4}.chart .train circle{fill:#1f77b4}.chart .train text{fill:#1f77b4}
.chart .val polyline{stroke:#ff7f0e;stroke-dasharray:4 3}.chart .val circle{fill:#ff7f0e}.chart .val text{fill:#ff7f0e}
.chart .title{font-weight:bold}
.confusion td{background:rgba(42,157,143,var(--share))}
)css";

const char kReportJS[] = R"js(
(function(){
"use strict";
var stages=Array.prototype.slice.call(document.querySelectorAll(".stage"));
var tabs=Array.prototype.slice.call(document.querySelectorAll(".tabs button"));
var byLine={};
function linesOf(el){return el.getAttribute("data-l").split(" ");}
Array.prototype.forEach.call(document.querySelectorAll("[data-l]"),function(el){
  var st=el.closest(".stage");
  linesOf(el).forEach(function(l){
    (byLine[l]=byLine[l]||[]).push(el);
    if(st){var s=document.getElementById("L"+l);
      if(s){var have=(s.getAttribute("data-stages")||"").split(" ").filter(Boolean);
        var name=st.getAttribute("data-stage");
        if(have.indexOf(name)<0){have.push(name);s.setAttribute("data-stages",have.join(" "));}}}
  });
});
function show(name){
  stages.forEach(function(s){s.classList.toggle("on",s.getAttribute("data-stage")===name);});
  tabs.forEach(function(t){t.classList.toggle("on",t.getAttribute("data-tab")===name);});
}
tabs.forEach(function(t){t.addEventListener("click",function(){show(t.getAttribute("data-tab"));});});
if(tabs.length)show(tabs[0].getAttribute("data-tab"));
function clear(){Array.prototype.forEach.call(document.querySelectorAll(".hl"),function(e){e.classList.remove("hl");});
  tabs.forEach(function(t){var n=t.querySelector(".n");if(n)t.removeChild(n);});}
function selectLine(l){
  clear();
  var s=document.getElementById("L"+l);if(s)s.classList.add("hl");
  var count={},first={};
  (byLine[l]||[]).forEach(function(el){el.classList.add("hl");
    var st=el.closest(".stage");if(!st)return;var name=st.getAttribute("data-stage");
    count[name]=(count[name]||0)+1;if(!first[name])first[name]=el;});
  tabs.forEach(function(t){var name=t.getAttribute("data-tab");if(count[name]){
    var n=document.createElement("span");n.className="n";n.textContent=count[name];t.appendChild(n);}});
  var on=document.querySelector(".stage.on");
  var target=on&&first[on.getAttribute("data-stage")];
  if(target)target.scrollIntoView({block:"center"});
}
Array.prototype.forEach.call(document.querySelectorAll(".src"),function(s){
  s.addEventListener("click",function(){selectLine(s.getAttribute("data-line"));});});
Array.prototype.forEach.call(document.querySelectorAll("[data-l]"),function(el){
  el.addEventListener("click",function(ev){ev.stopPropagation();clear();
    el.classList.add("hl");var ls=linesOf(el);
    ls.forEach(function(l){var s=document.getElementById("L"+l);if(s)s.classList.add("hl");});
    var s=document.getElementById("L"+ls[0]);if(s)s.scrollIntoView({block:"center"});});
});
var m=/^#L(\d+)(?:-([a-z]+))?$/.exec(location.hash);
if(m){if(m[2])show(m[2]);selectLine(m[1]);}
document.body.setAttribute("data-ready","1");
})();
)js";

} // namespace deepc::driver
