// A reader of KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst) for tests: version
// lines, plans, result lines `<ok|not ok> <number> [<description>][ # [<directive>] [<data>]]`,
// diagnostic lines `# ...`, and nested tests indented two spaces a level, each nested set
// opening with its own version line and closed by its parent's result line. Malformed input
// throws, naming the line. `strict` also refuses the "unknown lines" the format tolerates, and a
// parent that passes while one of its subtests fails.

export const DIRECTIVES = ['SKIP', 'TODO', 'XFAIL', 'TIMEOUT', 'ERROR'] as const;
export type Directive = (typeof DIRECTIVES)[number];

export interface KtapTest {
  readonly number: number;
  readonly ok: boolean;
  readonly description: string;
  readonly directive?: Directive;
  /** What follows the directive (or the `#` without one). */
  readonly data?: string;
  /** The diagnostic lines just before the result line, without their `# `. */
  readonly diagnostics: readonly string[];
  readonly subtests?: KtapDocument;
}

export interface KtapDocument {
  readonly version: string;
  readonly plan?: number;
  readonly tests: readonly KtapTest[];
}

const VERSION = /^(KTAP version 1|TAP version 13|TAP version 14)$/;
const PLAN = /^1\.\.(\d+)$/;
const RESULT = /^(ok|not ok) (\d+)(?: ([^#]*?))?\s*(?:#(.*))?$/;

export class KtapError extends Error {}

export function parseKtap(text: string, { strict = false } = {}): KtapDocument {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const fail = (i: number, why: string): never => {
    throw new KtapError(`line ${i + 1}: ${why}: ${JSON.stringify(lines[i] ?? '')}`);
  };
  const failing = (t: KtapTest): boolean => !t.ok && t.directive !== 'SKIP';

  /** The set of tests whose version line is line `i`, at `level`; returns it and the line after it. */
  const block = (start: number, level: number): [KtapDocument, number] => {
    const pad = '  '.repeat(level);
    const version = lines[start]!.slice(pad.length);
    let i = start + 1;
    let plan: number | undefined;
    const planned = PLAN.exec(lines[i]?.startsWith(pad) ? lines[i]!.slice(pad.length) : '');
    if (planned !== null) {
      plan = Number(planned[1]);
      i++;
    }
    const tests: KtapTest[] = [];
    let notes: string[] = [];
    let nested: KtapDocument | undefined;
    for (; i < lines.length;) {
      const line = lines[i]!;
      if (!line.startsWith(pad)) break;
      const rest = line.slice(pad.length);
      if (rest.startsWith('  ') && VERSION.test(rest.slice(2))) {
        if (nested !== undefined) fail(i, 'a second set of subtests before its parent’s result line');
        [nested, i] = block(i, level + 1);
        continue;
      }
      if (rest.startsWith('#')) {
        notes.push(rest.replace(/^# ?/, ''));
        i++;
        continue;
      }
      const r = RESULT.exec(rest);
      if (r !== null) {
        const number = Number(r[2]);
        if (number !== tests.length + 1) fail(i, `test number ${number} where ${tests.length + 1} comes next`);
        const after = r[4]?.trim() ?? '';
        const word = after.split(/\s+/)[0]!;
        const directive = (DIRECTIVES as readonly string[]).includes(word) ? (word as Directive) : undefined;
        const data = (directive === undefined ? after : after.slice(word.length)).trim();
        const t: KtapTest = {
          number,
          ok: r[1] === 'ok',
          description: r[3] ?? '',
          ...(directive === undefined ? {} : { directive }),
          ...(data === '' ? {} : { data }),
          diagnostics: notes,
          ...(nested === undefined ? {} : { subtests: nested }),
        };
        if (strict && t.ok && t.directive !== 'SKIP' && (nested?.tests ?? []).some(failing)) fail(i, 'a parent passes while a subtest fails');
        tests.push(t);
        notes = [];
        nested = undefined;
        i++;
        continue;
      }
      if (VERSION.test(rest) || PLAN.test(rest)) fail(i, 'a version or plan line in the middle of a set of tests');
      if (strict) fail(i, rest.startsWith(' ') ? 'indented deeper than its set of tests' : 'neither a version, plan, result nor diagnostic line');
      i++;
    }
    if (nested !== undefined) fail(i - 1, 'subtests without their parent’s result line');
    if (plan !== undefined && plan !== tests.length) fail(i - 1, `the plan says ${plan} tests, ${tests.length} ran`);
    return [{ version, ...(plan === undefined ? {} : { plan }), tests }, i];
  };

  if (lines.length === 0 || !VERSION.test(lines[0]!)) fail(0, 'the first line is no version line');
  const [doc, end] = block(0, 0);
  if (end !== lines.length) fail(end, 'not part of the tests');
  return doc;
}
