// The command line is a contract: flags, --json keys and exit codes. These run the built
// `tdxmc` (npm test builds first) as users' scripts do.

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

function tdxmc(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('tdxmc check', () => {
  it('pass: exit 0, and --json is exactly one object with the documented keys', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'cpus=3', '--json');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!);
    expect(j).toMatchObject({ spec: 'lockstep', params: { cpus: 3, variant: 'ack' }, verdict: 'pass', distinctStates: 227, transitions: 486, maxDepth: 38 });
    expect(typeof j.seconds).toBe('number');
    expect(j.violation).toBeUndefined();
  });

  it('violation: exit 1, shortest trace starting with the initial state', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'cpus=4', '--set', 'variant=nolock', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('violation');
    expect(j.violation.property).toBe('SerialInstall');
    expect(j.violation.trace).toHaveLength(18);
    expect(j.violation.trace[0]).toMatchObject({ action: null, actor: null });
    expect(j.violation.trace[1].state.cur).toHaveLength(4);
    const last = j.violation.trace.at(-1).state;
    expect(last.cur.filter((c: string, i: number) => c === 'INSTALL' && last.ph[i] === 'BUSY').length).toBe(2);
  });

  it('DFS reaches the same states', () => {
    const b = JSON.parse(tdxmc('check', 'lockstep', '--set', 'cpus=4', '--json').out);
    const d = JSON.parse(tdxmc('check', 'lockstep', '--set', 'cpus=4', '--search', 'dfs', '--json').out);
    expect([d.verdict, d.distinctStates, d.transitions]).toEqual([b.verdict, b.distinctStates, b.transitions]);
  });

  it('a bound that cuts the search: exit 3, verdict incomplete, never pass', () => {
    const s = tdxmc('check', 'lockstep', '--max-states', '100', '--json');
    expect(s.code).toBe(3);
    expect(JSON.parse(s.out)).toMatchObject({ verdict: 'incomplete', stoppedBy: 'max-states', distinctStates: 100 });
    const d = tdxmc('check', 'lockstep', '--max-depth', '10');
    expect(d.code).toBe(3);
    expect(d.out).toMatch(/incomplete/);
    expect(d.out).toMatch(/stopped by --max-depth/);
  });

  it('human output names the property, its source and what changed at each step', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'variant=noack', '--quiet');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/violation: Lockstep/);
    expect(r.out).toMatch(/source: seed 003/);
    expect(r.out).toMatch(/skip\(CPU 0\)\n\s+stage: START -> SHUTDOWN\n\s+ph\[0\]: READY -> ACKED/);
  });
});

describe('tdxmc list', () => {
  it('shows every spec with parameters, defaults and properties', () => {
    const r = tdxmc('list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/lockstep:/);
    expect(r.out).toMatch(/cpus = 4 {2}\(1\.\.64\)/);
    expect(r.out).toMatch(/variant = ack {2}\(ack\|noack\|nolock\|retry\)/);
    for (const p of ['Lockstep', 'SerialInstall', 'VmcsRestored', 'UpdateComplete']) expect(r.out).toContain(`${p}:`);
    const j = JSON.parse(tdxmc('list', '--json').out);
    expect(j.find((s: { name: string }) => s.name === 'lockstep').properties).toHaveLength(5);
  });
});

describe('bad input: exit 2, one short line on stderr, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['check'], /which spec/],
    [['check', 'nosuch'], /unknown spec 'nosuch'/],
    [['check', 'lockstep', '--bogus'], /bogus/],
    [['check', 'lockstep', '--set', 'cpus=0'], /cpus: 0 is outside 1\.\.64/],
    [['check', 'lockstep', '--set', 'cpus=three'], /cpus: 'three' is not an integer/],
    [['check', 'lockstep', '--set', 'variant=maybe'], /variant: 'maybe' is not one of ack, noack, nolock/],
    [['check', 'lockstep', '--set', 'nosuch=1'], /unknown parameter 'nosuch'/],
    [['check', 'lockstep', '--set', 'cpus'], /expected name=value/],
    [['check', 'lockstep', '--set', 'cpus=2', '--set', 'cpus=3'], /set twice/],
    [['check', 'lockstep', '--search', 'random'], /--search: 'random'/],
    [['check', 'lockstep', '--max-states', '-5'], /max-states/],
    [['check', 'lockstep', '--max-depth', 'deep'], /--max-depth: 'deep'/],
    [['check', 'lockstep', 'init'], /one spec at a time/],
    [['check', 'lockstep', '--workers', String(availableParallelism() * 4 + 1)], /--workers: \d+ is above the limit of \d+ threads \(4 per core/],
    [['check', 'lockstep', '--exact', '--workers', '2'], /--exact: the parallel search stores 64-bit fingerprints only/],
    [['check', 'lockstep', '--search', 'dfs', '--workers', '2'], /--workers: 2 threads search BFS only/],
    [['check', 'lockstep', '--max-states', '123456789012345678901234567890'], /--max-states: 12345678901234567890\.\.\. is above the largest value/],
    [['check', 'lockstep', '--memory', '99999999999999T'], /--memory: .* is too large/],
    [['check', 'lockstep', '--search', 'b\nf\u2028s'], /--search: 'b\\u000af\\u2028s' is not bfs or dfs/],
    [['check', 'lockstep', '--set', 'variant=\u00e9t\u00e9\n'], /variant: /],
    [['check', 'lockstep', '--set'], /--set/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['list', 'lockstep'], /list: takes no arguments/],
    [['ci', 'lockstep'], /ci: takes no spec/],
    [['help', 'frobnicate'], /unknown command 'frobnicate'/],
    [[], /which command\? list, check, simulate, graph, ci, diff, audit/],
    [['graph', 'lockstep', '--out', ''], /--out: an empty path/],
    [['ci', '--junit', ''], /--junit: an empty path/],
  ];
  for (const [args, msg] of cases) {
    it(`tdxmc ${args.join(' ')}`, () => {
      const r = tdxmc(...args);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(msg);
      expect(r.err).toMatch(/^tdxmc: /);
      expect(r.out).toBe('');
      expect(r.err).not.toMatch(/\n\s+at /);
    });
  }

  it('--debug adds the stack trace', () => {
    const r = tdxmc('check', 'nosuch', '--debug');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\n\s+at /);
  });
});

describe('tdxmc check --workers', () => {
  const run = (...args: string[]) => {
    const j = JSON.parse(tdxmc('check', ...args, '--json', '--quiet').out);
    return {
      verdict: j.verdict,
      states: j.distinctStates,
      transitions: j.transitions,
      depth: j.maxDepth,
      property: j.violation?.property,
      steps: j.violation?.trace.length,
    };
  };
  it('two workers find the same states, verdicts and shortest counterexamples as one', () => {
    for (const variant of ['ack', 'noack', 'nolock']) {
      for (const cpus of ['2', '5', '7']) {
        for (const sym of [[], ['--symmetry']]) {
          const args = ['lockstep', '--set', `cpus=${cpus}`, '--set', `variant=${variant}`, ...sym];
          expect(run(...args, '--workers', '2')).toEqual(run(...args, '--workers', '1'));
        }
      }
    }
  }, 180_000);
  it('bounds cut a parallel search too: incomplete', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'cpus=6', '--workers', '2', '--max-states', '1000', '--json');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ verdict: 'incomplete', stoppedBy: 'max-states' });
    const d = tdxmc('check', 'lockstep', '--set', 'cpus=6', '--workers', '2', '--max-depth', '20', '--json');
    expect(d.code).toBe(3);
  });
});

describe('tdxmc check --memory', () => {
  it('a run over its memory budget stops cleanly: incomplete, and says how far it got', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'cpus=9', '--memory', '2M', '--workers', '1');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/incomplete/);
    expect(r.out).toMatch(/stopped by --memory/);
    expect(r.out).toMatch(/[\d,]+ distinct states/);
    const bad = tdxmc('check', 'lockstep', '--memory', 'lots');
    expect(bad.code).toBe(2);
  });
});

describe('tdxmc check --skip-property', () => {
  it('skipping the first broken property shows what else a variant breaks', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'variant=nolock', '--skip-property', 'SerialInstall', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).verdict).toBe('pass');
    expect(JSON.parse(r.out).skipped).toEqual([{ property: 'SerialInstall', why: '--skip-property' }]);
    expect(JSON.parse(r.out).checked).toEqual(['Lockstep', 'VmcsRestored', 'UpdateComplete', 'deadlock']);
    const bad = tdxmc('check', 'lockstep', '--skip-property', 'Serial');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no property 'Serial' \(it has Lockstep, SerialInstall, VmcsRestored, UpdateComplete, Terminates\)/);
  });
});

describe('what a run left out is said', () => {
  it('the verdict line names skipped properties and why; a pass says what it checked', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'variant=nolock', '--skip-property', 'SerialInstall', '--no-liveness', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe('lockstep cpus=4 variant=nolock: pass, skipping SerialInstall (--skip-property), Terminates (--no-liveness)');
    expect(r.out).toMatch(/^ {2}checked in every state: Lockstep, VmcsRestored, UpdateComplete, deadlock$/m);
    const full = tdxmc('check', 'lockstep', '--quiet');
    expect(full.out.split('\n')[0]).toBe('lockstep cpus=4 variant=ack: pass');
    expect(full.out).toMatch(/^ {2}checked in every state: Lockstep, SerialInstall, VmcsRestored, UpdateComplete, deadlock$/m);
    expect(full.out).toMatch(/^ {2}liveness: Terminates on fair paths/m);
  });

  it('--symmetry skips liveness, and says so in the line and the JSON', () => {
    const r = tdxmc('check', 'lockstep', '--symmetry', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.skipped).toEqual([{ property: 'Terminates', why: expect.stringMatching(/^--symmetry/) }]);
    expect(j.liveness.skipped).toMatch(/symmetry/);
    expect(tdxmc('check', 'lockstep', '--symmetry', '--quiet').out.split('\n')[0]).toMatch(
      /^lockstep cpus=4 variant=ack: pass, skipping Terminates \(--symmetry/,
    );
  });
});

describe('flags honoured or refused', () => {
  it('--exact alone runs on one thread and keeps its promise: no collision probability', () => {
    const j = JSON.parse(tdxmc('check', 'lockstep', '--set', 'cpus=6', '--exact', '--json', '--quiet').out);
    expect(j.collisionProbability).toBe(0);
    const f = JSON.parse(tdxmc('check', 'lockstep', '--set', 'cpus=6', '--json', '--quiet').out);
    expect([j.verdict, j.distinctStates, j.transitions]).toEqual([f.verdict, f.distinctStates, f.transitions]);
    expect(f.collisionProbability).toBeGreaterThan(0);
  });

  it('--workers at the limit is taken', () => {
    const r = tdxmc('check', 'lockstep', '--set', 'cpus=2', '--workers', String(availableParallelism() * 4), '--json', '--quiet');
    expect(r.code).toBe(0);
  });
});
