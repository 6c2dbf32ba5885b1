// The plain-text report: ASCII only, at most 78 columns, no markup, no colour, for pasting into an
// email reply. The trace is drawn the way kernel changelogs draw races: one column per CPU that
// takes a step, time running down the page. A reply must stay short: when the whole report would
// run past TEXT_MAX_LINES, it gives up detail that the other formats keep, in a fixed order, and
// says so where it does: the final state in full (then only the fields that differ from the
// initial state), each step's changes, and last the lanes (one line per step instead).

import { ascii } from './ascii.js';
import { coverageCaveat } from './coverage.js';
import { brokeProperty, checkedRows, failureName, failurePoint, statRows, type Report, type ReportStep, type Row } from './report.js';
import { fields, valueText, within, type Field } from './values.js';
import { NBSP, wrap } from './wrap.js';

export const TEXT_WIDTH = 78;
/** The most lines a text report takes while detail is left to give up. */
export const TEXT_MAX_LINES = 100;
/** Columns between lane names, at the least. */
const GAP = 2;
/** The room the rightmost lane keeps for its text; lanes start closer together to leave it. */
const MIN_ROOM = 32;
/** More lanes than this read worse than one column labelled by actor. */
const MAX_LANES = 6;
/** Where the detail the text leaves out is. */
const ELSEWHERE = 'the .md, .html and .json reports';

/** How much the report shows, from the most to the least. */
interface Detail {
  /** One column per acting CPU (else one column, each step labelled by its actor). */
  readonly lanes: boolean;
  /** Each step's changes under it. */
  readonly changes: boolean;
  /** The final state in full (else only the fields that differ from the initial state). */
  readonly fullState: boolean;
}

const DETAILS: readonly Detail[] = [
  { lanes: true, changes: true, fullState: true },
  { lanes: true, changes: true, fullState: false },
  { lanes: true, changes: false, fullState: false },
  { lanes: false, changes: false, fullState: false },
];

/** `text` in ASCII, wrapped to `width` with a hanging `indent`. */
const lines = (text: string, width = TEXT_WIDTH, indent = ''): string[] => wrap(ascii(text), width, indent);

const change = (path: string, from: unknown, to: unknown): string => `${path}: ${valueText(from)} ->${NBSP}${valueText(to)}`;

/** The lines of one step: the action, its context (when it is news) and callee, and what changed. */
function cell(step: ReportStep, width: number, withLane: boolean, context: boolean, d: Detail): string[] {
  const head = [
    withLane ? `${step.lane}: ${step.action}` : step.action!,
    context ? `[${step.context}]` : undefined,
    step.target === undefined ? undefined : `calls ${step.target}`.replaceAll(' ', NBSP),
  ];
  return [
    ...lines(head.filter((x) => x !== undefined).join(' '), width, '  '),
    ...(d.changes ? step.changes.flatMap((c) => lines(`  ${change(c.path, c.from, c.to)}`, width, '    ')) : []),
  ];
}

/**
 * The steps in one column per acting CPU. Only one lane is busy per step, so its text runs on
 * over the empty lanes to its right: a lane is as wide as its name needs, lanes spread out when
 * there is room, and the rightmost keeps MIN_ROOM columns. When they do not fit, or the detail
 * asks for it, one column labelled by actor. A step's context is shown where its lane's changes.
 */
function trace(r: Report, d: Detail): string[] {
  const lanes = r.textLanes.filter((l) => !l.shared).map((l) => ascii(l.name));
  const k = lanes.length;
  const gutter = String(r.steps.length - 1).length + 2;
  const avail = TEXT_WIDTH - gutter;
  const pitch = k <= 1 ? avail : Math.min(Math.floor(avail / k), Math.floor((avail - MIN_ROOM) / (k - 1)));
  const fit = d.lanes && k > 0 && k <= MAX_LANES && pitch >= Math.max(...lanes.map((l) => l.length)) + GAP;
  const line = (num: string, at: number, text: string): string => (num.padEnd(gutter) + ' '.repeat(at * pitch) + text).trimEnd();

  const out: string[] = [];
  if (fit) {
    out.push(line('', 0, lanes.map((l) => l.padEnd(pitch)).join('')));
    out.push(line('', 0, lanes.map((l) => '-'.repeat(l.length).padEnd(pitch)).join('')));
  }
  const context = new Map<string | null, string | undefined>();
  for (const step of r.steps.slice(1)) {
    if (r.loopStart !== undefined && step.index === r.loopStart + 1)
      out.push(line('', 0, `-- the steps from here repeat for ever, back to the state after step ${r.loopStart} --`));
    const news = step.context !== undefined && context.get(step.lane) !== step.context;
    context.set(step.lane, step.context);
    const at = fit ? lanes.indexOf(ascii(step.lane!)) : 0;
    cell(step, avail - (fit ? at * pitch : 0), !fit, news, d).forEach((text, i) => out.push(line(i === 0 ? String(step.index) : '', fit ? at : 0, text)));
  }
  return out;
}

/** `cpu[0].hp`, `cpu[1].hp`, ...: the fields of one array of records, a row per member. */
interface Table {
  readonly array: string;
  readonly members: readonly string[];
  /** Per member, per index: the field. */
  readonly cells: readonly (readonly Field[])[];
}

const ELEMENT = /^(.*)\[(\d+)\]\.(.+)$/;

/** Consecutive fields of one array of records become a table; the rest stay single fields. */
function group(fs: readonly Field[]): (Field | Table)[] {
  const out: (Field | Table)[] = [];
  for (let i = 0; i < fs.length;) {
    const m = ELEMENT.exec(fs[i]!.path);
    let j = i;
    while (j < fs.length && ELEMENT.exec(fs[j]!.path)?.[1] === m?.[1]) j++;
    if (m === null) {
      out.push(fs[i]!);
      i++;
      continue;
    }
    const run = fs.slice(i, j).map((f) => ({ f, m: ELEMENT.exec(f.path)! }));
    const members = [...new Set(run.map((x) => x.m[3]!))];
    const indices = [...new Set(run.map((x) => Number(x.m[2])))];
    const cells = members.map((name) => indices.map((n) => run.find((x) => x.m[3] === name && Number(x.m[2]) === n)?.f));
    if (cells.every((row) => row.every((c) => c !== undefined))) out.push({ array: m[1]!, members, cells: cells as Field[][] });
    else out.push(...fs.slice(i, j));
    i = j;
  }
  return out;
}

/** The state in full, `*` marking what `changed` (the last step's changes) touched; an array of records as a table, a column per CPU. */
function fullState(state: unknown, changed: readonly string[]): string[] {
  const marked = (f: Field): boolean => changed.some((c) => within(c, f.path));
  return group(fields(state)).flatMap((g) => {
    if (!('array' in g)) return lines(`${marked(g) ? '* ' : '  '}${g.path} = ${valueText(g.value)}`, TEXT_WIDTH, '      ');
    const text = g.cells.map((row) => row.map((f) => ascii(valueText(f.value)) + (marked(f) ? '*' : '')));
    const head = `  ${ascii(g.array)}[i]`;
    const label = Math.max(head.length + 2, ...g.members.map((m) => ascii(m).length + 7));
    const width = Math.max(...text.flat().map((t) => t.length), ...g.cells[0]!.map((_, n) => String(n).length)) + 2;
    if (label + width * g.cells[0]!.length > TEXT_WIDTH)
      return g.cells.flat().flatMap((f) => lines(`${marked(f) ? '* ' : '  '}${f.path} = ${valueText(f.value)}`, TEXT_WIDTH, '      '));
    return [
      head.padEnd(label) +
        g.cells[0]!.map((_, n) => String(n).padEnd(width))
          .join('')
          .trimEnd(),
      ...g.members.map(
        (m, k) =>
          `${text[k]!.some((t) => t.endsWith('*')) ? '*' : ' '}   .${ascii(m)}`.padEnd(label) +
          text[k]!.map((t) => t.padEnd(width))
            .join('')
            .trimEnd(),
      ),
    ];
  });
}

/**
 * The fields whose value differs between two states, as `path: before -> after`; the fields of
 * one record (`kernel`, `cpu[2]`) on one line, `cpu[2]: hp online -> offline; vmxOn true -> false`.
 */
function differing(before: unknown, after: unknown): string[] {
  const was = new Map(fields(before).map((f) => [f.path, valueText(f.value)]));
  const byRecord = new Map<string, string[]>();
  for (const f of fields(after)) {
    const from = was.get(f.path) ?? '(absent)';
    if (from === valueText(f.value)) continue;
    const dot = f.path.indexOf('.');
    const [record, member] = dot < 0 ? [f.path, ''] : [f.path.slice(0, dot), `${f.path.slice(dot + 1)} `];
    byRecord.set(record, [...(byRecord.get(record) ?? []), `${member}${from} ->${NBSP}${valueText(f.value)}`]);
  }
  return [...byRecord].flatMap(([record, cs]) => lines(`  ${record}: ${cs.join('; ')}`, TEXT_WIDTH, '      '));
}

/** Rows after a heading, `label: value` joined by `; ` when `joined`, else one a line. */
function rows(rs: readonly Row[], joined: boolean): string[] {
  // A timing row stays on one line, where a reader (and a test) can blank it.
  const row = (x: Row): string => (x.timing ? `${x.label}: ${x.value}`.replaceAll(' ', NBSP) : `${x.label}: ${x.value}`);
  if (joined) return lines(`  ${rs.map(row).join('; ')}`, TEXT_WIDTH, '    ');
  return rs.flatMap((x) => lines(`  ${x.label}: ${x.value}`, TEXT_WIDTH, '    '));
}

function render(r: Report, d: Detail): string[] {
  const s = r.subject;
  const last = r.steps[r.steps.length - 1]!;
  const idle = r.lanes.filter((l) => !l.shared && !l.active).map((l) => l.name);
  const what = brokeProperty(r) ? `PROPERTY ${failureName(r, 'upper')} (${r.kind})` : failureName(r, 'upper');
  const n = r.steps.length - 1;
  const never = r.coverage.neverFired;
  const caveat = never.length === 0 ? undefined : coverageCaveat(r.verdict);
  const [spec, params, ...options] = checkedRows(r);
  return [
    ...lines(`tdx-mc ${r.kind === 'error' ? 'model error' : 'counterexample'}: ${r.heading}`, TEXT_WIDTH, '  '),
    '',
    ...lines(what),
    ...lines(`  ${r.property.description}`, TEXT_WIDTH, '  '),
    ...(r.property.source === undefined ? [] : lines(`  source: ${r.property.source}`, TEXT_WIDTH, '    ')),
    ...(s.location === undefined ? [] : lines(`  defined at: ${s.location}`, TEXT_WIDTH, '    ')),
    ...lines(`  where: ${failurePoint(r)}`, TEXT_WIDTH, '    '),
    '',
    ...lines(
      `Trace, ${n} step${n === 1 ? '' : 's'} from the initial state` +
        (idle.length === 0 ? '' : ` (${idle.join(', ')} take${idle.length === 1 ? 's' : ''} no step)`) +
        (d.changes ? '' : `; what each step changed is in ${ELSEWHERE}`) +
        ':',
    ),
    '',
    ...trace(r, d),
    ...lines(`=> ${failureName(r)}: ${failurePoint(r)}`, TEXT_WIDTH, '   '),
    '',
    ...(d.fullState
      ? [
          ...lines(`State after step ${last.index}, in full (* = changed by step ${last.index}):`),
          ...fullState(
            last.state,
            last.changes.map((c) => c.path),
          ),
        ]
      : [
          ...lines(`State after step ${last.index}: the fields that differ from the initial state (in full in ${ELSEWHERE}):`),
          ...(n === 0 ? ['  (none: this is the initial state)'] : differing(r.steps[0]!.state, last.state)),
        ]),
    '',
    ...lines(
      `Action coverage: ${r.coverage.actions.length - never.length} of ${r.coverage.actions.length} actions fired in the explored space` +
        (never.length === 0 ? '' : `; never fired: ${never.join(', ')}`) +
        (caveat === undefined ? '' : ` (${caveat})`) +
        `; counts per action and ${r.actorKinds[0] ?? 'actor'} in ${ELSEWHERE}.`,
      TEXT_WIDTH,
      '  ',
    ),
    '',
    'What was checked:',
    ...rows([spec!, params!], false),
    ...rows(options, true),
    'Search statistics:',
    ...rows(statRows(r), true),
  ];
}

export function renderText(r: Report): string {
  let out: string[] = [];
  for (const d of DETAILS) {
    out = render(r, d);
    if (out.length <= TEXT_MAX_LINES) break;
  }
  return out.join('\n') + '\n';
}
