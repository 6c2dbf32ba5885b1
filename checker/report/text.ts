// The plain-text report: at most 78 columns, no markup, no colour, for pasting into an email
// reply. The trace is drawn the way kernel changelogs draw races: one column per CPU that takes
// a step, time running down the page.

import { byActorText, coverageCaveat } from './coverage.js';
import { brokeProperty, checkedRows, failureName, failurePoint, statRows, type Report, type ReportStep, type Row } from './report.js';
import { fields, valueText, within } from './values.js';
import { NBSP, wrap } from './wrap.js';

export const TEXT_WIDTH = 78;
/** Columns between lane names, at the least. */
const GAP = 2;
/** The room the rightmost lane keeps for its text; lanes start closer together to leave it. */
const MIN_ROOM = 32;
/** More lanes than this read worse than one column labelled by actor. */
const MAX_LANES = 6;

/** The lines of one step: the action, its context and callee, what changed. */
function cell(step: ReportStep, width: number, withLane: boolean): string[] {
  const head = withLane ? `${step.lane}: ${step.action}` : step.action!;
  const meta = [step.context === undefined ? undefined : `[${step.context}]`, step.target === undefined ? undefined : `calls ${step.target}`];
  const where = meta.filter((x) => x !== undefined).join(' ');
  return [
    ...wrap(head, width, '  '),
    ...(where === '' ? [] : wrap(where, width, '  ')),
    ...step.changes.flatMap((c) => wrap(`  ${c.path}: ${valueText(c.from)} ->${NBSP}${valueText(c.to)}`, width, '    ')),
  ];
}

/**
 * The steps in one column per acting CPU. Only one lane is busy per step, so its text runs on
 * over the empty lanes to its right: a lane is as wide as its name needs, lanes spread out when
 * there is room, and the rightmost keeps MIN_ROOM columns. When they do not fit, one column
 * labelled by actor.
 */
function trace(r: Report): string[] {
  const lanes = r.textLanes.filter((l) => !l.shared);
  const k = lanes.length;
  const gutter = String(r.steps.length - 1).length + 2;
  const avail = TEXT_WIDTH - gutter;
  const pitch = k <= 1 ? avail : Math.min(Math.floor(avail / k), Math.floor((avail - MIN_ROOM) / (k - 1)));
  const fit = k > 0 && k <= MAX_LANES && pitch >= Math.max(...lanes.map((l) => l.name.length)) + GAP;
  const line = (num: string, at: number, text: string): string => (num.padEnd(gutter) + ' '.repeat(at * pitch) + text).trimEnd();

  const out: string[] = [];
  if (fit) {
    out.push(line('', 0, lanes.map((l) => l.name.padEnd(pitch)).join('')));
    out.push(line('', 0, lanes.map((l) => '-'.repeat(l.name.length).padEnd(pitch)).join('')));
  }
  for (const step of r.steps.slice(1)) {
    if (r.loopStart !== undefined && step.index === r.loopStart + 1)
      out.push(line('', 0, `-- the steps from here repeat for ever, back to the state after step ${r.loopStart} --`));
    const at = fit ? lanes.findIndex((l) => l.name === step.lane) : 0;
    cell(step, avail - (fit ? at * pitch : 0), !fit).forEach((text, i) => out.push(line(i === 0 ? String(step.index) : '', fit ? at : 0, text)));
  }
  return out;
}

function rows(rs: readonly Row[]): string[] {
  const w = Math.max(...rs.map((r) => r.label.length)) + 2;
  return rs.flatMap((r) => wrap(`  ${(r.label + ':').padEnd(w)}${r.value}`, TEXT_WIDTH, ' '.repeat(w + 2)));
}

export function renderText(r: Report): string {
  const s = r.subject;
  const last = r.steps[r.steps.length - 1]!;
  const idle = r.lanes.filter((l) => !l.shared && !l.active).map((l) => l.name);
  const what = brokeProperty(r) ? `PROPERTY ${failureName(r, 'upper')} (${r.kind})` : failureName(r, 'upper');
  const out: string[] = [
    ...wrap(`tdx-mc ${r.kind === 'error' ? 'model error' : 'counterexample'}: ${r.heading}`, TEXT_WIDTH, '  '),
    '',
    ...wrap(what, TEXT_WIDTH),
    ...wrap(`  ${r.property.description}`, TEXT_WIDTH, '  '),
    ...(r.property.source === undefined ? [] : wrap(`  source: ${r.property.source}`, TEXT_WIDTH, '    ')),
    ...(s.location === undefined ? [] : wrap(`  defined at: ${s.location}`, TEXT_WIDTH, '    ')),
    ...wrap(`  where: ${failurePoint(r)}`, TEXT_WIDTH, '    '),
    '',
    ...wrap(
      `Trace, ${r.steps.length - 1} step${r.steps.length === 2 ? '' : 's'} from the initial state` +
        (idle.length === 0 ? ':' : ` (${idle.join(', ')} take${idle.length === 1 ? 's' : ''} no step):`),
      TEXT_WIDTH,
    ),
    '',
    ...trace(r),
    ...wrap(`=> ${failureName(r)}: ${failurePoint(r)}`, TEXT_WIDTH, '   '),
    '',
    ...wrap(`State after step ${last.index}, in full (* = changed by step ${last.index}):`, TEXT_WIDTH),
    ...fields(last.state).flatMap((f) => {
      const mark = last.changes.some((c) => within(c.path, f.path)) ? '* ' : '  ';
      return wrap(`${mark}${f.path} = ${valueText(f.value)}`, TEXT_WIDTH, '      ');
    }),
    '',
    'Action coverage (transitions fired in the explored space):',
    ...r.coverage.actions.flatMap((a) => {
      const by = byActorText(a);
      const n = a.fired === 0 ? 'NEVER FIRED' : `${a.fired.toLocaleString('en-US')}${by === '' ? '' : ` (${by})`}`;
      return wrap(`  ${a.name}: ${n}`, TEXT_WIDTH, '      ');
    }),
  ];
  if (r.coverage.neverFired.length > 0) {
    const n = r.coverage.neverFired.length;
    out.push(...wrap(`  ${n} of ${r.coverage.actions.length} actions never fired`, TEXT_WIDTH, '    '));
    const caveat = coverageCaveat(r.verdict);
    if (caveat !== undefined) out.push(...wrap(`  (${caveat})`, TEXT_WIDTH, '   '));
  }
  out.push('', 'What was checked:', ...rows(checkedRows(r)), '', 'Search statistics:', ...rows(statRows(r)));
  return out.join('\n') + '\n';
}
