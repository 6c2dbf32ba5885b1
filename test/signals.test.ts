// Ctrl-C and SIGTERM (issue 18): `check` prints how far the search got (states, depth, time,
// incomplete, stopped by the signal) and exits 130 or 143, with one worker or several; `ci`
// prints and writes what finished (tally, JUnit, SARIF) with the rest not run.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseXml } from './support/xml.js';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

/** Runs tdxmc, sends `signal` once its output shows `ready` (or `ready` ms after the start), and collects the end. */
function interrupted(args: string[], signal: NodeJS.Signals, ready: RegExp | number, cwd?: string) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { ...(cwd === undefined ? {} : { cwd }) });
    let out = '';
    let err = '';
    let sent = false;
    const send = (): void => {
      if (sent) return;
      sent = true;
      child.kill(signal);
    };
    const maybe = (): void => void (typeof ready !== 'number' && ready.test(out + err) && send());
    const timer = typeof ready === 'number' ? setTimeout(send, ready) : undefined;
    child.stdout.on('data', (d) => ((out += String(d)), maybe()));
    child.stderr.on('data', (d) => ((err += String(d)), maybe()));
    child.on('exit', (code) => (clearTimeout(timer), resolve({ code, out, err })));
  });
}

describe('tdxmc check stopped by a signal', () => {
  // lockstep at 11 CPUs takes several seconds on either count of workers: the signal comes mid-search.
  for (const [workers, signal, code] of [
    ['1', 'SIGINT', 130],
    ['2', 'SIGTERM', 143],
  ] as const) {
    it(`--workers ${workers}, ${signal}: the partial summary, incomplete, exit ${code}`, async () => {
      const r = await interrupted(['check', 'lockstep', '--set', 'cpus=11', '--workers', workers, '--quiet'], signal, 2500);
      expect(r.code).toBe(code);
      const [head, figures, stopped] = r.out.trim().split('\n');
      expect(head).toBe('lockstep cpus=11 variant=ack: incomplete');
      expect(figures).toMatch(/^ {2}[\d,]+ distinct states, [\d,]+ transitions, depth \d+, \d+\.\d\d s/);
      expect(Number(/([\d,]+) distinct/.exec(figures!)![1]!.replaceAll(',', ''))).toBeGreaterThan(0);
      expect(stopped).toBe(`  stopped by ${signal}: not every reachable state was explored`);
      expect(r.err).not.toMatch(/\n\s+at /);
    }, 40_000);
  }

  it('--json: one object, verdict incomplete, stoppedBy the signal', async () => {
    const r = await interrupted(['check', 'lockstep', '--set', 'cpus=11', '--json', '--quiet'], 'SIGINT', 2500);
    expect(r.code).toBe(130);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ spec: 'lockstep', verdict: 'incomplete', stoppedBy: 'SIGINT', skipped: [] });
    for (const k of ['distinctStates', 'transitions', 'maxDepth', 'seconds', 'collisionProbability']) expect(typeof j[k]).toBe('number');
  }, 40_000);
});

describe('tdxmc ci stopped by a signal', () => {
  it('the tally and JUnit of what finished, the rest not run; exit 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-sig-'));
    const junit = join(dir, 'junit.xml');
    // One thread: the first line printed means a configuration finished and others wait.
    const r = await interrupted(
      ['ci', '--only', 'update', '--jobs', '1', '--quiet', '--junit', junit, '--sarif', join(dir, 's.sarif')],
      'SIGINT',
      /^ok /m,
      dir,
    );
    expect(r.code).toBe(130);
    const m = /^(\d+) passed, 0 failed, (\d+) not run \(stopped by SIGINT\) in /m.exec(r.out);
    expect(m).not.toBeNull();
    const [passed, notRun] = [Number(m![1]), Number(m![2])];
    expect(passed).toBeGreaterThan(0);
    expect(notRun).toBeGreaterThan(0);
    expect(r.out.split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(passed);
    const root = parseXml(readFileSync(junit, 'utf8'));
    expect(root.attrs).toMatchObject({ tests: String(passed + notRun), failures: '0', errors: '0', skipped: String(notRun) });
    expect(JSON.parse(readFileSync(join(dir, 's.sarif'), 'utf8')).runs[0].results).toEqual([]);
  }, 60_000);
});
