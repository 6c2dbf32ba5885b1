// `tdxmc ci` and `tdxmc diff`: the gate's lines, tally and exit codes on small specs
// (test/fixtures/ci-specs.mjs), bad expectations, the time budget, --only, JUnit XML and SARIF,
// and the diff of lockstep's ack and nolock designs. The gate's workers run the build in dist/
// (npm test builds first), so these tests drive the built modules as the command does.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as CiCommand from '../checker/cli/ci-command.js';
import type * as Configuration from '../checker/ci/configuration.js';
import type * as DiffCommand from '../checker/cli/diff-command.js';
import { lockstep } from '../specs/lockstep/spec.js';
import type * as Gate from '../checker/ci/gate.js';
import type * as Location from '../checker/report/location.js';
import type * as Junit from '../checker/ci/junit.js';
import type * as Summary from '../checker/ci/summary.js';
import type { Expectation, Spec } from '../checker/spec.js';
import { parseXml, type XmlElement } from './support/xml.js';
import { built } from './support/built.js';
import { invoke } from './support/invoke.js';

const { ciCommand } = await built<typeof CiCommand>('checker/cli/ci-command.js');
const { diffCommand } = await built<typeof DiffCommand>('checker/cli/diff-command.js');
const { runGate } = await built<typeof Gate>('checker/ci/gate.js');
const { configurations } = await built<typeof Configuration>('checker/ci/configuration.js');
const { propertySite } = await built<typeof Location>('checker/report/location.js');
const { renderJunit } = await built<typeof Junit>('checker/ci/junit.js');
const { tally, tallyLine } = await built<typeof Summary>('checker/ci/summary.js');
const { specs: registry } = await built<{ specs: readonly Spec[] }>('specs/index.js');

const FIXTURE = new URL('./fixtures/ci-specs.mjs', import.meta.url);
const { counter, grid } = (await import(FIXTURE.href)) as { counter: Spec; grid: Spec };
const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tdxmc-ci-'));
const withExpectations = (expectations: Expectation[]): Spec => ({ ...counter, expectations });
const ci = (specs: readonly Spec[], ...args: string[]) => invoke(ciCommand, specs, ...args);

function tdxmc(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...(cwd === undefined ? {} : { cwd }) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const flipped = withExpectations([
  { name: 'reference', params: {}, expect: { verdict: 'pass' } },
  { name: 'double step', params: { step: 2 }, expect: { verdict: 'pass' } },
]);

describe('tdxmc ci: lines, tally, exit codes', () => {
  it('every configuration as expected: one line each, the tally, exit 0', async () => {
    const dir = tmp();
    const r = await ci([counter], '--quiet', '--report', dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^tdxmc ci: 3 configurations of 1 spec on \d worker threads?$/m);
    expect(r.out).toMatch(/^ok +counter +reference +defaults +pass +6 states {2}\d+\.\d\d s$/m);
    expect(r.out).toMatch(/^ok +counter +double step +step=2 +violation of NotPastMax in 3 steps {2}4 states/m);
    expect(r.out).toMatch(/^ok +counter +stuck at 3 +stuck=true +deadlock in 3 steps +4 states/m);
    // Columns line up: the outcomes start at one column on every line.
    const rows = r.out.split('\n').filter((l) => l.startsWith('ok'));
    expect(new Set(rows.map((l, i) => l.indexOf(['pass', 'violation', 'deadlock'][i]!)))).toHaveLength(1);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^3 passed, 0 failed in \d+\.\d s$/);
    // --report: every counterexample's reports, expected or not.
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.md'))
        .sort(),
    ).toEqual(['counter--step=2--NotPastMax.md', 'counter--stuck=true--deadlock.md']);
  });

  it('a flipped expectation: exit 1, expected vs actual named, reports of the counterexample', async () => {
    const dir = tmp();
    const r = await ci([flipped], '--quiet', '--report', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL +counter +double step +step=2\n {6}expected pass, got violation of NotPastMax in 3 steps {2}4 states/m);
    expect(r.out).toContain(
      '1 configuration not as expected:\n  counter/double step (step=2): expected pass, got violation of NotPastMax in 3 steps\n    NotPastMax is broken: see the counterexample\n    reports: ',
    );
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^1 passed, 1 failed in /);
    expect(readFileSync(join(dir, 'counter--step=2--NotPastMax.txt'), 'utf8')).toMatch(/configuration: double step/);
  });

  it('a known-bad variant that stops failing, or fails for another reason, or at another length, fails', async () => {
    const r = await ci(
      [
        withExpectations([
          { name: 'stops failing', params: {}, expect: { verdict: 'violation', property: 'NotPastMax' } },
          { name: 'other property', params: { step: 2 }, expect: { verdict: 'violation', property: 'BelowSixty' } },
          { name: 'other length', params: { step: 2 }, expect: { verdict: 'violation', property: 'NotPastMax', traceLength: 2 } },
          { name: 'right', params: { step: 2 }, expect: { verdict: 'violation', property: 'NotPastMax' } },
        ]),
      ],
      '--quiet',
      '--report',
      tmp(),
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/stops failing .*\n +expected violation of NotPastMax, got pass/);
    expect(r.out).toContain('no reachable state breaks it any more');
    expect(r.out).toContain('it fails for another reason (NotPastMax) than the expected BelowSixty');
    expect(r.out).toContain('the shortest counterexample changed length');
    expect(r.out).toMatch(/^ok +counter +right /m);
    expect(r.out).toMatch(/^1 passed, 3 failed in /m);
  });

  it('without --report, only unexpected counterexamples get reports', async () => {
    const dir = tmp();
    const gate = await runGate(configurations([withExpectations([...flipped.expectations!, counter.expectations![2]!])]), {
      workers: 2,
      reports: { dir, all: false },
      version: '0.0.0-test',
    });
    expect(gate.rows.map((r) => [r.config.expectation.name, r.passed, r.result.reports.length > 0])).toEqual([
      ['reference', true, false],
      ['double step', false, true],
      ['stuck at 3', true, false],
    ]);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.startsWith('counter--step=2--NotPastMax.'))).toBe(true);
  });

  it('a search bound that cuts a run: exit 3, incomplete is never a pass', async () => {
    const r = await ci([withExpectations([{ name: 'bounded', params: {}, options: { maxStates: 2 }, expect: { verdict: 'pass' } }])], '--quiet');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^FAIL .*\n +expected pass, got incomplete \(stopped by max-states\) {2}2 states/m);
    expect(r.out).toMatch(/^0 passed, 1 failed \(1 incomplete\) in /m);
  });

  it('--timeout stops what is unfinished: incomplete (stopped by time), exit 3; a real failure still wins with 1', async () => {
    const started = Date.now();
    const r = await ci([counter, grid], '--quiet', '--timeout', '1', '--jobs', '1', '--report', tmp());
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^FAIL {2}grid .*\n +expected pass, got incomplete \(stopped by time\)/m);
    expect(r.out).toContain('not finished within the --timeout budget');
    const both = await ci([flipped, grid], '--quiet', '--timeout', '1.5', '--report', tmp());
    expect(both.code).toBe(1);
  });

  it('a model that throws: exit 2, the error on its line', async () => {
    const r = await ci([withExpectations([{ name: 'crash', params: { crash: true }, expect: { verdict: 'pass' } }])], '--quiet');
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/got error: .*x := 99 is outside its domain/);
  });

  const bad: [string, Expectation, RegExp][] = [
    ['out of range', { name: 'c', params: { max: 99 }, expect: { verdict: 'pass' } }, /spec counter, configuration 'c': parameter max: 99 is outside 1\.\.50/],
    ['unknown parameter', { name: 'c', params: { cpus: 2 }, expect: { verdict: 'pass' } }, /configuration 'c': unknown parameter 'cpus'/],
    [
      'unknown property',
      { name: 'c', params: {}, expect: { verdict: 'violation', property: 'Nope' } },
      /configuration 'c': expected property 'Nope' is not one of the model's \(NotPastMax, BelowSixty\)/,
    ],
    [
      'bad option',
      { name: 'c', params: {}, options: { maxStates: 0 }, expect: { verdict: 'pass' } },
      /configuration 'c': maxStates 0 is not a positive integer/,
    ],
    [
      'bad verdict',
      { name: 'c', params: {}, expect: { verdict: 'incomplete' } as unknown as Expectation['expect'] },
      /configuration 'c': expected verdict 'incomplete'/,
    ],
  ];
  it.each(bad)('a bad expectation (%s) is bad input naming spec and configuration, before anything runs', async (_, e, message) => {
    await expect(ci([withExpectations([e])], '--quiet')).rejects.toThrow(message);
  });

  it('two configurations of one name are bad input', async () => {
    await expect(ci([withExpectations([counter.expectations![0]!, counter.expectations![0]!])])).rejects.toThrow(/two configurations named 'reference'/);
  });
});

describe('tdxmc ci --only', () => {
  it('selects configurations by spec/name whole or by glob, case-insensitive, patterns united', async () => {
    const r = await ci([counter, grid], '--quiet', '--only', 'counter/DOUBLE*', '--only', '*/stuck at ?', '--report', tmp());
    expect(r.code).toBe(0);
    expect(
      r.out
        .split('\n')
        .filter((l) => l.startsWith('ok'))
        .map((l) => l.split(/ {2,}/)[2]),
    ).toEqual(['double step', 'stuck at 3']);
    expect(r.out).toMatch(/^2 passed, 0 failed/m);
  });

  it('a pattern that matches nothing is bad input', async () => {
    await expect(ci([counter], '--only', 'nothing')).rejects.toThrow(/--only nothing: matches no configuration/);
    // Whole names: a part of one selects nothing.
    await expect(ci([counter], '--only', 'counter/double')).rejects.toThrow(/matches no configuration/);
  });

  it("a spec alone selects all of its configurations and no other spec's whose name contains it", () => {
    const named = (...only: string[]) => configurations([counter, grid], only).map((c) => `${c.spec.name}/${c.expectation.name}`);
    const all = configurations([counter, grid]).map((c) => `${c.spec.name}/${c.expectation.name}`);
    const counters = all.filter((id) => id.startsWith('counter/'));
    expect(named('counter')).toEqual(counters);
    expect(named('counter/')).toEqual(counters);
    expect(named('COUNTER/*')).toEqual(counters);
    expect(named('*')).toEqual(all);
    expect(named('counter/reference')).toEqual(['counter/reference']);
    expect(named('c?unter/reference')).toEqual(['counter/reference']);
    // `.` `(` and the like are themselves, not regular-expression syntax.
    expect(() => named('counter/.*')).toThrow(/matches no configuration/);
  });

  it('--only update: the update spec, not init and cpuid configurations whose names mention an update', () => {
    const ids = configurations(registry, ['update']).map((c) => c.spec.name);
    expect(new Set(ids)).toEqual(new Set(['update']));
    expect(ids).toHaveLength(registry.find((s) => s.name === 'update')!.expectations!.length);
    // What the old substring rule also took, to show the case is real.
    expect(registry.some((s) => s.name !== 'update' && (s.expectations ?? []).some((e) => `${s.name}/${e.name}`.toLowerCase().includes('update')))).toBe(true);
  });
});

const child = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c) => c.name === name);

describe('tdxmc ci: outputs and interruption', () => {
  it('a JUnit, SARIF or report path that cannot be written is bad input before anything runs', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'plain'), '');
    for (const args of [
      ['--junit', join(dir, 'plain', 'junit.xml')],
      ['--sarif', dir],
      ['--report', join(dir, 'plain')],
    ])
      await expect(ci([counter], '--quiet', ...args), args.join(' ')).rejects.toThrow(new RegExp(`^${args[0]}: cannot write`));
    expect(readdirSync(dir)).toEqual(['plain']);
  });

  it('a report that cannot be written after the run: the verdicts stand, the tally and JUnit are written, exit 2 with one line', async () => {
    const dir = tmp();
    // A folder where a report file goes: the rename over it fails once the run found the counterexample.
    mkdirSync(join(dir, 'counter--step=2--NotPastMax.md'));
    const r = await ci([counter], '--quiet', '--report', dir, '--junit', join(dir, 'junit.xml'));
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^ok +counter +double step +step=2 +violation of NotPastMax in 3 steps {2}4 states/m);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^3 passed, 0 failed in /);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^tdxmc: --report: counter\/double step: cannot write into /);
    expect(parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8')).attrs).toMatchObject({ tests: '3', failures: '0', errors: '0' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('stopped by a signal: what finished is tallied and in JUnit, the rest not run (<skipped>)', async () => {
    const stop = new AbortController();
    const configs = configurations([counter, grid]);
    const gate = await runGate(configs, {
      workers: 1,
      reports: { dir: tmp(), all: false },
      version: '0.0.0-test',
      signal: stop.signal,
      onDone: () => stop.abort('SIGINT'),
    });
    const ran = gate.rows.filter((r) => r.result.notRun !== true);
    expect(ran).toHaveLength(1);
    expect(ran[0]!.passed).toBe(true);
    expect(tally(gate.rows)).toEqual({ passed: 1, failed: 0, errors: 0, incomplete: 0, notRun: configs.length - 1 });
    expect(tallyLine(gate.rows, 1)).toBe(`1 passed, 0 failed, ${configs.length - 1} not run (stopped by SIGINT) in 1.0 s`);
    const root = parseXml(renderJunit(gate.rows, 1));
    expect(root.attrs).toMatchObject({ tests: String(configs.length), failures: '0', errors: '0', skipped: String(configs.length - 1) });
    const skipped = child(root, 'testsuite')
      .flatMap((s) => child(s, 'testcase'))
      .flatMap((c) => child(c, 'skipped'));
    expect(skipped.map((x) => x.attrs['message'])).toEqual(Array(configs.length - 1).fill('not run: stopped by SIGINT'));
  });
});

describe('tdxmc ci --junit', () => {
  it('Ant/Surefire JUnit: a suite per spec, a case per configuration, failures with expected vs actual and the trace', async () => {
    const dir = tmp();
    const weird = withExpectations([
      ...flipped.expectations!,
      { name: 'odd <&"\'> name\x07', params: { stuck: true }, expect: { verdict: 'pass' } },
      { name: 'crash', params: { crash: true }, expect: { verdict: 'pass' } },
    ]);
    const r = await ci([weird, grid], '--quiet', '--junit', join(dir, 'sub', 'junit.xml'), '--timeout', '2', '--report', dir);
    expect(r.code).toBe(2);
    const root = parseXml(readFileSync(join(dir, 'sub', 'junit.xml'), 'utf8'));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '5', failures: '3', errors: '1' });
    const suites = child(root, 'testsuite');
    expect(suites.map((s) => [s.attrs['name'], s.attrs['tests']])).toEqual([
      ['counter', '4'],
      ['grid', '1'],
    ]);
    const cases = child(suites[0]!, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual([
      'reference (defaults)',
      'double step (step=2)',
      'odd <&"\'> name\uFFFD (stuck=true)',
      'crash (crash=true)',
    ]);
    for (const c of [...cases, ...child(suites[1]!, 'testcase')]) expect(Number(c.attrs['time'])).toBeGreaterThanOrEqual(0);
    expect(cases[0]!.children).toEqual([]);
    const [failure] = child(cases[1]!, 'failure');
    expect(failure!.attrs['message']).toBe('expected pass, got violation of NotPastMax in 3 steps');
    expect(failure!.text).toContain('x: 4 -> 6');
    expect(child(cases[2]!, 'failure')[0]!.attrs['message']).toBe('expected pass, got deadlock in 3 steps');
    expect(child(cases[3]!, 'error')[0]!.attrs['message']).toMatch(/^expected pass, got error: /);
    expect(child(child(suites[1]!, 'testcase')[0]!, 'failure')[0]!.attrs).toMatchObject({
      type: 'incomplete',
      message: 'expected pass, got incomplete (stopped by time)',
    });
  });

  it('the reader used above rejects malformed XML', () => {
    for (const doc of ['<a><b></a>', '<a x=1/>', '<a>1 < 2</a>', '<a>&nope;</a>', '<a>AT&T</a>', '<a/><b/>', '<a>\x07</a>'])
      expect(() => parseXml(doc)).toThrow();
  });
});

interface Sarif {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; shortDescription: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[];
    }[];
  }[];
}

describe('tdxmc ci --sarif', () => {
  it('SARIF 2.1.0: one result per failed gate, at the line of the property (ci-formats.test.ts checks the rest)', async () => {
    const dir = tmp();
    const specs = [
      withExpectations([
        ...flipped.expectations!,
        { name: 'stops failing', params: {}, expect: { verdict: 'violation', property: 'NotPastMax' } },
        { name: 'expected', params: { step: 2, max: 7 }, expect: { verdict: 'violation', property: 'NotPastMax' } },
        { name: 'unexpected deadlock', params: { stuck: true }, expect: { verdict: 'pass' } },
      ]),
    ];
    expect((await ci(specs, '--quiet', '--sarif', join(dir, 'tdxmc.sarif'), '--report', dir)).code).toBe(1);
    const log = JSON.parse(readFileSync(join(dir, 'tdxmc.sarif'), 'utf8')) as Sarif;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0.*\.json$/);
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0]!.tool;
    expect(driver).toMatchObject({ name: 'tdx-mc', version: '0.0.0-test' });
    const ids = driver.rules.map((r) => r.id);
    expect(ids).toEqual(['counter/NotPastMax', 'counter/BelowSixty', 'counter/deadlock']);
    expect(driver.rules[0]!.shortDescription.text).toBe('x never passes max');
    const results = log.runs[0]!.results;
    expect(results.map((r) => r.ruleId)).toEqual(['counter/NotPastMax', 'counter/NotPastMax', 'counter/deadlock']);
    const source = readFileSync(FIXTURE, 'utf8').split('\n');
    for (const r of results) {
      expect(ids[r.ruleIndex]).toBe(r.ruleId);
      expect(r.level).toBe('error');
      expect(r.locations).toHaveLength(1);
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation).toEqual({ uri: 'test/fixtures/ci-specs.mjs', uriBaseId: '%SRCROOT%' });
      expect(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1).toBe(true);
    }
    expect(source[results[0]!.locations[0]!.physicalLocation.region.startLine - 1]).toContain('...PROPERTIES.NotPastMax, holds');
    expect(source[results[1]!.locations[0]!.physicalLocation.region.startLine - 1]).toContain('...PROPERTIES.NotPastMax, holds');
    expect(source[results[2]!.locations[0]!.physicalLocation.region.startLine - 1]).toContain('isEndState');
    expect(results[0]!.message.text).toMatch(/^counter\/double step \(step=2\): NotPastMax violated in 3 steps; expected pass\./);
    expect(results[0]!.message.text).toContain('x: 4 -> 6');
  });

  it("a spec's property defined in another file of its folder is found there", () => {
    const vmx = registry.find((s) => s.name === 'vmx')!;
    const site = propertySite(vmx.file, 'V4')!;
    expect(site.path).toBe('specs/vmx/properties.ts');
    expect(readFileSync(new URL(`../${site.path}`, import.meta.url), 'utf8').split('\n')[site.line! - 1]).toMatch(/^\s*V4: transition\(/);
  });
});

describe('tdxmc diff', () => {
  const diff = (...args: string[]) => invoke(diffCommand, registry, ...args);

  it('lockstep ack vs nolock: SerialInstall holds now and the proposal breaks it, with the trace; exit 1', async () => {
    const r = await diff('lockstep', '--set', 'cpus=3', '--vs-set', 'variant=nolock', '--quiet');
    expect(r.code).toBe(1);
    expect(r.out).toContain('lockstep: current design vs proposal\n  both:      cpus=3\n  current:   variant=ack\n  proposal:  variant=nolock\n');
    expect(r.out).toMatch(/^ {2}property {8}current {2}proposal$/m);
    expect(r.out).toMatch(/^ {2}Lockstep {8}holds {4}holds$/m);
    expect(r.out).toMatch(/^ {2}SerialInstall {3}holds {4}BROKEN in 14 steps$/m);
    expect(r.out).toMatch(/^ {2}deadlock {8}none {5}none$/m);
    expect(r.out).toContain('The proposal breaks a property that holds in the current design: SerialInstall.');
    expect(r.out).toMatch(
      /==== SerialInstall: broken by the proposal ====\n\ntdx-mc counterexample: lockstep cpus=3 variant=nolock\n\nPROPERTY SerialInstall VIOLATED/,
    );
  });

  it('the other way round the proposal fixes it and breaks nothing: exit 0; --json', async () => {
    const r = await diff('lockstep', '--set', 'cpus=3', '--set', 'variant=nolock', '--vs-set', 'variant=ack', '--quiet', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { properties: { name: string; current: { verdict: string }; proposal: { verdict: string } }[]; breaks: unknown[] };
    expect(j.breaks).toEqual([]);
    expect(j.properties.map((p) => [p.name, p.current.verdict, p.proposal.verdict])).toEqual([
      ['Lockstep', 'pass', 'pass'],
      ['SerialInstall', 'violation', 'pass'],
      ['VmcsRestored', 'pass', 'pass'],
      ['UpdateComplete', 'pass', 'pass'],
      ['Terminates', 'pass', 'pass'],
      ['deadlock', 'pass', 'pass'],
    ]);
  });

  it('needs a spec and a --vs-set', async () => {
    await expect(diff('lockstep')).rejects.toThrow(/--vs-set/);
    await expect(diff('nope', '--vs-set', 'x=1')).rejects.toThrow(/unknown spec 'nope'/);
    await expect(diff('lockstep', '--vs-set', 'cpus=99')).rejects.toThrow(/proposal: parameter cpus: 99 is outside/);
  });
});

describe('the built command', () => {
  it('tdxmc ci --only lockstep: lines and tally, exit 0, no reports when nothing unexpected', () => {
    const cwd = tmp();
    const r = tdxmc(['ci', '--only', 'lockstep/', '--quiet'], cwd);
    expect(r.code).toBe(0);
    const n = lockstep.expectations!.length;
    expect(r.out.split('\n').filter((l) => /^ok +lockstep /.test(l))).toHaveLength(n);
    expect(r.out).toMatch(new RegExp(`^${n} passed, 0 failed in `, 'm'));
    expect(existsSync(join(cwd, 'reports'))).toBe(false);
  });

  it('tdxmc ci --json: one object with the tally and every configuration', () => {
    const r = tdxmc(['ci', '--only', 'lockstep/no install lock', '--json', '--quiet', '--report', tmp()]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ passed: 1, failed: 0, incomplete: 0 });
    expect(j.configurations[0]).toMatchObject({
      spec: 'lockstep',
      name: 'no install lock',
      params: { cpus: 4, variant: 'nolock' },
      expect: { verdict: 'violation', property: 'SerialInstall' },
      actual: { verdict: 'violation', property: 'SerialInstall' },
      passed: true,
    });
    expect(j.configurations[0].violation.trace[0]).toMatchObject({ action: null });
  });

  it('bad flags are bad input: exit 2, one line', () => {
    for (const args of [
      ['ci', '--only', 'nothing-matches'],
      ['ci', '--jobs', '0'],
      ['ci', '--jobs', String(availableParallelism() * 4 + 1)],
      ['ci', '--timeout', '99999999999'],
      ['diff', 'lockstep', '--vs-set', 'variant=nolock', '--jobs', '100000'],
      ['ci', '--timeout', 'soon'],
      ['ci', '--frobnicate'],
      ['diff', 'lockstep'],
    ]) {
      const r = tdxmc(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });

  it('tdxmc diff: exit 1 when the proposal breaks a property', () => {
    expect(tdxmc(['diff', 'lockstep', '--set', 'cpus=3', '--vs-set', 'variant=nolock', '--quiet']).code).toBe(1);
  });
});
