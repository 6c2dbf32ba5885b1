// The HTML report: one self-contained file (no network) that opens in any browser. The trace is
// drawn as lanes, one column per CPU and per shared actor; clicking a step, the step buttons or
// the arrow keys show that step's full state with the fields it changed highlighted.

import { byActorText, coverageCaveat } from './coverage.js';
import { checkedRows, failureName, failurePoint, statRows, type Report, type ReportStep, type Row } from './report.js';
import { valueText } from './values.js';
import { VIEWER_CSS, VIEWER_JS } from './viewer.js';

/** Beyond this many lanes the trace takes room from the state panel (viewer.ts, main.many). */
const MANY_LANES = 5;

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Escaped, with a <wbr> after each `.` and `_` inside a kernel name: where the lanes are too wide
 * to fit, the viewer lets names wrap there, at their parts (`cpu[0].` `cache_` `state_`
 * `incoherent`); elsewhere it hides them and names stay whole.
 */
const breakable = (s: string): string => esc(s).replace(/[._](?=\w)/g, '$&<wbr>');

function changeList(step: ReportStep): string {
  if (step.changes.length === 0) return '<span class="none">no change</span>';
  return (
    '<ul class="chg">' +
    step.changes.map((c) => `<li><code>${breakable(c.path)}</code> ${breakable(valueText(c.from))} &rarr; <b>${breakable(valueText(c.to))}</b></li>`).join('') +
    '</ul>'
  );
}

/** One row per step: the action in its actor's lane, a wire to the arrowhead in the lane of the shared actor it calls. */
function laneRows(r: Report): string {
  const col = new Map(r.lanes.map((l, i) => [l.name, i]));
  const n = r.lanes.length;
  const rows = [
    `<tr class="step" data-step="0"><th scope="row">0</th><td colspan="${Math.max(1, n)}" class="init">` +
      `<button type="button" class="stepbtn" data-step="0">initial state</button></td></tr>`,
  ];
  for (const step of r.steps.slice(1)) {
    if (r.loopStart !== undefined && step.index === r.loopStart + 1) {
      rows.push(
        `<tr class="loop"><th scope="row">&#8635;</th><td colspan="${Math.max(1, n)}">the steps below repeat for ever, back to the state after step ${r.loopStart}</td></tr>`,
      );
    }
    const at = col.get(step.lane!)!;
    const to = step.target === undefined ? -1 : col.get(step.target)!;
    const cells: string[] = [];
    for (let i = 0; i < n; i++) {
      if (i === at) {
        const ctx = step.context === undefined ? '' : ` <span class="ctx">${esc(step.context)}</span>`;
        cells.push(
          `<td class="act${to >= 0 ? ' calls' : ''}"><button type="button" class="stepbtn" data-step="${step.index}"` +
            ` title="${esc(step.label)}"><span class="name">${breakable(step.action!)}</span>${ctx}${changeList(step)}</button></td>`,
        );
      } else if (to >= 0 && i > Math.min(at, to) && i < Math.max(at, to)) cells.push('<td class="wire"></td>');
      // The arrowhead alone: the caller's cell names the step, and a second copy would widen the lane.
      else if (i === to) cells.push(`<td class="callee" title="${esc(step.label)}"><span>${to > at ? '&#9654;' : '&#9664;'}</span></td>`);
      else cells.push('<td></td>');
    }
    rows.push(`<tr class="step" data-step="${step.index}"><th scope="row">${step.index}</th>${cells.join('')}</tr>`);
  }
  rows.push(`<tr class="verdict"><th scope="row">!</th><td colspan="${Math.max(1, n)}">${failureName(r, 'upper', esc)}: ${esc(failurePoint(r))}</td></tr>`);
  return rows.join('\n');
}

const rowsTable = (rs: readonly Row[]): string =>
  `<table class="kv">${rs.map((x) => `<tr${x.timing ? ' class="timing"' : ''}><th>${esc(x.label)}</th><td>${esc(x.value)}</td></tr>`).join('')}</table>`;

function coverageTable(r: Report): string {
  const rows = r.coverage.actions
    .map(
      (a) =>
        `<tr${a.fired === 0 ? ' class="never"' : ''}><td>${esc(a.name)}</td><td class="num">${a.fired === 0 ? 'never' : a.fired.toLocaleString('en-US')}</td>` +
        `<td>${esc(byActorText(a))}</td></tr>`,
    )
    .join('');
  const caveat = coverageCaveat(r.verdict);
  const never =
    r.coverage.neverFired.length === 0
      ? ''
      : `<p>Never fired: ${r.coverage.neverFired.map((x) => `<code>${esc(x)}</code>`).join(', ')}${caveat === undefined ? '' : ` (${esc(caveat)})`}.</p>`;
  return `<table class="cov"><thead><tr><th>action</th><th>fired</th><th>by actor</th></tr></thead><tbody>${rows}</tbody></table>${never}`;
}

/** The data the viewer script needs: steps with state and changes, and how to name them. */
function viewerData(r: Report): string {
  const data = {
    steps: r.steps.map((s) => ({
      label: s.label,
      ...(s.context === undefined ? {} : { context: s.context }),
      ...(s.target === undefined ? {} : { target: s.target }),
      ...(s.source === undefined ? {} : { source: s.source }),
      changes: s.changes.map((c) => ({ path: c.path, from: valueText(c.from), to: valueText(c.to) })),
      state: s.state,
    })),
    // A lasso: stepping on from the last step wraps around to the cycle's first step.
    ...(r.loopStart === undefined ? {} : { loopStart: r.loopStart }),
  };
  // `<` escaped so that no string in the data can close the script element.
  return JSON.stringify(data).replace(/</g, '\\u003c');
}

/** On a lasso whose cycle has steps, Next goes round the cycle again. */
const loopHint = (r: Report): string =>
  r.loopStart === undefined || r.loopStart >= r.steps.length - 1 ? '' : ` On the last step, Next goes round the cycle again from step ${r.loopStart + 1}.`;

export function renderHtml(r: Report): string {
  const s = r.subject;
  const idle = r.lanes.filter((l) => !l.shared && !l.active).map((l) => l.name);
  const title = `${failureName(r, 'title')} in ${r.heading}`;
  const prop = r.property;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - tdx-mc</title>
<style>${VIEWER_CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="prop"><b>${esc(prop.name)}</b> (${r.kind}): ${esc(prop.description)}</p>
<dl class="meta">
${prop.source === undefined ? '' : `<dt>source</dt><dd>${esc(prop.source)}</dd>`}
${s.location === undefined ? '' : `<dt>defined at</dt><dd><code>${esc(s.location)}</code></dd>`}
<dt>where</dt><dd>${esc(failurePoint(r))}</dd>
</dl>
</header>
<main${r.lanes.length > MANY_LANES ? ' class="many"' : ''}>
<section id="trace">
<h2>Trace: ${r.steps.length - 1} step${r.steps.length === 2 ? '' : 's'}</h2>
<p class="hint">${idle.length === 0 ? '' : `${esc(idle.join(', '))} take${idle.length === 1 ? 's' : ''} no step. `}Click a step, or use &larr; &rarr; (Home, End).${loopHint(r)}</p>
<table class="lanes">
<colgroup><col class="num">${r.lanes.map(() => '<col>').join('')}</colgroup>
<thead><tr><th>#</th>${r.lanes.map((l) => `<th class="${l.shared ? 'shared' : l.active ? 'actor' : 'actor idle'}">${esc(l.name)}</th>`).join('')}</tr></thead>
<tbody>
${laneRows(r)}
</tbody>
</table>
</section>
<aside id="state">
<div class="nav">
<button type="button" id="first" title="first step (Home)">&laquo; First</button>
<button type="button" id="prev" title="previous step (&larr;)">&#9664; Prev</button>
<span id="pos" aria-live="polite"></span>
<button type="button" id="next" title="next step (&rarr;)">Next &#9654;</button>
<button type="button" id="last" title="last step (End)">Last &raquo;</button>
</div>
<h2 id="state-title"></h2>
<p id="state-meta"></p>
<h3>Changed by this step</h3>
<div id="state-changes"></div>
<h3>Full state <span class="legend">highlighted: changed by this step</span></h3>
<div id="state-tree"></div>
</aside>
</main>
<section class="below">
<h2>Action coverage</h2>
${coverageTable(r)}
<h2>What was checked</h2>
${rowsTable(checkedRows(r))}
<h2>Search statistics</h2>
${rowsTable(statRows(r))}
</section>
<script type="application/json" id="trace-data">${viewerData(r)}</script>
<script>${VIEWER_JS}</script>
</body>
</html>
`;
}
