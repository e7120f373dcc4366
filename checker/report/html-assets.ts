// The trace viewer's inline style and script (html.ts puts them in the page). The script
// reads the trace data from the page's JSON element, highlights the step under the cursor,
// and fills the panel with that step's action, events, changes and whole state. It builds
// the panel with textContent only, so nothing in a trace is ever parsed as HTML.

export const VIEWER_CSS = `
:root {
  --bg: #f6f7f9; --fg: #1f2328; --dim: #656d76; --line: #d8dee4; --card: #fff;
  --cur: #fff4c2; --cur-line: #d4a72c; --bad: #c62828; --bad-bg: #fdecea; --chg: #8a5a00;
  --c0: #0e7490; --c1: #a21caf; --c2: #1d4ed8; --c3: #15803d; --irq: #b45309;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 13px/1.4 var(--sans); }
header { padding: 12px 18px; background: #24292f; color: #f6f8fa; }
header .where { font-size: 12px; color: #c9d1d9; }
header .where b { color: #fff; }
header .rule { margin-top: 6px; font-size: 14px; }
.rule-id { font: 600 14px var(--mono); background: var(--bad); color: #fff; padding: 1px 7px; border-radius: 4px; }
.obligation { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: #ffb4a9; margin: 0 6px; }
.rule-text { color: #e6edf3; }
header .message { margin-top: 4px; font: 13px var(--mono); color: #ffd8a8; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 430px; gap: 14px; padding: 14px 18px; align-items: start; }
.timeline { position: relative; background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: auto; max-height: calc(100vh - 150px); }
.lanes, .row { display: grid; grid-template-columns: 44px repeat(calc(var(--lanes) - 1), minmax(170px, 4fr)) minmax(150px, 3fr); }
.sticky { position: sticky; top: 0; z-index: 2; background: #eaeef2; border-bottom: 1px solid var(--line); }
.lane-head, .lanes .num { padding: 6px 8px; font-weight: 600; font-size: 12px; }
.lane-head { border-left: 1px solid var(--line); }
.row { border-bottom: 1px solid #eef1f4; cursor: pointer; }
.row:hover { background: #f6f8fa; }
.row .num { padding: 6px 8px; font: 600 12px var(--mono); color: var(--dim); text-align: right; }
.cell { padding: 5px 8px; border-left: 1px solid var(--line); min-height: 26px; font-size: 12px; }
.cell.run { border-left: 3px solid var(--c0); }
.cell.run.ctx-1 { border-left-color: var(--c1); } .cell.run.ctx-2 { border-left-color: var(--c2); }
.cell.run.ctx-3 { border-left-color: var(--c3); } .cell.run.ctx-irq { border-left-color: var(--irq); }
.cell.idle { border-left: 3px dotted #c4ccd4; }
.cell.acting { background: #f3f7fb; }
.row.current { background: var(--cur); box-shadow: inset 4px 0 0 var(--cur-line); }
.row.current .cell.acting { background: #fff9dc; }
.row.current .num { color: var(--fg); }
.row.violation .num { color: var(--bad); }
.ctx { display: inline-block; font: 600 11px var(--mono); color: #fff; background: var(--c0); border-radius: 3px; padding: 0 5px; margin-right: 5px; }
.ctx.ctx-1 { background: var(--c1); } .ctx.ctx-2 { background: var(--c2); } .ctx.ctx-3 { background: var(--c3); } .ctx.ctx-irq { background: var(--irq); }
.fn { font: 600 12px var(--mono); }
.label { font-family: var(--mono); margin-top: 2px; word-break: break-word; }
.at { color: var(--dim); font-size: 11px; font-family: var(--mono); }
.bug { color: var(--bad); font-weight: 600; font-family: var(--mono); margin-top: 2px; }
.verdict-badge { display: inline-block; margin-top: 4px; background: var(--bad); color: #fff; font: 600 11px var(--mono); border-radius: 3px; padding: 1px 6px; }
.runs { font-family: var(--mono); }
ul.changes { list-style: none; margin: 3px 0 0; padding: 0; font-family: var(--mono); color: var(--chg); }
ul.changes li { word-break: break-word; }
.panel { position: sticky; top: 14px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; max-height: calc(100vh - 28px); overflow: auto; }
.controls { display: flex; align-items: center; gap: 6px; }
.controls input { flex: 1; accent-color: var(--cur-line); }
.controls button { font-size: 12px; border: 1px solid var(--line); background: #f6f8fa; border-radius: 5px; padding: 3px 8px; cursor: pointer; }
#step-label { font: 600 12px var(--mono); min-width: 86px; text-align: right; }
.keys { color: var(--dim); font-size: 11px; margin: 4px 0 8px; }
#step-detail h2 { font-size: 15px; margin: 6px 0; }
#step-detail h3, .story h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--dim); margin: 12px 0 4px; }
#step-detail .events { font-family: var(--mono); font-size: 12px; margin: 0; padding-left: 16px; }
table.diff { border-collapse: collapse; width: 100%; font: 12px var(--mono); }
table.diff td, table.diff th { border-bottom: 1px solid #eef1f4; padding: 2px 4px; text-align: left; vertical-align: top; word-break: break-word; }
table.diff th { color: var(--dim); font-weight: 600; }
td.before { color: var(--dim); text-decoration: line-through; } td.after { color: var(--chg); font-weight: 600; }
details.lane { margin: 4px 0; } details.lane summary { font-weight: 600; cursor: pointer; }
details.lane div { font: 12px var(--mono); padding-left: 12px; color: var(--dim); }
details.lane div.changed { color: var(--chg); font-weight: 600; background: #fff8e1; }
.violation-box { border: 1px solid var(--bad); background: var(--bad-bg); border-radius: 6px; padding: 8px; margin-top: 10px; }
.violation-box b { color: var(--bad); }
.story { margin: 0 18px 24px; background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--bad); border-radius: 8px; padding: 10px 16px; }
.story h2 { font-size: 15px; margin: 4px 0; }
.story .headline { font-weight: 600; color: var(--bad); }
.story ul { margin: 0; padding-left: 18px; font-family: var(--mono); font-size: 12px; }
.nw { white-space: nowrap; }
.cell, .story li { overflow-wrap: anywhere; }
@media (max-width: 1000px) { main { grid-template-columns: 1fr; } .panel { position: static; } }
/* A phone: the lanes of a step stacked under its number, each cell named by its lane. */
@media (max-width: 640px) {
  header { padding: 8px 10px; }
  main { padding: 8px; gap: 8px; }
  .story { margin: 0 8px 16px; padding: 8px 10px; }
  .lanes.sticky { display: none; }
  .timeline { max-height: none; overflow: visible; }
  .row { grid-template-columns: 30px minmax(0, 1fr); }
  .row .num { grid-row: span var(--lanes); padding: 5px 4px; }
  .row .cell { grid-column: 2; }
  .row .cell:empty { display: none; }
  .row .cell::before { content: attr(data-lane-name); display: block; font-size: 10px; color: var(--dim); }
  .panel { max-height: none; }
}
`;

export const VIEWER_JS = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  var steps = data.steps;
  var last = steps.length - 1;
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row[data-step]"));
  var slider = document.getElementById("slider");
  var label = document.getElementById("step-label");
  var detail = document.getElementById("step-detail");
  var current = -1;

  function el(tag, cls, text) {
    var x = document.createElement(tag);
    if (cls) x.className = cls;
    if (text !== undefined) x.textContent = text;
    return x;
  }

  function panel(i) {
    var s = steps[i];
    detail.textContent = "";
    var h = el("h2");
    if (s.context !== undefined) h.appendChild(el("span", "ctx " + (data.contexts[s.context.id] || ""), s.context.id));
    h.appendChild(document.createTextNode(i === 0 ? "Initial state" : "Step " + i + (s.lane !== null ? " on " + data.lanes[s.lane] : "")));
    detail.appendChild(h);
    if (s.fn !== undefined) detail.appendChild(el("div", "fn", s.fn + "()"));
    detail.appendChild(el("div", "label", s.label));
    if (s.at !== undefined) detail.appendChild(el("div", "at", s.at));
    s.hooks.forEach(function (k) { detail.appendChild(el("div", "at", "hook: " + k)); });
    if (s.events.length > 0) {
      detail.appendChild(el("h3", "", "Events"));
      var ul = el("ul", "events");
      s.events.forEach(function (ev) { ul.appendChild(el("li", ev.bug ? "bug" : "", ev.text)); });
      detail.appendChild(ul);
    }
    var changed = [];
    s.changes.forEach(function (cs, lane) { cs.forEach(function (c) { changed.push([lane, c]); }); });
    detail.appendChild(el("h3", "", i === 0 ? "Changes" : "What changed (" + changed.length + ")"));
    if (changed.length === 0) {
      detail.appendChild(el("div", "at", i === 0 ? "the initial state" : "nothing visible in the state"));
    } else {
      var t = el("table", "diff");
      var head = el("tr");
      ["where", "fact", "before", "after"].forEach(function (x) { head.appendChild(el("th", "", x)); });
      t.appendChild(head);
      changed.forEach(function (p) {
        var tr = el("tr", "change");
        tr.appendChild(el("td", "", data.lanes[p[0]]));
        tr.appendChild(el("td", "", p[1].name));
        tr.appendChild(el("td", "before", p[1].before));
        tr.appendChild(el("td", "after", p[1].after));
        t.appendChild(tr);
      });
      detail.appendChild(t);
    }
    detail.appendChild(el("h3", "", "State after this step"));
    s.full.forEach(function (facts, lane) {
      var d = el("details", "lane");
      d.open = true;
      var names = {};
      (s.changes[lane] || []).forEach(function (c) { names[c.fact] = true; });
      var running = lane < s.running.length ? " (runs " + s.running[lane].text + ")" : "";
      d.appendChild(el("summary", "", data.lanes[lane] + running));
      facts.forEach(function (f) {
        d.appendChild(el("div", names[f.name] ? "changed" : "", f.name + " = " + f.value));
      });
      detail.appendChild(d);
    });
    if (i === last) {
      var box = el("div", "violation-box");
      box.appendChild(el("b", "", "violates " + data.meta.rule + ": "));
      box.appendChild(document.createTextNode(data.meta.violation));
      data.meta.notes.forEach(function (n) { box.appendChild(el("div", "at", n)); });
      detail.appendChild(box);
    }
  }

  // Scrolls the timeline only (scrollIntoView would scroll the page away from the header).
  var timeline = document.querySelector(".timeline");
  function keepVisible(row) {
    if (!row || !timeline) return;
    var head = timeline.querySelector(".sticky");
    var top = row.offsetTop - (head ? head.offsetHeight : 0);
    var bottom = row.offsetTop + row.offsetHeight;
    if (top < timeline.scrollTop) timeline.scrollTop = top;
    else if (bottom > timeline.scrollTop + timeline.clientHeight)
      timeline.scrollTop = bottom - timeline.clientHeight;
  }

  function go(i) {
    i = Math.max(0, Math.min(last, i));
    if (i === current) return;
    current = i;
    rows.forEach(function (r) {
      var on = Number(r.getAttribute("data-step")) === i;
      r.classList.toggle("current", on);
      if (on) r.setAttribute("aria-current", "step"); else r.removeAttribute("aria-current");
    });
    slider.value = String(i);
    label.textContent = "step " + i + " / " + last;
    panel(i);
    keepVisible(rows[i]);
    // "#step=N", not "#step-N": a fragment naming a row would make the browser scroll to it.
    if (history.replaceState) history.replaceState(null, "", "#step=" + i);
  }

  document.addEventListener("keydown", function (e) {
    if (e.target === slider) return;
    var k = e.key;
    if (k === "ArrowRight" || k === "ArrowDown" || k === "j") go(current + 1);
    else if (k === "ArrowLeft" || k === "ArrowUp" || k === "k") go(current - 1);
    else if (k === "Home") go(0);
    else if (k === "End") go(last);
    else return;
    e.preventDefault();
  });
  slider.addEventListener("input", function () { go(Number(slider.value)); });
  document.getElementById("prev").addEventListener("click", function () { go(current - 1); });
  document.getElementById("next").addEventListener("click", function () { go(current + 1); });
  rows.forEach(function (r) {
    r.addEventListener("click", function () { go(Number(r.getAttribute("data-step"))); });
  });
  var hash = location.hash;
  var asked = hash.indexOf("#step=") === 0 ? Number(hash.slice(6)) : NaN;
  go(Number.isInteger(asked) ? asked : 0);
})();
`;
