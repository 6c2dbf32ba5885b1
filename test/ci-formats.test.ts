// What `tdxmc ci` hands to CI systems: SARIF 2.1.0 (validated against the OASIS schema vendored
// in test/fixtures/sarif-2.1.0.json, from github.com/oasis-tcs/sarif-spec
// sarif-2.1/schema/sarif-schema-2.1.0.json, errata 01) with a result for every failed gate at the
// lines of the code involved, JUnit test cases with `file` and `line`, `--format ktap` read back
// by a KTAP reader, and human lines within 100 columns. The gate runs the build in dist/.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as CiCommand from '../checker/cli/ci-command.js';
import type * as Configuration from '../checker/ci/configuration.js';
import type * as Gate from '../checker/ci/gate.js';
import type * as Junit from '../checker/ci/junit.js';
import type * as Sarif from '../checker/ci/sarif.js';
import type { Expectation, Spec } from '../checker/spec.js';
import { built } from './support/built.js';
import { invoke } from './support/invoke.js';
import { validate } from './support/json-schema.js';
import { KtapError, parseKtap, type KtapDocument } from './support/ktap.js';
import { parseXml } from './support/xml.js';

const { ciCommand } = await built<typeof CiCommand>('checker/cli/ci-command.js');
const { runGate } = await built<typeof Gate>('checker/ci/gate.js');
const { configurations } = await built<typeof Configuration>('checker/ci/configuration.js');
const { renderSarif } = await built<typeof Sarif>('checker/ci/sarif.js');
const { renderJunit } = await built<typeof Junit>('checker/ci/junit.js');
const { specs: registry } = await built<{ specs: readonly Spec[] }>('specs/index.js');

const FIXTURE = new URL('./fixtures/ci-specs.mjs', import.meta.url);
const { counter } = (await import(FIXTURE.href)) as { counter: Spec };
const SCHEMA = JSON.parse(readFileSync(new URL('./fixtures/sarif-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const lockstep = registry.find((s) => s.name === 'lockstep')!;

/** Every way a gate fails, and two that pass, on the small counter spec. */
const GATES: Expectation[] = [
  { name: 'reference', params: {}, expect: { verdict: 'pass' } },
  { name: 'double step', params: { step: 2 }, expect: { verdict: 'violation', property: 'NotPastMax', traceLength: 3 } },
  { name: 'broken', params: { step: 2 }, expect: { verdict: 'pass' } },
  { name: 'stops failing', params: {}, expect: { verdict: 'violation', property: 'NotPastMax' } },
  { name: 'wrong property', params: { step: 2 }, expect: { verdict: 'violation', property: 'BelowSixty' } },
  { name: 'longer trace', params: { step: 2 }, expect: { verdict: 'violation', property: 'NotPastMax', traceLength: 2 } },
  { name: 'unexpected deadlock', params: { stuck: true }, expect: { verdict: 'pass' } },
  { name: 'crash', params: { crash: true }, expect: { verdict: 'pass' } },
  { name: 'cut', params: {}, options: { maxStates: 2 }, expect: { verdict: 'pass' } },
];
const gated: Spec = { ...counter, expectations: GATES };
const FAILED = GATES.filter((g) => !['reference', 'double step'].includes(g.name)).map((g) => g.name);

/** The fixture's line (1-based) holding `text`, found in its text: an account independent of the code under test. */
function lineOf(text: string): number {
  const i = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(text));
  expect(i, text).toBeGreaterThanOrEqual(0);
  return i + 1;
}
const SITE = {
  NotPastMax: lineOf('...PROPERTIES.NotPastMax, holds'),
  BelowSixty: lineOf('...PROPERTIES.BelowSixty, holds'),
  inc: lineOf('effect: (s, n) =>'),
  init: lineOf('init: [() => {}]'),
  deadlock: lineOf('isEndState: (s) =>'),
};

const tmp = (): string => mkdtempSync(join(tmpdir(), 'tdxmc-formats-'));
const gate = async (spec: Spec) => runGate(configurations([spec]), { workers: 2, reports: { dir: tmp(), all: false }, version: '0.0.0-test' });

const ci = (specs: readonly Spec[], ...args: string[]) => invoke(ciCommand, specs, ...args);

interface Loc {
  id?: number;
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
  message?: { text: string };
}
interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; fullDescription: { text: string }; helpUri: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Loc[];
      relatedLocations?: Loc[];
      codeFlows?: { threadFlows: { locations: { location: Loc; executionOrder: number }[] }[] }[];
    }[];
  }[];
}

const rows = await gate(gated);
const GITHUB = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'owner/repo', GITHUB_SHA: '0123abc' };
const sarifText = renderSarif(rows.rows, '0.0.0-test', GITHUB);
const sarif = JSON.parse(sarifText) as SarifLog;
const resultOf = (name: string) => sarif.runs[0]!.results.find((r) => r.message.text.startsWith(`counter/${name} (`))!;
const line = (l: Loc | undefined): number | undefined => l?.physicalLocation.region.startLine;

describe('SARIF', () => {
  it('is valid SARIF 2.1.0 by the OASIS schema, and the check rejects a document broken in any of several ways', () => {
    expect(validate(SCHEMA, sarif)).toEqual([]);
    type Log = { version?: string; runs: { results: Record<string, unknown>[]; tool: { driver: { rules: Record<string, unknown>[] } } }[] };
    const broken = (f: (log: Log) => void): string[] => {
      const log = JSON.parse(sarifText) as Log;
      f(log);
      return validate(SCHEMA, log);
    };
    const result = (l: Log) => l.runs[0]!.results[0]!;
    expect(broken((l) => delete result(l)['message'])).toEqual(['$.runs[0].results[0]: no message']);
    expect(broken((l) => (result(l)['level'] = 'fatal'))[0]).toMatch(/level: "fatal" is not one of/);
    expect(broken((l) => (l.runs[0]!.tool.driver.rules[0]!['helpUri'] = 'specs/lockstep/README.md'))[0]).toMatch(/helpUri: .* is not a uri/);
    expect(broken((l) => ((result(l)['locations'] as Loc[])[0]!.physicalLocation.region.startLine = 0))[0]).toMatch(/startLine: 0 is below 1/);
    expect(broken((l) => (result(l)['codeFlow'] = []))[0]).toMatch(/unexpected property codeFlow/);
    expect(broken((l) => delete l.version)).toEqual(['$: no version']);
  });

  it('a result for every failed gate and none for a passing one', () => {
    const results = sarif.runs[0]!.results;
    expect(results.map((r) => r.message.text.split(' (')[0])).toEqual(FAILED.map((n) => `counter/${n}`));
    expect(results.map((r) => r.ruleId)).toEqual([
      'counter/NotPastMax',
      'counter/NotPastMax',
      'counter/NotPastMax',
      'counter/NotPastMax',
      'counter/deadlock',
      'counter/model-error',
      'counter/incomplete',
    ]);
    const rules = sarif.runs[0]!.tool.driver.rules;
    for (const r of results) expect(rules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(results.map((r) => r.level)).toEqual(['error', 'error', 'error', 'error', 'error', 'error', 'warning']);
  });

  it('expected a violation of P, got pass: at P, saying so', () => {
    const r = resultOf('stops failing');
    expect(r.message.text).toMatch(/^counter\/stops failing \(defaults\): expected a violation of NotPastMax, got pass: no reachable state breaks it/);
    expect(r.locations.map(line)).toEqual([SITE.NotPastMax]);
    expect(r.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'test/fixtures/ci-specs.mjs', uriBaseId: '%SRCROOT%' });
    expect(r.codeFlows).toBeUndefined();
    expect(r.relatedLocations).toBeUndefined();
  });

  it("a broken property: at its predicate, the last step's action related, the trace as a code flow at each step's code", () => {
    const r = resultOf('broken');
    expect(r.locations.map(line)).toEqual([SITE.NotPastMax]);
    expect(r.relatedLocations!.map((l) => [l.id, line(l), l.message!.text])).toEqual([[1, SITE.inc, 'the last step: 3. inc']]);
    const steps = r.codeFlows![0]!.threadFlows[0]!.locations;
    expect(steps.map((s) => [s.executionOrder, line(s.location), s.location.message!.text])).toEqual([
      [0, SITE.init, '0. initial state'],
      [1, SITE.inc, '1. inc'],
      [2, SITE.inc, '2. inc'],
      [3, SITE.inc, '3. inc'],
    ]);
    expect(resultOf('wrong property').relatedLocations!.map(line)).toEqual([SITE.inc, SITE.BelowSixty]);
    expect(resultOf('unexpected deadlock').locations.map(line)).toEqual([SITE.deadlock]);
    expect(resultOf('crash').locations.map(line)).toEqual([SITE.inc]);
  });

  it('rules: short and full descriptions, a help link to the spec in the repository of the run', () => {
    const rules = sarif.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(['counter/NotPastMax', 'counter/BelowSixty', 'counter/deadlock', 'counter/model-error', 'counter/incomplete']);
    expect(rules[0]).toMatchObject({
      shortDescription: { text: 'x never passes max' },
      fullDescription: { text: 'x never passes max.' },
      helpUri: 'https://github.com/owner/repo/blob/0123abc/test/fixtures/ci-specs.mjs',
    });
  });

  it('a spec built from TypeScript: sites in its .ts through the source maps; help in its README', async () => {
    const spec: Spec = {
      ...lockstep,
      expectations: [
        { name: 'got pass', params: {}, expect: { verdict: 'violation', property: 'SerialInstall' } },
        { name: 'flipped', params: { variant: 'nolock' }, expect: { verdict: 'pass' } },
      ],
    };
    const log = JSON.parse(renderSarif((await gate(spec)).rows, '0.0.0-test', {})) as SarifLog;
    expect(validate(SCHEMA, log)).toEqual([]);
    const source = readFileSync(join(ROOT, 'specs/lockstep/spec.ts'), 'utf8').split('\n');
    const [gotPass, flipped] = log.runs[0]!.results;
    for (const r of [gotPass!, flipped!]) {
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('specs/lockstep/spec.ts');
      const at = line(r.locations[0])!;
      // The predicate's line, in the object that declares SerialInstall (its footprint may come between).
      expect(source[at - 1]).toMatch(/^\s*holds: /);
      expect(source.slice(at - 4, at - 1).join('\n')).toContain('...PROPERTIES.SerialInstall');
    }
    const last = flipped!.relatedLocations![0]!;
    expect(source[line(last)! - 1]).toMatch(/^\s*effect: /);
    expect(log.runs[0]!.tool.driver.rules[0]!.helpUri).toMatch(/^[a-z]+:\/\/.*specs\/lockstep\/README\.md$/);
  });
});

describe('JUnit', () => {
  it("every test case names the file and line of the property its outcome concerns, else the spec's module", () => {
    const suite = parseXml(renderJunit(rows.rows, 1)).children[0]!;
    const at = Object.fromEntries(suite.children.map((c) => [c.attrs['name']!.split(' (')[0]!, [c.attrs['file'], Number(c.attrs['line'])]]));
    const fixture = 'test/fixtures/ci-specs.mjs';
    expect(at).toEqual({
      reference: [fixture, 1],
      'double step': [fixture, SITE.NotPastMax],
      broken: [fixture, SITE.NotPastMax],
      'stops failing': [fixture, SITE.NotPastMax],
      'wrong property': [fixture, SITE.NotPastMax],
      'longer trace': [fixture, SITE.NotPastMax],
      'unexpected deadlock': [fixture, SITE.deadlock],
      crash: [fixture, SITE.inc],
      cut: [fixture, 1],
    });
  });
});

describe('ci --format ktap', () => {
  const statuses = (doc: KtapDocument) => doc.tests.map((t) => `${t.ok ? 'ok' : 'not ok'}${t.directive ? ` ${t.directive}` : ''}`);

  it('KTAP version 1: a test per configuration, a subtest per property, read back by a KTAP reader', async () => {
    const human = await ci([gated], '--quiet');
    const r = await ci([gated], '--quiet', '--format', 'ktap');
    expect(r.code).toBe(human.code);
    const doc = parseKtap(r.out, { strict: true });
    expect(doc.version).toBe('KTAP version 1');
    expect(doc.plan).toBe(GATES.length);
    expect(doc.tests.map((t) => t.description)).toEqual(GATES.map((g) => `counter/${g.name}`));
    expect(statuses(doc)).toEqual(['ok', 'ok', 'not ok', 'not ok', 'not ok', 'not ok', 'not ok', 'not ok ERROR', 'not ok']);
    for (const t of doc.tests) {
      expect(t.subtests!.version).toBe('KTAP version 1');
      expect(t.subtests!.tests.map((s) => s.description)).toEqual(['NotPastMax', 'BelowSixty', 'deadlock']);
    }
    const subs = (name: string) => statuses(doc.tests.find((t) => t.description === `counter/${name}`)!.subtests!);
    expect(subs('reference')).toEqual(['ok', 'ok', 'ok']);
    expect(subs('double step')).toEqual(['ok XFAIL', 'ok SKIP', 'ok SKIP']);
    expect(subs('broken')).toEqual(['not ok', 'ok SKIP', 'ok SKIP']);
    expect(subs('stops failing')).toEqual(['not ok', 'ok', 'ok']);
    expect(subs('wrong property')).toEqual(['not ok', 'not ok', 'ok SKIP']);
    expect(subs('unexpected deadlock')).toEqual(['ok SKIP', 'ok SKIP', 'not ok']);
    expect(subs('cut')).toEqual(['ok SKIP', 'ok SKIP', 'ok SKIP']);
    const broken = doc.tests.find((t) => t.description === 'counter/broken')!;
    expect(broken.subtests!.tests[0]!.data).toBe('expected pass, got violation of NotPastMax in 3 steps');
    expect(broken.subtests!.tests[0]!.diagnostics.join('\n')).toContain('x: 4 -> 6');
    expect(broken.diagnostics[0]).toMatch(/^counter\/broken \(step=2\): expected pass, got violation of NotPastMax in 3 steps; 4 states/);
  });

  it('tdxmc ci --format ktap as a new user runs it: every lockstep configuration ok, exit 0', () => {
    const list = spawnSync(process.execPath, [BIN, 'ci', '--only', 'lockstep', '--list'], { encoding: 'utf8' });
    const r = spawnSync(process.execPath, [BIN, 'ci', '--only', 'lockstep', '--format', 'ktap'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const doc = parseKtap(r.stdout, { strict: true });
    expect(doc.tests.map((t) => t.description)).toEqual(list.stdout.trim().split('\n'));
    expect(doc.tests.every((t) => t.ok && t.subtests!.tests.length === lockstep.properties.length + 1)).toBe(true);
  });

  it('--json is --format json; a contradiction, an unknown format and --list with ktap are bad input', async () => {
    const json = JSON.parse((await ci([counter], '--quiet', '--format', 'json')).out) as Record<string, unknown>;
    const alias = JSON.parse((await ci([counter], '--quiet', '--json')).out) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(Object.keys(alias));
    expect(json['passed']).toBe(alias['passed']);
    for (const args of [
      ['--json', '--format', 'ktap'],
      ['--format', 'tap'],
      ['--list', '--format', 'ktap'],
    ]) {
      const r = spawnSync(process.execPath, [BIN, 'ci', '--only', 'lockstep', '--quiet', ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('the KTAP reader', () => {
  const EXAMPLE = [
    'KTAP version 1',
    '1..1',
    '  KTAP version 1',
    '  1..3',
    '    KTAP version 1',
    '    1..1',
    '    # test_1: initializing test_1',
    '    ok 1 test_1',
    '  ok 1 example_test_1',
    '    KTAP version 1',
    '    1..2',
    '    ok 1 test_1 # SKIP test_1 skipped',
    '    ok 2 test_2',
    '  ok 2 example_test_2',
    '    KTAP version 1',
    '    1..3',
    '    ok 1 test_1',
    '    # test_2: FAIL',
    '    not ok 2 test_2',
    '    ok 3 test_3 # SKIP test_3 skipped',
    '  not ok 3 example_test_3',
    'not ok 1 main_test',
  ].join('\n');

  it("reads the specification's example as the hierarchy it describes", () => {
    const doc = parseKtap(EXAMPLE, { strict: true });
    const main = doc.tests[0]!;
    expect([main.description, main.ok]).toEqual(['main_test', false]);
    expect(main.subtests!.tests.map((t) => [t.description, t.ok])).toEqual([
      ['example_test_1', true],
      ['example_test_2', true],
      ['example_test_3', false],
    ]);
    const [one, two, three] = main.subtests!.tests;
    expect(one!.subtests!.tests[0]!.diagnostics).toEqual(['test_1: initializing test_1']);
    expect(two!.subtests!.tests[0]).toMatchObject({ description: 'test_1', ok: true, directive: 'SKIP', data: 'test_1 skipped' });
    expect(three!.subtests!.tests[1]).toMatchObject({ description: 'test_2', ok: false, diagnostics: ['test_2: FAIL'] });
  });

  it('rejects malformed KTAP, naming the line', () => {
    const bad: [string, RegExp][] = [
      ['1..1\nok 1 a', /line 1: the first line is no version line/],
      ['KTAP version 1\n1..2\nok 1 a\nok 3 b', /line 4: test number 3 where 2 comes next/],
      ['KTAP version 1\n1..2\nok 1 a', /line 3: the plan says 2 tests, 1 ran/],
      ['KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  ok 1 a', /line 5: subtests without their parent’s result line/],
      ['KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  not ok 1 a\nok 1 parent', /line 6: a parent passes while a subtest fails/],
      ['KTAP version 1\n1..1\nsomething else\nok 1 a', /line 3: neither a version, plan, result nor diagnostic line/],
      ['KTAP version 1\n1..1\n   ok 1 a', /line 3: indented deeper than its set of tests/],
      ['KTAP version 1\n1..1\nKTAP version 1\nok 1 a', /line 3: a version or plan line in the middle/],
    ];
    for (const [text, why] of bad) expect(() => parseKtap(text, { strict: true }), text).toThrow(why);
    expect(() => parseKtap('KTAP version 1\n1..1\nsomething else\nok 1 a')).not.toThrow(KtapError);
  });
});

describe('ci human output', () => {
  it('no line is wider than 100 columns, long names and errors folded', async () => {
    const long: Spec = {
      ...counter,
      expectations: [
        { name: 'a configuration whose name alone takes most of a line, as some known-bad designs do', params: { step: 2 }, expect: { verdict: 'pass' } },
        { name: 'crash', params: { crash: true }, expect: { verdict: 'pass' } },
        ...counter.expectations!,
      ],
    };
    const r = await ci([long], '--quiet', '--report', tmp());
    const lines = r.out.trimEnd().split('\n');
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    expect(r.out).toMatch(
      /^FAIL {2}counter {2}a configuration whose name .* designs do\n {6}step=2 {2}expected pass, got violation of NotPastMax in 3 steps {2}4 states/m,
    );
    expect(r.out).toMatch(/^ok {4}counter {2}double step {2}step=2\n {6}violation of NotPastMax in 3 steps {2}4 states {2}\d+\.\d\d s$/m);
    const real = spawnSync(process.execPath, [BIN, 'ci', '--only', 'lockstep', '--quiet'], { encoding: 'utf8' });
    expect(real.stdout.split('\n').filter((l) => l.length > 100)).toEqual([]);
    expect(real.stdout).toMatch(/^ok {4}lockstep {2}no install lock +cpus=4 variant=nolock\n {6}violation of SerialInstall in 17 steps {2}169 states/m);
  });
});
