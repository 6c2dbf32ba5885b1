// The reports of every counterexample `tdxmc ci` expects (each spec's known-bad configurations,
// read from the specs' expectations): the text fits a mailing-list reply (at most
// TEXT_MAX_LINES lines of ASCII in 78 columns, saying what it left out), and every TDX spec
// draws the TDX module and the P-SEAMLDR as lanes of their own where its model has them.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { checkOptions, configurations, type Configuration } from '../checker/ci/configuration.js';
import { renderHtml } from '../checker/report/html.js';
import { renderMarkdown } from '../checker/report/markdown.js';
import { buildReport, type Report } from '../checker/report/report.js';
import { renderText, TEXT_MAX_LINES, TEXT_WIDTH } from '../checker/report/text.js';
import { reportSubject } from '../checker/report/write.js';
import { P_SEAMLDR, TDX_MODULE } from '../model/lanes.js';
import { specs } from '../specs/index.js';

const failing = configurations(specs).filter((c) => c.expectation.expect.verdict === 'violation' || c.expectation.expect.verdict === 'deadlock');

function reportOf(c: Configuration): Report {
  const options = c.expectation.options ?? {};
  const outcome = check(c.spec.build(c.params), checkOptions(options));
  const r = buildReport({
    ...reportSubject(c.spec, c.params, { ...options, configuration: c.expectation.name }, 'test', outcome.violation?.property.name),
    outcome,
  });
  if (r === undefined) throw new Error(`${c.spec.name}/${c.expectation.name}: no counterexample`);
  return r;
}

const reports = new Map(failing.map((c) => [`${c.spec.name}/${c.expectation.name}`, reportOf(c)]));

/** The shared actors each spec's model has; vmx models VMX ownership and SEAMCALLs, no P-SEAMLDR. */
const SHARED: Readonly<Record<string, readonly string[]>> = {
  lockstep: [TDX_MODULE, P_SEAMLDR],
  cpuid: [TDX_MODULE, P_SEAMLDR],
  vmx: [TDX_MODULE],
  init: [TDX_MODULE, P_SEAMLDR],
  update: [TDX_MODULE, P_SEAMLDR],
};

describe('the text report of every counterexample tdxmc ci expects', () => {
  it('covers every spec', () => {
    expect(new Set(failing.map((c) => c.spec.name))).toEqual(new Set(specs.map((s) => s.name)));
  });

  it.each([...reports.keys()])('%s: ASCII, at most 78 columns and TEXT_MAX_LINES lines, and says what it leaves out', (id) => {
    const r = reports.get(id)!;
    const text = renderText(r);
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(TEXT_MAX_LINES);
    expect(lines.filter((l) => l.length > TEXT_WIDTH)).toEqual([]);
    // nothing outside printable ASCII
    expect(text.match(/[^\x20-\x7e\n]/g) ?? []).toEqual([]);
    // Every step is there, numbered, in order: nothing is cut.
    const numbers = lines.map((l) => /^(\d+) /.exec(l)?.[1]).filter((n) => n !== undefined);
    expect(numbers).toEqual(r.steps.slice(1).map((s) => String(s.index)));
    // Each step's changes are there (one arrow each in the trace), or the text says where they are.
    const trace = text.slice(text.indexOf('\nTrace, '), text.indexOf('\n=> '));
    if (!text.replace(/\s+/g, ' ').includes('what each step changed is in the .md, .html and .json reports'))
      expect(trace.split(' -> ').length - 1).toBeGreaterThanOrEqual(r.steps.reduce((n, s) => n + s.changes.length, 0));
  });
});

describe('shared lanes', () => {
  it.each(Object.keys(SHARED))('%s: its counterexamples draw a lane for each shared actor its model has, and for no other', (spec) => {
    const mine = [...reports.entries()].filter(([id]) => id.startsWith(`${spec}/`)).map(([, r]) => r);
    const drawn = new Set(mine.flatMap((r) => r.lanes.filter((l) => l.shared).map((l) => l.name)));
    expect([...drawn].sort()).toEqual([...SHARED[spec]!].sort());
  });

  it('every format draws them: a Mermaid participant, an HTML column, a call in the text', () => {
    for (const [id, r] of reports) {
      for (const lane of r.lanes.filter((l) => l.shared)) {
        expect(renderMarkdown(r), id).toContain(`participant ${lane.id} as ${lane.name}`);
        expect(renderHtml(r), id).toContain(`<th class="shared">${lane.name}</th>`);
        expect(renderText(r), id).toContain(`calls ${lane.name}`);
      }
    }
  });
});
