// Counterexample reports in every format, on lockstep, a TDX spec (cpuid) and a small model
// with contexts, shared actors and a deadlock: the content a reviewer needs, the 78-column text,
// the JSON contract, stable output across reruns, and files written whole.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import type { RecordDomain } from '../checker/domain.js';
import { checkJson } from '../checker/report/check-json.js';
import type { Model } from '../checker/model.js';
import type { Params, Spec } from '../checker/spec.js';
import { checkParams } from '../checker/params.js';
import { coverage } from '../checker/report/coverage.js';
import { renderHtml } from '../checker/report/html.js';
import { renderItf } from '../checker/report/itf.js';
import { renderJson } from '../checker/report/json.js';
import { propertyLocation } from '../checker/report/location.js';
import { renderMarkdown } from '../checker/report/markdown.js';
import { buildReport, type Report } from '../checker/report/report.js';
import { renderText, TEXT_MAX_LINES, TEXT_WIDTH } from '../checker/report/text.js';
import { ascii } from '../checker/report/ascii.js';
import { reportBaseName, writeReports } from '../checker/report/write.js';
import { lockstepModel } from '../specs/lockstep/spec.js';
import { FORMATS } from '../checker/report/formats.js';
import { cpuid } from '../specs/cpuid/spec.js';
import { lockstep } from '../specs/lockstep/spec.js';
import { update } from '../specs/update/spec.js';
import { reportModel } from './support/report-model.js';
import { distUrl } from './support/built.js';

function defaults(spec: Spec): Params {
  const r = checkParams(spec.params, {});
  if (!r.ok) throw new Error(r.error);
  return r.params;
}

function specRun(spec: Spec, set: Params) {
  const p = checkParams(spec.params, set);
  if (!p.ok) throw new Error(p.error);
  const outcome = check(spec.build(p.params));
  const location = propertyLocation(spec.file, outcome.violation?.property.name ?? '');
  return {
    spec: spec.name,
    specDescription: spec.description,
    params: p.params,
    defaults: defaults(spec),
    options: { search: 'bfs' },
    version: '0.0.0-test',
    ...(location === undefined ? {} : { location }),
    outcome,
  };
}

function modelRun<D extends RecordDomain>(model: Model<D>) {
  return { spec: 'test-model', params: { variant: 'x' }, options: {}, version: '0.0.0-test', outcome: check(model) };
}

const report = (input: Parameters<typeof buildReport>[0]): Report => {
  const r = buildReport(input);
  if (r === undefined) throw new Error('no counterexample');
  return r;
};

const noack = report(specRun(lockstep, { variant: 'noack' }));
const nolock = report(specRun(lockstep, { variant: 'nolock' }));
const D31 = report(specRun(cpuid, { variant: 'D31' }));
const D32 = report(specRun(cpuid, { variant: 'D32' }));
const small = report(modelRun(reportModel('violation')));
const stuck = report(modelRun(reportModel('deadlock')));
const ALL = { noack, nolock, D31, D32, small, stuck };

describe('a liveness lasso', () => {
  const retry = report(specRun(lockstep, { variant: 'retry', cpus: 2 }));
  it('every format shows where the cycle begins', () => {
    const at = retry.loopStart!;
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(retry.steps.length - 1);
    const md = renderMarkdown(retry);
    expect(md).toContain('  loop for ever');
    expect(md).toContain(`| ${at + 1} (loop) |`);
    expect(md).not.toContain(`| ${at} (loop) |`);
    expect(renderText(retry)).toContain(`-- the steps from here repeat for ever, back to the state after step ${at} --`);
    expect(renderHtml(retry)).toContain(`back to the state after step ${at}</td>`);
    expect(JSON.parse(renderItf(retry)).loop).toBe(at);
    expect(JSON.parse(renderJson(retry)).violation.loopStart).toBe(at);
  });
});

describe('the annotated trace', () => {
  it('names each step by its action, actor lane and the variables it changed, in schema order', () => {
    expect(nolock.steps).toHaveLength(18);
    const s16 = nolock.steps[16]!;
    expect([s16.label, s16.lane]).toEqual(['begin(CPU 0)', 'CPU 0']);
    expect(s16.changes.map((c) => `${c.path}: ${String(c.from)} -> ${String(c.to)}`)).toEqual([
      'busy: false -> true',
      'ph[0]: READY -> BUSY',
      'vmcs[0]: true -> false',
    ]);
    expect(nolock.steps[0]!.label).toBe('initial state');
  });

  it('evaluates context and target on the state before the step', () => {
    const info = small.steps.filter((s) => s.action === 'TDH.SYS.INFO');
    expect(info.map((s) => s.context)).toContain('irq');
    for (const s of info) {
      const before = small.steps[s.index - 1]!.state as { irq: boolean[] };
      const cpu = Number(s.lane!.split(' ')[1]);
      expect(s.context).toBe(before.irq[cpu] ? 'irq' : 'task');
      expect(s.target).toBe('TDX module');
    }
    const install = small.steps.find((s) => s.action === 'SEAMLDR.INSTALL')!;
    expect([install.lane, install.target]).toEqual(['kernel', 'P-SEAMLDR']);
  });

  it('gives every CPU of an acting kind a lane in diagrams, shared actors after them', () => {
    expect(noack.lanes.map((l) => [l.name, l.active])).toEqual([
      ['CPU 0', true],
      ['CPU 1', false],
      ['CPU 2', false],
      ['CPU 3', false],
    ]);
    expect(noack.textLanes.map((l) => l.name)).toEqual(['CPU 0']);
    const names = small.lanes.map((l) => `${l.shared ? 'shared' : 'actor'} ${l.name}`);
    expect(names.filter((n) => n.startsWith('shared'))).toEqual(['shared TDX module', 'shared P-SEAMLDR']);
    expect(names).toContain('actor kernel');
  });

  it('counts actions fired, per actor, and names those that never fired', () => {
    expect(noack.coverage.neverFired).toEqual(['begin', 'finish', 'fail']);
    const skip = noack.coverage.actions.find((a) => a.name === 'skip')!;
    expect(skip.fired).toBe(skip.byActor!.reduce((a, b) => a + b, 0));
    expect(skip.fired).toBeGreaterThan(0);
    const total = nolock.coverage.actions.reduce((n, a) => n + a.fired, 0);
    expect(total).toBe(nolock.outcome.stats.transitions);
    expect(small.coverage.neverFired).toEqual(['never']);
  });
});

describe('Markdown', () => {
  const md = renderMarkdown(nolock);

  it('states the property with its description, source and definition site', () => {
    expect(md).toMatch(/^# Counterexample: `SerialInstall` violated in lockstep variant=nolock\n/);
    expect(md).toContain('at most one CPU is inside SEAMLDR.INSTALL (seamldr_lock)');
    expect(md).toContain('**Source:** arch/x86/virt/vmx/tdx/seamldr.c: seamldr_lock');
    expect(md).toMatch(/\*\*Defined at:\*\* `specs\/lockstep\/spec\.ts:\d+`/);
  });

  it('has a trace table with one row per step and only the changed variables', () => {
    const rows = md.split('\n').filter((l) => /^\| \d+ \| CPU \d \|/.test(l));
    expect(rows).toHaveLength(17);
    expect(rows[15]).toBe('| 16 | CPU 0 | **begin** | P-SEAMLDR | `busy`: false -> true<br>`ph[0]`: READY -> BUSY<br>`vmcs[0]`: true -> false |');
    expect(rows[0]).not.toContain('stage');
  });

  it('draws a Mermaid sequence diagram with a lane per CPU and per shared actor', () => {
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(md)![1]!.split('\n');
    expect(diagram[0]).toBe('sequenceDiagram');
    expect(diagram.filter((l) => l.includes('participant'))).toEqual([
      ...['CPU 0', 'CPU 1', 'CPU 2', 'CPU 3'].map((n, i) => `  participant A${i} as ${n}`),
      '  participant S0 as TDX module',
      '  participant S1 as P-SEAMLDR',
    ]);
    // begin calls the module (SHUTDOWN, LPINIT, RESTORE) or the P-SEAMLDR (INSTALL); skip and finish are notes
    const begins = nolock.steps.filter((s) => s.action === 'begin').length;
    expect(diagram.filter((l) => /^ {2}A\d->>S\d: \d+\. begin/.test(l))).toHaveLength(begins);
    expect(diagram.filter((l) => l.startsWith('  Note over A'))).toHaveLength(17 - begins);
    const calls = /```mermaid\n([\s\S]*?)\n```/.exec(renderMarkdown(small))![1]!;
    expect(calls).toMatch(/participant S0 as TDX module/);
    expect(calls).toMatch(/A\d->>S0: \d+\. TDH\.SYS\.INFO \[(task|irq)\]/);
    expect(calls).toMatch(/A\d->>S1: \d+\. SEAMLDR\.INSTALL<br\/>loaded: false -> true/);
    // Mermaid ends text at ';' and '#': none may appear raw in a message or note.
    for (const line of calls.split('\n').filter((l) => l.includes(': '))) expect(line.slice(line.indexOf(': '))).not.toMatch(/[;#](?!\d+;)/);
  });

  it('shows the failing state in full with the last step’s changes in bold, and coverage', () => {
    expect(md).toContain('| **`ph`** | **[BUSY, BUSY, ACKED, ACKED]** (ph[1] was READY) |');
    expect(md).toContain('| `cur` | [INSTALL, INSTALL, SHUTDOWN, SHUTDOWN] |');
    const never = renderMarkdown(noack);
    expect(never).toContain('| **begin** | **never** |  |');
    expect(never).toMatch(/Never fired: `begin`, `finish`, `fail` \(the search stopped at the first counterexample/);
  });

  it('reads well for a TDX spec: contexts, kernel sources, vCPU lanes', () => {
    const c = renderMarkdown(D31);
    expect(c).toContain('| step | actor | context | action | kernel source | changed (old -> new) |');
    expect(c).toMatch(/\| 2 \| vCPU 0 \| task \| \*\*KVM_CREATE_VCPU\*\* \| arch\/x86\/kvm\/vmx\/tdx\.c: tdx_vcpu_create\(\)/);
    expect(c).toContain('**C1** (transition)');
    expect(c).toContain('- **Where:** step 2 (KVM_CREATE_VCPU(vCPU 0)) breaks it');
  });
});

describe('plain text', () => {
  it('never exceeds 78 columns and has no markup, tabs or colour', () => {
    const wide = report(specRun(lockstep, { cpus: 7, variant: 'nolock' }));
    for (const [name, r] of Object.entries({ ...ALL, wide })) {
      const text = renderText(r);
      const long = text.split('\n').filter((l) => l.length > TEXT_WIDTH);
      expect(long, name).toEqual([]);
      // eslint-disable-next-line no-control-regex -- an escape sequence is what must not appear
      expect(text, name).not.toMatch(/\x1b|\t|\*\*|```|<br>|\| ---/);
    }
  });

  it('draws one column per acting CPU, each step in its CPU’s column', () => {
    const lines = renderText(nolock).split('\n');
    const head = lines.find((l) => l.includes('CPU 0') && l.includes('CPU 3'))!;
    const col = (cpu: number) => head.indexOf(`CPU ${cpu}`);
    const stepLine = (n: number) => lines.find((l) => new RegExp(`^${n} +\\S`).test(l))!;
    expect(stepLine(16).indexOf('begin')).toBe(col(0));
    expect(stepLine(17).indexOf('begin')).toBe(col(1));
    expect(stepLine(4).indexOf('skip')).toBe(col(3));
    const at16 = lines.indexOf(stepLine(16));
    expect(lines.slice(at16 + 1, at16 + 4).map((l) => l.trim())).toEqual(['busy: false -> true', 'ph[0]: READY -> BUSY', 'vmcs[0]: true -> false']);
  });

  it('says which CPUs stood still, what broke, and lists the final state with the last changes marked', () => {
    const t = renderText(noack);
    expect(t).toContain('PROPERTY Lockstep VIOLATED (invariant)');
    expect(t).toContain('(CPU 1, CPU 2, CPU 3 take no step)');
    expect(t).toContain('=> Lockstep violated: the state after step 2 breaks it');
    expect(t).toContain('* cur = [SHUTDOWN, START, START, START]');
    expect(t).toContain('  stage = SHUTDOWN');
    expect(t).toContain(
      'Action coverage: 2 of 5 actions fired in the explored space; never fired:\n  begin, finish, fail (the search stopped at the first counterexample',
    );
  });

  it('falls back to one column labelled by actor when the lanes do not fit', () => {
    const wide = renderText(report(specRun(lockstep, { cpus: 7, variant: 'nolock' })));
    expect(wide).toMatch(/\n\d+ +CPU 6: \w+/);
  });

  it('shows a deadlock, and a step that calls a shared actor', () => {
    const t = renderText(stuck);
    expect(t).toContain('DEADLOCK');
    expect(t).toMatch(/=> deadlock: after step \d+ no action is enabled/);
    expect(renderText(small)).toMatch(/TDH\.SYS\.INFO (\[(task|irq)\] )?calls TDX module\n/);
  });
});

describe('plain text that must stay short', () => {
  /** `r` with its steps repeated `times` times, renumbered: a long trace of real steps. */
  const longer = (r: Report, times: number): Report => {
    const steps = r.steps.slice(1);
    const all = Array.from({ length: times }, () => steps).flat();
    return { ...r, steps: [r.steps[0]!, ...all.map((s, i) => ({ ...s, index: i + 1 }))] };
  };

  it('stays within TEXT_MAX_LINES by leaving the full state, then the changes, then the lanes to the other formats, and says so', () => {
    const full = renderText(nolock);
    expect(full).toContain('State after step 17, in full');
    expect(full).toContain('busy: false -> true');
    const twice = renderText(longer(nolock, 2));
    const words = twice.replace(/\s+/g, ' ');
    expect(words).toContain('the fields that differ from the initial state (in full in the .md, .html and .json reports)');
    expect(words).toContain('what each step changed is in the .md, .html and .json reports');
    expect(twice.split('\n').length - 1).toBeLessThanOrEqual(TEXT_MAX_LINES);
    expect(twice).toMatch(/\n +CPU 0 +CPU 1 +CPU 2 +CPU 3\n/);
    expect(twice).toContain('  stage: START -> INSTALL\n');
  });

  it('never cuts a trace: past the limit every step is still there, one line each', () => {
    const r = longer(nolock, 8);
    const t = renderText(r).split('\n');
    expect(t.length - 1).toBeGreaterThan(TEXT_MAX_LINES);
    expect(t.filter((l) => /^\d+ +CPU \d: /.test(l)).map((l) => Number(/^\d+/.exec(l)![0]))).toEqual(r.steps.slice(1).map((s) => s.index));
  });

  it('lists an array of records as a table, a column per CPU, the last step’s changes starred', () => {
    const t = renderText(small);
    expect(t).toMatch(/\n {2}irq = \[/);
    const cpus = report(specRun(update, { variant: 'D3' }));
    const lines = renderText(cpus).split('\n');
    const head = lines.findIndex((l) => /^ {2}cpu\[i\] +0 +1 +2$/.test(l));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(/^ {4}\.online +true +true +true$/);
  });

  it('is ASCII: arrows and dashes spelled out, accents dropped, anything else named', () => {
    expect(ascii('a \u2192 b \u2014 caf\u00e9 \u20ac')).toBe('a -> b -- cafe <U+20AC>');
    expect(ascii('x\u00a0y')).toBe('x\u00a0y');
  });
});

describe('a counterexample of no steps (the initial state breaks the property)', () => {
  it('renders in every format', () => {
    const model = { ...reportModel('violation'), invariants: [{ name: 'Never', description: 'never holds', holds: () => false }] };
    const r = report(modelRun(model));
    expect(r.steps).toHaveLength(1);
    for (const f of FORMATS) expect(f.render(r), f.ext).toContain('Never');
    expect(renderText(r)).toContain('where: the initial state breaks it');
    expect(renderMarkdown(r)).not.toContain('```mermaid');
  });
});

describe('HTML (content; the browser test drives it)', () => {
  it('puts each step in its lane with a wire to the shared actor it calls', () => {
    const h = renderHtml(small);
    expect(h).toContain('<th class="shared">TDX module</th>');
    const call = small.steps.find((s) => s.action === 'SEAMLDR.INSTALL')!;
    const row = new RegExp(`<tr class="step" data-step="${call.index}">.*</tr>`).exec(h)![0];
    expect(row).toContain('class="act calls"');
    expect(row).toContain(`<td class="callee" title="${call.label}"><span>&#9654;</span></td>`);
    expect(row).toContain('<td class="wire"></td>');
  });

  it('escapes model text and keeps the data block closed', () => {
    const h = renderHtml(D32);
    expect(h).toContain('seed 004 (Sean: no hard-coded tables in KVM or userspace)');
    expect(h).toContain('<p class="prop"><b>C6</b> (invariant): userspace&#39;s CPUID');
    const data = /<script type="application\/json" id="trace-data">(.*?)<\/script>/s.exec(h)![1]!;
    expect(data).not.toContain('<');
    expect(JSON.parse(data).steps).toHaveLength(D32.steps.length);
  });
});

describe('JSON', () => {
  it('is the --json object of the run plus the report, with timing fields named', () => {
    const j = JSON.parse(renderJson(nolock));
    const cli = JSON.parse(JSON.stringify(checkJson('lockstep', nolock.subject.params, nolock.outcome)));
    for (const [k, v] of Object.entries(cli)) expect(j[k], k).toEqual(v);
    expect(j.tool).toEqual({ name: 'tdx-mc', version: '0.0.0-test' });
    expect(j.property).toMatchObject({ name: 'SerialInstall', kind: 'invariant', where: 'the state after step 17 breaks it' });
    expect(j.steps).toHaveLength(18);
    expect(j.steps[16]).toMatchObject({ label: 'begin(CPU 0)', lane: 'CPU 0', changes: [{ path: 'busy', from: false, to: true }, {}, {}] });
    expect(j.coverage.neverFired).toEqual([]);
    expect(j.timing).toEqual(['seconds']);
  });
});

/** The one line per format that carries wall-clock time, blanked. */
const untimed = (s: string): string => s.replace(/\d+\.\d+ s \(varies between runs\)/g, 'T').replace(/"seconds": [\d.e-]+/g, '"seconds": T');

describe('reruns', () => {
  it('render the same bytes but for the marked timing fields', () => {
    for (const [spec, set] of [
      [lockstep, { variant: 'nolock' }],
      [cpuid, { variant: 'D32' }],
    ] as const) {
      const a = report(specRun(spec, set));
      const b = report(specRun(spec, set));
      for (const f of FORMATS) expect(untimed(f.render(b)), `${spec.name} ${f.ext}`).toBe(untimed(f.render(a)));
    }
  });

  it('the timing normaliser only touches timing: a changed trace still differs', () => {
    expect(untimed(renderText(noack))).not.toBe(untimed(renderText(nolock)));
    expect(untimed(renderText(noack))).toContain('time:');
  });
});

describe('writing reports', () => {
  it('writes one file per format named after spec, parameters set and property, nothing half-written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-write-'));
    const first = writeReports(dir, specRun(lockstep, { variant: 'noack' }));
    const again = writeReports(dir, specRun(lockstep, { variant: 'noack' }));
    expect(again).toEqual(first);
    expect(readdirSync(dir).sort()).toEqual(['html', 'itf.json', 'json', 'md', 'txt'].map((e) => `lockstep--variant=noack--Lockstep.${e}`).sort());
    expect(untimed(readFileSync(join(dir, 'lockstep--variant=noack--Lockstep.txt'), 'utf8'))).toBe(untimed(renderText(noack)));
    expect(writeReports(dir, specRun(lockstep, {}))).toEqual([]);
  });

  it('two threads of one process writing the same report at once both succeed (ci runs its jobs so)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-write-'));
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        const { writeReports } = await import(${JSON.stringify(distUrl('checker/report/write.js'))});
        const { check } = await import(${JSON.stringify(distUrl('checker/check.js'))});
        const { lockstep } = await import(${JSON.stringify(distUrl('specs/lockstep/spec.js'))});
        const params = { cpus: 3, variant: 'noack' };
        const outcome = check(lockstep.build(params));
        for (let i = 0; i < 40; i++) writeReports(workerData, { spec: 'lockstep', params, options: {}, version: '0', outcome });
        parentPort.postMessage('ok');
      })().catch((e) => parentPort.postMessage(String(e)));`;
    const once = () =>
      new Promise<string>((done) => {
        const w = new Worker(code, { eval: true, workerData: dir });
        w.once('message', (m: string) => void w.terminate().then(() => done(m)));
      });
    expect(await Promise.all([once(), once()])).toEqual(['ok', 'ok']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps names short and safe: unsafe characters replaced, long names hashed', () => {
    const base = { spec: 'x', params: { a: 'b c/d' }, options: {}, version: '0' };
    expect(reportBaseName(base, 'P')).toBe('x--a=b_c_d--P');
    const long = { ...base, params: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`param${i}`, i])) };
    const other = { ...long, params: { ...long.params, param39: 99 } };
    const [n1, n2] = [reportBaseName(long, 'P'), reportBaseName(other, 'P')];
    expect(n1.length).toBeLessThanOrEqual(180);
    expect(n1).not.toBe(n2);
    expect(n1).toMatch(/^[A-Za-z0-9._=,-]+$/);
  });
});

describe('coverage after a symmetry-reduced search', () => {
  it('keeps per-action totals but leaves out per-CPU figures, which count representatives', () => {
    const plain = coverage(check(lockstepModel(4, 'ack')));
    const reduced = coverage(check(lockstepModel(4, 'ack'), { symmetry: true }));
    expect(plain.actions.every((a) => a.byActor?.length === 4)).toBe(true);
    expect(reduced.actions.every((a) => a.byActor === undefined && a.fired > 0)).toBe(true);
    expect(reduced.instancesNeverFired).toEqual([]);
  });
});
