// Where tdxmc writes (issue 18): every file a flag names is checked before any work and written
// atomically; a write that fails after the verdict still prints it and exits 2 with one line;
// standard output on a full device exits 2 with one line; a reader that stops early ends the run
// quietly; progress is one line cut to a terminal's width, and in a log at most one line per 10 s.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as AtomicFile from '../checker/report/atomic-file.js';
import type * as ProgressModule from '../checker/cli/progress.js';
import { built } from './support/built.js';

const { writeFileAtomic } = await built<typeof AtomicFile>('checker/report/atomic-file.js');
const { progressPrinter } = await built<typeof ProgressModule>('checker/cli/progress.js');

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tdxmc-out-'));

function tdxmc(args: string[], stdout: 'pipe' | number = 'pipe') {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', stdio: ['ignore', stdout, 'pipe'] });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr };
}
const lines = (s: string): string[] => s.trim().split('\n');

describe('file sinks are checked before any work', () => {
  it('--report, --out, --junit, --sarif that cannot be written: exit 2, one line naming flag and path, nothing run or left', () => {
    const dir = tmp();
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    for (const [args, message] of [
      [['check', 'lockstep', '--set', 'variant=noack', '--report', join(plain, 'sub')], /^tdxmc: --report: cannot write into .*plain\/sub: ENOTDIR/],
      [['graph', 'lockstep', '--set', 'cpus=2', '--out', join(plain, 'g.dot')], /^tdxmc: --out: cannot write .*plain\/g\.dot: ENOTDIR/],
      [['graph', 'lockstep', '--set', 'cpus=2', '--out', dir], /^tdxmc: --out: cannot write .*: EISDIR/],
      [['ci', '--only', 'lockstep/one CPU', '--junit', join(plain, 'j.xml')], /^tdxmc: --junit: cannot write .*plain\/j\.xml: ENOTDIR/],
      [['ci', '--only', 'lockstep/one CPU', '--sarif', dir], /^tdxmc: --sarif: cannot write .*: EISDIR/],
    ] as const) {
      const r = tdxmc([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.out, args.join(' ')).toBe('');
      expect(lines(r.err), args.join(' ')).toHaveLength(1);
      expect(r.err, args.join(' ')).toMatch(message);
    }
    expect(readdirSync(dir)).toEqual(['plain']);
  });
});

describe('atomic writes', () => {
  it('a write that fails leaves the previous file, and no temporary file', () => {
    const dir = tmp();
    const file = join(dir, 'out.txt');
    writeFileAtomic(file, 'first\n');
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    // The temporary name taken by a folder: the write fails before the rename.
    const blocker = join(dir, `.out.txt.${process.pid}-${threadId}.tmp`);
    mkdirSync(blocker);
    expect(() => writeFileAtomic(file, 'second\n')).toThrow(/EISDIR/);
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    expect(readdirSync(dir).sort()).toEqual([`.out.txt.${process.pid}-${threadId}.tmp`, 'out.txt']);
  });

  it('a device is written in place, not replaced', () => {
    writeFileAtomic('/dev/null', 'nothing\n');
    expect(existsSync('/dev/null')).toBe(true);
    expect(readFileSync('/dev/null', 'utf8')).toBe('');
  });
});

describe('a write that fails after the verdict', () => {
  it('check --report: the verdict is printed, then one line naming --report; exit 2', () => {
    const dir = tmp();
    // A folder where a report file goes: probing the folder passes, the rename over it fails.
    mkdirSync(join(dir, 'lockstep--variant=noack--Lockstep.md'));
    const r = tdxmc(['check', 'lockstep', '--set', 'variant=noack', '--quiet', '--report', dir]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^lockstep cpus=4 variant=noack: violation: Lockstep\n/);
    expect(lines(r.err)).toHaveLength(1);
    expect(r.err).toMatch(/^tdxmc: --report: cannot write into .*: EISDIR/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const j = tdxmc(['check', 'lockstep', '--set', 'variant=noack', '--json', '--report', dir]);
    expect(j.code).toBe(2);
    expect(JSON.parse(j.out)).toMatchObject({ verdict: 'violation', reports: [] });
  });
});

describe('standard output', () => {
  it('on a full device: exit 2, one line on stderr, no stack', () => {
    const fd = openSync('/dev/full', 'w');
    try {
      for (const args of [
        ['check', 'lockstep', '--set', 'cpus=2', '--quiet'],
        ['list', '--json'],
        ['graph', 'lockstep', '--set', 'cpus=2'],
      ]) {
        const r = tdxmc(args, fd);
        expect(r.code, args.join(' ')).toBe(2);
        expect(lines(r.err), args.join(' ')).toHaveLength(1);
        expect(r.err).toMatch(/^tdxmc: cannot write to standard output: ENOSPC/);
      }
    } finally {
      closeSync(fd);
    }
  });

  it('a reader that stops early (| head -1): the run ends quietly', () => {
    // Megabytes of DOT, far over a pipe's buffer: the writes after head exits meet EPIPE.
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" graph lockstep --set cpus=5 --max-nodes 5000 | head -1; echo "status \${PIPESTATUS[0]}" >&2`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout).toBe('digraph states {\n');
    expect(r.stderr).toBe('status 0\n');
  });
});

describe('progress', () => {
  afterEach(() => void vi.useRealTimers());
  const stream = (tty: boolean, columns?: number) => {
    const written: string[] = [];
    return { written, s: { isTTY: tty, columns, write: (t: string) => (written.push(t), true) } as unknown as NodeJS.WriteStream };
  };
  const p = { distinctStates: 123_456_789, transitions: 987_654_321, queue: 55_555, depth: 42, seconds: 12.3 };

  it('on a terminal: one line rewritten in place, cut to its width', () => {
    vi.useFakeTimers();
    const { written, s } = stream(true, 30);
    const pr = progressPrinter(s);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(600);
      pr.update(p);
    }
    expect(written).toHaveLength(5);
    for (const w of written) {
      expect(w.startsWith('\r\x1b[2K')).toBe(true);
      expect(w.includes('\n')).toBe(false);
      expect(w.slice('\r\x1b[2K'.length).length).toBeLessThan(30);
    }
    pr.done();
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });

  it('in a log: at most one line every 10 s, however often the search reports', () => {
    vi.useFakeTimers();
    const { written, s } = stream(false);
    const pr = progressPrinter(s);
    // Two minutes of reports every 50 ms (a parallel search reports at every level).
    for (let t = 0; t < 120_000; t += 50) {
      vi.advanceTimersByTime(50);
      pr.update(p);
    }
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThanOrEqual(12);
    for (const w of written) expect(w).toMatch(/^progress: [^\n]*\n$/);
  });
});
