// `tdxmc merge`: the outputs of `ci --shard i/N` jobs made one, as if one `ci` had run them
// all: the `--json` objects into one of the same shape (one tally, one verdict), the JUnit files
// into one <testsuites>, the SARIF logs into one run. Each input's kind is told by its content.
// The inputs must be one split: the same tdxmc version, no configuration in two of them, and,
// when they are shards, every shard of the split once, so a shard whose job died before writing
// cannot pass unseen. Configurations come out in declaration order, as `ci` prints them.

import { UsageError } from '../exit.js';
import type { Spec } from '../spec.js';
import { settingsText } from './configuration.js';
import type { Actual, Expected } from './expected.js';
import { exitOf } from './gate.js';
import { xmlEscape } from './junit.js';
import { SARIF_SCHEMA } from './sarif.js';
import type { Tally } from './summary.js';

/** One configuration of `ci --json`, as far as merging reads it. */
export interface CiJsonRow {
  readonly spec: string;
  readonly name: string;
  readonly expect: Expected;
  readonly actual: Actual;
  readonly passed: boolean;
  readonly [more: string]: unknown;
}

/** `ci --json`'s object, as far as merging reads it. */
export interface CiJson extends Tally {
  readonly seconds: number;
  readonly tool?: { readonly name: string; readonly version: string };
  /** `i/N` of a sharded run. */
  readonly shard?: string;
  readonly configurations: readonly CiJsonRow[];
  readonly audits?: readonly { readonly spec: string; readonly score: number; readonly floor?: number; readonly survivors: readonly string[] }[];
  readonly stoppedBy?: string;
  readonly unwritten?: readonly string[];
}

interface SarifLog {
  readonly runs: readonly {
    readonly tool: { readonly driver: { readonly name: string; readonly version: string; readonly rules: readonly { readonly id: string }[] } };
    readonly results: readonly { readonly ruleId: string; readonly ruleIndex?: number; readonly message: { readonly text: string } }[];
  }[];
}

export type Input =
  | { readonly kind: 'json'; readonly file: string; readonly json: CiJson }
  | { readonly kind: 'junit'; readonly file: string; readonly xml: string }
  | { readonly kind: 'sarif'; readonly file: string; readonly log: SarifLog };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What `file` holds, told by its content; anything but `ci`'s JSON, JUnit or SARIF is bad input. */
export function inputOf(file: string, text: string): Input {
  if (/^\s*</.test(text)) {
    if (!/<testsuites name="tdxmc ci"/.test(text)) throw new UsageError(`merge: ${file}: XML, but not the JUnit of tdxmc ci --junit`);
    return { kind: 'junit', file, xml: text };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`merge: ${file}: neither JSON nor XML (tdxmc ci --json, --junit or --sarif output)`);
  }
  if (isObject(data) && data['version'] === '2.1.0' && Array.isArray(data['runs'])) {
    const log = data as unknown as SarifLog;
    if (log.runs.length !== 1 || log.runs[0]!.tool.driver.name !== 'tdx-mc') throw new UsageError(`merge: ${file}: SARIF, but not one run of tdx-mc`);
    return { kind: 'sarif', file, log };
  }
  if (isObject(data) && Array.isArray(data['configurations']) && typeof data['passed'] === 'number')
    return { kind: 'json', file, json: data as unknown as CiJson };
  throw new UsageError(`merge: ${file}: JSON, but neither tdxmc ci --json output nor SARIF`);
}

/** The version of tdxmc that wrote an input. */
const versionOf = (i: Input): string | undefined =>
  i.kind === 'json' ? i.json.tool?.version : i.kind === 'sarif' ? i.log.runs[0]!.tool.driver.version : undefined;

/** How each format names a configuration, and its place in declaration order. */
interface Identity {
  readonly id: string;
  /** JUnit: `classname` and `name`, as escaped in the file. */
  readonly testcase: string;
  /** How a SARIF result's message starts. */
  readonly result: string;
}

function identities(specs: readonly Spec[]): Identity[] {
  return specs.flatMap((s) =>
    (s.expectations ?? []).map((e) => {
      const id = `${s.name}/${e.name}`;
      return { id, testcase: testcaseKey(xmlEscape(`tdxmc.${s.name}`), xmlEscape(`${e.name} (${settingsText(e)})`)), result: `${id} (${settingsText(e)}): ` };
    }),
  );
}

const testcaseKey = (classname: string, name: string): string => `${classname}\0${name}`;

/** Sorts by `rank` (declaration order), those it does not know last, in their order. */
const inOrder = <T>(items: readonly T[], rank: (t: T) => number): T[] => [...items].sort((a, b) => rank(a) - rank(b));

/** Each configuration in one input only: `key` names it (undefined: not known, not checked). */
function refuseOverlap<T>(inputs: readonly { file: string; items: readonly T[] }[], key: (t: T) => string | undefined, show: (k: string) => string): void {
  const seen = new Map<string, string>();
  for (const { file, items } of inputs) {
    for (const item of items) {
      const k = key(item);
      if (k === undefined) continue;
      const other = seen.get(k);
      if (other === file) throw new UsageError(`merge: ${file} is given twice`);
      if (other !== undefined) throw new UsageError(`merge: ${show(k)} is in both ${other} and ${file}: inputs of one split have no configuration in common`);
      seen.set(k, file);
    }
  }
}

/** One tdxmc version; when shards, every shard of one split once. */
export function refuseMismatch(inputs: readonly Input[]): void {
  for (const i of inputs) {
    if (i.kind !== 'junit' && versionOf(i) === undefined) throw new UsageError(`merge: ${i.file}: carries no tdxmc version (written by an older tdxmc?)`);
  }
  const versioned = inputs.filter((i) => versionOf(i) !== undefined);
  const other = versioned.find((i) => versionOf(i) !== versionOf(versioned[0]!));
  if (other !== undefined)
    throw new UsageError(
      `merge: ${versioned[0]!.file} is from tdxmc ${versionOf(versioned[0]!)}, ${other.file} from ${versionOf(other)}: merge the outputs of one version`,
    );
  const json = inputs.flatMap((i) => (i.kind === 'json' ? [i] : []));
  const sharded = json.filter((i) => i.json.shard !== undefined);
  if (sharded.length === 0) return;
  const whole = json.find((i) => i.json.shard === undefined);
  if (whole !== undefined)
    throw new UsageError(`merge: ${whole.file} is no shard, ${sharded[0]!.file} shard ${sharded[0]!.json.shard}: merge the shards of one split`);
  const count = sharded[0]!.json.shard!.split('/')[1]!;
  const split = sharded.find((i) => i.json.shard!.split('/')[1] !== count);
  if (split !== undefined)
    throw new UsageError(
      `merge: ${sharded[0]!.file} is shard ${sharded[0]!.json.shard}, ${split.file} shard ${split.json.shard}: merge the shards of one split`,
    );
  refuseOverlap(
    json.map((i) => ({ file: i.file, items: [i.json.shard!] })),
    (s) => s,
    (s) => `shard ${s}`,
  );
  const missing = Array.from({ length: Number(count) }, (_, k) => `${k + 1}/${count}`).filter((s) => !sharded.some((i) => i.json.shard === s));
  if (missing.length > 0)
    throw new UsageError(`merge: shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} missing: every shard's --json is needed for a verdict`);
}

const sum = (xs: readonly CiJson[], f: (j: CiJson) => number | undefined): number => xs.reduce((t, j) => t + (f(j) ?? 0), 0);

/** The `ci --json` objects as one: configurations in declaration order, one tally; seconds are the slowest input's (the shards ran side by side). */
export function mergeJson(inputs: readonly Extract<Input, { kind: 'json' }>[], specs: readonly Spec[]): CiJson {
  const rank = new Map(identities(specs).map((x, k) => [x.id, k]));
  const id = (r: CiJsonRow): string => `${r.spec}/${r.name}`;
  refuseOverlap(
    inputs.map((i) => ({ file: i.file, items: i.json.configurations })),
    id,
    (k) => k,
  );
  const all = inputs.map((i) => i.json);
  const notRun = sum(all, (j) => j.notRun);
  const audits = all.flatMap((j) => j.audits ?? []);
  const stoppedBy = all.find((j) => j.stoppedBy !== undefined)?.stoppedBy;
  const unwritten = all.flatMap((j) => j.unwritten ?? []);
  return {
    passed: sum(all, (j) => j.passed),
    failed: sum(all, (j) => j.failed),
    errors: sum(all, (j) => j.errors),
    incomplete: sum(all, (j) => j.incomplete),
    ...(notRun > 0 ? { notRun } : {}),
    seconds: Math.max(0, ...all.map((j) => j.seconds)),
    ...(all[0]?.tool === undefined ? {} : { tool: all[0].tool }),
    configurations: inOrder(
      all.flatMap((j) => j.configurations),
      (r) => rank.get(id(r)) ?? Infinity,
    ),
    // With --audit every shard audits the same specs: one audit a spec.
    ...(all.some((j) => j.audits !== undefined) ? { audits: audits.filter((a, k) => audits.findIndex((b) => b.spec === a.spec) === k) } : {}),
    ...(stoppedBy === undefined ? {} : { stoppedBy }),
    ...(unwritten.length === 0 ? {} : { unwritten }),
  };
}

/**
 * The merged run's exit code, as `ci`'s: an output not written or a model error 2, then a
 * configuration not as expected or a failed audit 1, then one incomplete or not run 3.
 */
export function mergedExit(j: CiJson): number {
  if ((j.unwritten?.length ?? 0) > 0) return 2;
  const exit = exitOf(j.configurations.map((r) => ({ passed: r.passed, verdict: r.actual.verdict })));
  if (exit !== 0) return exit;
  // auditHolds' rule on the JSON's fields: its survivors are those not accepted.
  if ((j.audits ?? []).some((a) => a.survivors.length > 0 || a.score < (a.floor ?? 0))) return 1;
  return (j.notRun ?? 0) > 0 ? 3 : 0;
}

const SUITES = /^<testsuites name="tdxmc ci" tests="\d+" failures="\d+" errors="\d+" skipped="\d+" time="([\d.]+)">$/m;
const SUITE = /^ {2}<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)" time="([\d.]+)">\n([\s\S]*?)^ {2}<\/testsuite>$/gm;
const CASE = /^ {4}<testcase classname="([^"]*)" name="([^"]*)"[^\n]*?(?:\/>|>\n[\s\S]*?\n {4}<\/testcase>)$/gm;

interface Suite {
  readonly name: string;
  readonly counts: readonly number[];
  readonly time: number;
  readonly cases: readonly { readonly key: string; readonly text: string }[];
}

function suitesOf(file: string, xml: string): { time: number; suites: Suite[] } {
  const head = SUITES.exec(xml);
  if (head === null) throw new UsageError(`merge: ${file}: no <testsuites> element as tdxmc ci --junit writes it`);
  const suites = [...xml.matchAll(SUITE)].map((m) => ({
    name: m[1]!,
    counts: [m[2], m[3], m[4], m[5]].map(Number),
    time: Number(m[6]),
    cases: [...m[7]!.matchAll(CASE)].map((c) => ({ key: testcaseKey(c[1]!, c[2]!), text: c[0] })),
  }));
  return { time: Number(head[1]), suites };
}

/** The JUnit files as one: a suite per spec, its test cases in declaration order, counts summed; the time is the slowest input's. */
export function mergeJunit(inputs: readonly Extract<Input, { kind: 'junit' }>[], specs: readonly Spec[]): string {
  const rank = new Map(identities(specs).map((x, k) => [x.testcase, k]));
  const parsed = inputs.map((i) => ({ file: i.file, ...suitesOf(i.file, i.xml) }));
  refuseOverlap(
    parsed.map((p) => ({ file: p.file, items: p.suites.flatMap((s) => s.cases) })),
    (c) => c.key,
    (k) => k.replace('\0', ' '),
  );
  const bySpec = new Map<string, Suite[]>();
  for (const s of parsed.flatMap((p) => p.suites)) bySpec.set(s.name, [...(bySpec.get(s.name) ?? []), s]);
  const merged = [...bySpec.entries()].map(([name, parts]) => {
    const cases = inOrder(
      parts.flatMap((p) => p.cases),
      (c) => rank.get(c.key) ?? Infinity,
    );
    return { name, counts: [0, 1, 2, 3].map((k) => parts.reduce((t, p) => t + p.counts[k]!, 0)), time: parts.reduce((t, p) => t + p.time, 0), cases };
  });
  const suites = inOrder(merged, (s) => Math.min(...s.cases.map((c) => rank.get(c.key) ?? Infinity)));
  const counts = (c: readonly number[]): string => `tests="${c[0]}" failures="${c[1]}" errors="${c[2]}" skipped="${c[3]}"`;
  const total = [0, 1, 2, 3].map((k) => merged.reduce((t, s) => t + s.counts[k]!, 0));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tdxmc ci" ${counts(total)} time="${Math.max(0, ...parsed.map((p) => p.time)).toFixed(3)}">`,
    ...suites.flatMap((s) => [
      `  <testsuite name="${s.name}" ${counts(s.counts)} time="${s.time.toFixed(3)}">`,
      ...s.cases.map((c) => c.text),
      '  </testsuite>',
    ]),
    '</testsuites>',
    '',
  ].join('\n');
}

/** The SARIF logs as one run: the rules of all (each once), the results in declaration order, each pointing at its rule in the merged list. */
export function mergeSarif(inputs: readonly Extract<Input, { kind: 'sarif' }>[], specs: readonly Spec[]): string {
  const ids = identities(specs);
  const configurationOf = (text: string): number | undefined => {
    const k = ids.findIndex((x) => text.startsWith(x.result));
    return k < 0 ? undefined : k;
  };
  const runs = inputs.map((i) => ({ file: i.file, run: i.log.runs[0]! }));
  refuseOverlap(
    runs.map((r) => ({ file: r.file, items: r.run.results })),
    (x) => {
      const k = configurationOf(x.message.text);
      return k === undefined ? undefined : ids[k]!.id;
    },
    (k) => k,
  );
  const rules = new Map<string, { readonly id: string }>();
  for (const x of runs.flatMap((r) => r.run.tool.driver.rules)) if (!rules.has(x.id)) rules.set(x.id, x);
  const unique = [...rules.values()];
  const ruleIndex = new Map(unique.map((x, k) => [x.id, k]));
  const results = inOrder(
    runs.flatMap((r) => r.run.results),
    (x) => configurationOf(x.message.text) ?? Infinity,
  ).map(({ ruleId, ruleIndex: _, ...x }) => ({ ruleId, ...(ruleIndex.has(ruleId) ? { ruleIndex: ruleIndex.get(ruleId)! } : {}), ...x }));
  const driver = runs[0]!.run.tool.driver;
  const log = { $schema: SARIF_SCHEMA, version: '2.1.0', runs: [{ tool: { driver: { ...driver, rules: unique } }, results }] };
  return JSON.stringify(log, null, 2) + '\n';
}
