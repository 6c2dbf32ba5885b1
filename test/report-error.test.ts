// Reports of a model error: every format is written, with the trace to the state where the
// model threw, and names the phase's action, actor and message; an initial-state writer that
// threw leaves no state to show and so writes nothing.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, describeModelError, type CheckOutcome } from '../checker/check.js';
import { FORMATS } from '../checker/report/formats.js';
import { renderMarkdown } from '../checker/report/markdown.js';
import { buildReport } from '../checker/report/report.js';
import { renderText } from '../checker/report/text.js';
import { writeReports } from '../checker/report/write.js';
import { validateItf } from './support/itf.js';
import { reportModel } from './support/report-model.js';

const MESSAGE = 'refused to overflow';

/**
 * The report model with one more action, `TDH.SYS.KEY.CONFIG` of vCPU 1, enabled once CPU 0 has
 * an IRQ raised (depth 2), whose effect, guard or (with `invariant`) an invariant throws there.
 * Its name and `vCPU` occur nowhere else, so a report that names them took them from the error.
 */
function throwing(phase: 'effect' | 'guard' | 'invariant'): ReturnType<typeof reportModel> {
  const base = reportModel('violation');
  type S = Parameters<typeof base.isEndState>[0];
  const boom = (): never => {
    throw new Error(MESSAGE);
  };
  const at = (s: S, v = 1): boolean => s.irq.get(0) && v === 1;
  return {
    ...base,
    actions: [
      ...base.actions,
      {
        name: 'TDH.SYS.KEY.CONFIG',
        actors: 2,
        actorKind: 'vCPU',
        guard: (s: S, v: number) => (phase === 'guard' && at(s, v) ? boom() : at(s, v)),
        effect: boom,
      },
    ],
    invariants: [{ name: 'Bounded', description: 'never throws but here', holds: (s: S) => (phase === 'invariant' && at(s) ? boom() : true) }],
  };
}

const input = (outcome: CheckOutcome) => ({ spec: 'thrower', params: { p: 1 }, options: { search: 'bfs' }, version: '0.0.0-test', outcome });

describe('a model error', () => {
  const outcome = check(throwing('effect'));
  const dir = mkdtempSync(join(tmpdir(), 'tdxmc-error-'));
  const written = writeReports(dir, input(outcome));

  it('is an error outcome at depth 2 (the premise of what follows)', () => {
    expect(outcome.verdict).toBe('error');
    expect(outcome.error).toMatchObject({ phase: 'effect', action: 'TDH.SYS.KEY.CONFIG', actor: 1, message: MESSAGE, depth: 2 });
  });

  it('writes every format, named after the spec, parameters and "model error"', () => {
    expect(written.map((f) => f.slice(dir.length + 1))).toEqual(FORMATS.map((f) => `thrower--p=1--model_error.${f.ext}`));
  });

  it('names the action, actor and message in every format', () => {
    for (const file of written) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).toContain('TDH.SYS.KEY.CONFIG');
      expect(text, file).toContain('vCPU 1');
      expect(text, file).toContain(MESSAGE);
    }
  });

  it('says model error with the one line in the heading, and shows the trace to the erroring state', () => {
    const r = buildReport(input(outcome))!;
    expect(r.kind).toBe('error');
    expect(r.steps.map((s) => s.state)).toEqual(outcome.error!.trace.map((t) => t.state));
    expect(r.steps).toHaveLength(3);
    const md = renderMarkdown(r).split('\n');
    expect(md[0]).toBe('# Model error in thrower p=1');
    expect(md[2]).toBe(`**Model error** (error): ${describeModelError(outcome.error!)}`);
    expect(md).toContain('- **Where:** it threw in the state after step 2');
    const text = renderText(r);
    expect(text).toMatch(/^tdx-mc model error: thrower p=1\n\nMODEL ERROR\n/);
    expect(text).toContain('=> model error: it threw in the state after step 2');
  });

  it('keeps the --json object, error included, at the head of the JSON report', () => {
    const j = JSON.parse(
      readFileSync(
        written.find((f) => f.endsWith('.json') && !f.endsWith('.itf.json'))!,
        'utf8',
      ),
    );
    expect(j.verdict).toBe('error');
    expect(j.error).toMatchObject({ phase: 'effect', action: 'TDH.SYS.KEY.CONFIG', actor: 1, message: MESSAGE, depth: 2 });
    expect(j.error.trace).toHaveLength(3);
    expect(j.property).toMatchObject({ name: 'model error', kind: 'error', description: describeModelError(outcome.error!) });
    expect(j.steps).toHaveLength(3);
  });

  it('is valid ITF with status error', () => {
    const itf = JSON.parse(
      readFileSync(
        written.find((f) => f.endsWith('.itf.json'))!,
        'utf8',
      ),
    );
    expect(validateItf(itf)).toEqual([]);
    expect(itf['#meta'].status).toBe('error');
    expect(itf.states).toHaveLength(3);
  });

  it('says where it threw for a guard and an invariant too', () => {
    const guard = buildReport(input(check(throwing('guard'))))!;
    expect(renderText(guard)).toContain('the guard of TDH.SYS.KEY.CONFIG (vCPU 1)');
    expect(renderText(guard)).toContain('=> model error: it threw in the state after step 2');
    const inv = buildReport(input(check(throwing('invariant'))))!;
    expect(renderText(inv)).toContain('=> model error: it threw judging the state after step 2');
    expect(inv.steps).toHaveLength(3);
  });

  it('writes nothing when an initial-state writer threw: there is no state to show', () => {
    const model = {
      ...throwing('effect'),
      init: [
        () => {
          throw new Error(MESSAGE);
        },
      ],
    };
    const o = check(model);
    expect(o.verdict).toBe('error');
    expect(writeReports(mkdtempSync(join(tmpdir(), 'tdxmc-error-')), input(o))).toEqual([]);
  });
});
