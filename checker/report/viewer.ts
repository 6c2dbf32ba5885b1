// The style and script the HTML report inlines (a report must open with no network). The script
// reads the trace from the page's JSON block and keeps one step selected: its row highlighted
// in the lanes, its full state in the side panel with the fields it changed marked. On a
// liveness lasso, Next from the last step wraps around to the cycle's first step, since the
// last state is the state where the cycle starts.

export const VIEWER_CSS = `
:root { --fg: #1b1f24; --mute: #59636e; --line: #d1d9e0; --sel: #fff4c2; --chg: #ffd8a8; --bad: #ffe0e0; --badfg: #a40e26; --acc: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #f6f8fa; }
header, main, section.below { max-width: 1400px; margin: 0 auto; padding: 12px 20px; }
header { background: #fff; border-bottom: 1px solid var(--line); max-width: none; }
h1 { font-size: 20px; margin: 4px 0 8px; color: var(--badfg); }
h2 { font-size: 16px; margin: 12px 0 6px; }
h3 { font-size: 13px; margin: 12px 0 4px; color: var(--mute); text-transform: uppercase; letter-spacing: .04em; }
code, .leaf, .chg, .callee { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
.prop { margin: 0 0 6px; font-size: 15px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; color: var(--mute); }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
main { display: grid; grid-template-columns: minmax(0, 5fr) minmax(320px, 3fr); gap: 20px; align-items: start; }
/* Many lanes take room from the state panel: six CPUs and two shared lanes fit beside it at 1400px. */
main.many { grid-template-columns: minmax(0, 1fr) minmax(340px, 30em); max-width: 1800px; }
.hint { color: var(--mute); margin: 0 0 8px; }
.nav { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0 0 10px; }
.nav button { white-space: nowrap; font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
.nav button:disabled { opacity: .4; cursor: default; }
#pos { min-width: 110px; text-align: center; font-weight: 600; }
#trace { min-width: 0; overflow-x: auto; }
/* Lines break between words only (a kernel name is one word): each lane is at least as wide as its
   longest word and its label. */
table.lanes { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
table.lanes, table.lanes * { overflow-wrap: normal; word-break: normal; hyphens: none; }
/* Kernel names stay whole; only lanes too wide to fit (the script sets .parts) wrap them at their parts. */
table.lanes wbr { display: none; }
table.lanes.parts wbr { display: inline; }
table.lanes col.num { width: 2.6em; }
table.lanes th, table.lanes td { border-right: 1px dashed var(--line); padding: 3px 6px; vertical-align: top; }
table.lanes thead th { position: sticky; top: 0; background: #eef2f6; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
table.lanes thead th.shared { background: #e6efff; }
table.lanes thead th.idle { color: var(--mute); font-weight: normal; }
table.lanes tbody th { color: var(--mute); font-weight: normal; text-align: right; }
tr.step { border-top: 1px solid #eef1f4; }
tr.step.sel { background: var(--sel); }
tr.step.fail .stepbtn { border-color: var(--badfg); }
.stepbtn { font: inherit; text-align: left; width: 100%; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
tr.sel .stepbtn { border-color: var(--acc); box-shadow: 0 0 0 2px rgba(11, 92, 173, .25); }
.stepbtn .name { font-weight: 600; }
.ctx { display: inline-block; margin-left: 6px; padding: 0 5px; border-radius: 8px; background: #e9e4ff; color: #4b2a9b; font-size: 11px; }
ul.chg { margin: 2px 0 0; padding-left: 14px; color: #333; }
.none { color: var(--mute); font-size: 12px; }
td.init .stepbtn { color: var(--mute); }
td.wire { background: linear-gradient(var(--acc), var(--acc)) center 14px / 100% 2px no-repeat; }
td.act.calls { background: linear-gradient(var(--acc), var(--acc)) right 14px / 6px 2px no-repeat; }
td.callee span { color: var(--acc); }
tr.verdict td, tr.verdict th { background: var(--bad); color: var(--badfg); font-weight: 600; }
aside { position: sticky; top: 8px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; max-height: calc(100vh - 16px); overflow: auto; }
aside h2 { margin-top: 0; }
#state-meta { color: var(--mute); margin: 0; }
.legend { text-transform: none; letter-spacing: 0; font-weight: normal; background: var(--chg); color: var(--fg); padding: 0 4px; border-radius: 3px; }
dl.rec { display: grid; grid-template-columns: max-content 1fr; gap: 1px 10px; margin: 0; }
dl.rec dt { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; color: var(--mute); }
dl.rec dd { margin: 0; min-width: 0; }
dl.rec > dt.nest, dl.rec > dd.nest { grid-column: 1 / -1; }
dl.rec > dd.nest { padding-left: 14px; }
ol.arr { list-style: none; margin: 0; padding: 0; }
.idx { color: var(--mute); margin-right: 6px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.leaf.changed { background: var(--chg); border-radius: 3px; padding: 0 2px; font-weight: 600; }
table.kv, table.cov { border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
table.kv th, table.kv td, table.cov th, table.cov td { padding: 3px 10px; border-bottom: 1px solid #eef1f4; text-align: left; }
table.cov td.num { text-align: right; }
tr.never td { color: var(--badfg); font-weight: 600; }
tr.timing td { color: var(--mute); }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } aside { position: static; max-height: none; } }
`;

export const VIEWER_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('trace-data').textContent);
  var steps = data.steps;
  var last = steps.length - 1;
  var cur = last;
  // The cycle's first step, when the trace is a lasso with a cycle of at least one step.
  var wrapTo = data.loopStart !== undefined && data.loopStart < last ? data.loopStart + 1 : -1;
  function after(i) { return i === last && wrapTo >= 0 ? wrapTo : i + 1; }
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.lanes tr.step'));
  var $ = function (id) { return document.getElementById(id); };
  // Lanes whose whole kernel names do not fit beside the state panel wrap those names at their parts
  // (after . and _) rather than scroll sideways; what is still too wide scrolls.
  var lanes = document.querySelector('table.lanes');
  function fit() {
    lanes.classList.remove('parts');
    if ($('trace').scrollWidth > $('trace').clientWidth) lanes.classList.add('parts');
  }
  fit();
  window.addEventListener('resize', fit);
  rows[last].classList.add('fail');

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function isRecord(v) { return typeof v === 'object' && v !== null && !Array.isArray(v); }
  function leaf(v, path, changed) {
    var s = el('span', 'leaf', String(v));
    s.setAttribute('data-path', path);
    var c = changed[path];
    if (c) {
      s.className += ' changed';
      s.title = path + ' was ' + c.from;
    }
    return s;
  }
  // Paths are built as diff.ts writes them (stage, cur[2], cpu[1].vmxOn), so changes match leaves.
  function tree(v, path, changed) {
    if (isRecord(v)) {
      var dl = el('dl', 'rec');
      Object.keys(v).forEach(function (k) {
        // A record or an array of records goes under its name, across the panel, which leaves its values room.
        var nest = isRecord(v[k]) || (Array.isArray(v[k]) && v[k].some(isRecord));
        dl.appendChild(el('dt', nest ? 'nest' : null, k));
        var dd = el('dd', nest ? 'nest' : null);
        dd.appendChild(tree(v[k], path === '' ? k : path + '.' + k, changed));
        dl.appendChild(dd);
      });
      return dl;
    }
    if (Array.isArray(v) && v.some(function (e) { return typeof e === 'object' && e !== null; })) {
      var ol = el('ol', 'arr');
      v.forEach(function (e, i) {
        var li = el('li');
        li.appendChild(el('span', 'idx', '[' + i + ']'));
        li.appendChild(tree(e, path + '[' + i + ']', changed));
        ol.appendChild(li);
      });
      return ol;
    }
    if (Array.isArray(v)) {
      var span = el('span', 'list');
      span.appendChild(document.createTextNode('['));
      v.forEach(function (e, i) {
        if (i > 0) span.appendChild(document.createTextNode(', '));
        span.appendChild(leaf(e, path + '[' + i + ']', changed));
      });
      span.appendChild(document.createTextNode(']'));
      return span;
    }
    return leaf(v, path, changed);
  }

  // scroll: keep the selected row in view while navigating; not on load, so the header shows.
  function show(i, scroll) {
    cur = Math.max(0, Math.min(last, i));
    var st = steps[cur];
    rows.forEach(function (r) { r.classList.toggle('sel', Number(r.getAttribute('data-step')) === cur); });
    $('pos').textContent = 'Step ' + cur + ' of ' + last;
    $('state-title').textContent = cur === 0 ? 'Initial state' : 'Step ' + cur + ': ' + st.label;
    var meta = [];
    if (st.context) meta.push('context: ' + st.context);
    if (st.target) meta.push('calls: ' + st.target);
    if (st.source) meta.push('source: ' + st.source);
    if (cur === last) meta.push(wrapTo >= 0 ? 'the state after step ' + data.loopStart + ' again: Next repeats the cycle from step ' + wrapTo : 'the failing state');
    $('state-meta').textContent = meta.join(' \u00b7 ');
    var changed = {};
    var box = $('state-changes');
    box.textContent = '';
    if (st.changes.length === 0) box.appendChild(el('span', 'none', cur === 0 ? 'the initial state' : 'no change'));
    else {
      var ul = el('ul', 'chg');
      st.changes.forEach(function (c) {
        changed[c.path] = c;
        var li = el('li');
        li.appendChild(el('code', null, c.path));
        li.appendChild(document.createTextNode(' ' + c.from + ' \u2192 '));
        li.appendChild(el('b', null, c.to));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    var t = $('state-tree');
    t.textContent = '';
    t.appendChild(tree(st.state, '', changed));
    $('first').disabled = $('prev').disabled = cur === 0;
    $('last').disabled = cur === last;
    $('next').disabled = after(cur) > last;
    if (history.replaceState) history.replaceState(null, '', '#step-' + cur);
    if (scroll !== false && rows[cur].scrollIntoView) rows[cur].scrollIntoView({ block: 'nearest' });
  }

  document.querySelector('table.lanes').addEventListener('click', function (e) {
    var hit = e.target.closest('tr.step');
    if (hit) show(Number(hit.getAttribute('data-step')));
  });
  $('first').addEventListener('click', function () { show(0); });
  $('prev').addEventListener('click', function () { show(cur - 1); });
  $('next').addEventListener('click', function () { show(after(cur)); });
  $('last').addEventListener('click', function () { show(last); });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var to = { ArrowRight: after(cur), ArrowDown: after(cur), j: after(cur), ArrowLeft: cur - 1, ArrowUp: cur - 1, k: cur - 1, Home: 0, End: last }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    show(to);
  });
  var m = /^#step-(\d+)$/.exec(location.hash);
  show(m ? Number(m[1]) : last, false);
})();
`;
