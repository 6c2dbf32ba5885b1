// `tdxmc check --report` and `tdxmc graph` as users run them (the built command): files
// written and named, the --json contract kept, coverage in the summary, the state graph in DOT
// and graphlib JSON with the counterexample marked, and the size refusal.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { json as graphJson } from '@dagrejs/graphlib';
import { describe, expect, it } from 'vitest';
import type { GraphLabel, StateNode, StepEdge } from '../checker/state-graph.js';

const BIN = fileURLToPath(new URL('../bin/tdxmc.js', import.meta.url));

function tdxmc(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', ...(cwd === undefined ? {} : { cwd }) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const EXTS = ['html', 'itf.json', 'json', 'md', 'txt'];

describe('tdxmc check --report', () => {
  it('writes every format for a violation, named after spec, parameters set and property', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-cli-'));
    const r = tdxmc(['check', 'lockstep', '--set', 'variant=noack', '--quiet', '--report', dir]);
    expect(r.code).toBe(1);
    const names = EXTS.map((e) => `lockstep--variant=noack--Lockstep.${e}`);
    expect(readdirSync(dir).sort()).toEqual(names);
    expect(r.out).toContain(
      `reports:\n${['md', 'txt', 'html', 'json', 'itf.json'].map((e) => `  ${join(dir, `lockstep--variant=noack--Lockstep.${e}`)}\n`).join('')}`,
    );
    expect(readFileSync(join(dir, names[3]!), 'utf8')).toContain('**Source:** seed 003');
    expect(readFileSync(join(dir, names[3]!), 'utf8')).toMatch(/\*\*Defined at:\*\* `specs\/lockstep\/spec\.ts:\d+`/);
  });

  it('--report alone writes into reports/ of the working directory; a rerun overwrites', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tdxmc-cwd-'));
    const args = ['check', 'lockstep', '--set', 'cpus=3', '--set', 'variant=nolock', '--report', '--quiet'];
    expect(tdxmc(args, cwd).code).toBe(1);
    const first = readdirSync(join(cwd, 'reports')).sort();
    expect(first).toEqual(EXTS.map((e) => `lockstep--cpus=3,variant=nolock--SerialInstall.${e}`));
    const before = readFileSync(join(cwd, 'reports', first[4]!), 'utf8');
    expect(tdxmc(args, cwd).code).toBe(1);
    expect(readdirSync(join(cwd, 'reports')).sort()).toEqual(first);
    const untimed = (s: string) => s.replace(/time: +\d+\.\d+ s/, 'time: T');
    expect(untimed(readFileSync(join(cwd, 'reports', first[4]!), 'utf8'))).toBe(untimed(before));
  });

  it('with --json: one object, every documented key, plus the report paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-cli-'));
    const r = tdxmc(['check', 'lockstep', '--set', 'variant=noack', '--json', '--report', dir]);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]!);
    for (const k of ['spec', 'params', 'verdict', 'distinctStates', 'transitions', 'maxDepth', 'seconds', 'collisionProbability', 'violation'])
      expect(j).toHaveProperty(k);
    expect(j.reports).toHaveLength(5);
    expect(j.coverage.neverFired).toEqual(['begin', 'finish', 'fail']);
  });

  it('writes nothing for a pass, and says so; the summary shows action coverage', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-cli-'));
    const r = tdxmc(['check', 'lockstep', '--set', 'cpus=2', '--quiet', '--report', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(r.out).toContain('no counterexample: no report written');
    expect(r.out).toMatch(/\n {2}actions fired: observe \d+; skip \d+; begin \d+; finish \d+; fail \d+\n/);
    expect(r.out).not.toContain('never fired');
  });
});

describe('tdxmc check --report, bad input', () => {
  it('a directory that cannot be made: exit 2, one line naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tdxmc-cli-')), 'plain-file');
    writeFileSync(file, '');
    const r = tdxmc(['check', 'lockstep', '--set', 'variant=noack', '--quiet', '--report', join(file, 'sub')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^tdxmc: --report: cannot write into .*plain-file\/sub: ENOTDIR/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('tdxmc graph', () => {
  const states = (set: string[]) => JSON.parse(tdxmc(['check', 'lockstep', ...set, '--exact', '--json']).out);

  it('DOT: one node per reachable state, one edge per transition', () => {
    const r = tdxmc(['graph', 'lockstep', '--set', 'cpus=2']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^digraph states \{\n {2}graph \[label="lockstep cpus=2 variant=ack"/);
    expect(r.out.trimEnd().endsWith('}')).toBe(true);
    const c = states(['--set', 'cpus=2']);
    expect(r.out.match(/^ {2}s\d+ \[label=/gm)).toHaveLength(c.distinctStates);
    expect(r.out.match(/^ {2}s\d+ -> s\d+ /gm)).toHaveLength(c.transitions);
    expect(r.out).toMatch(/s0 \[label="stage = START\\lacked = 0\\l.*", peripheries=2\];/);
  });

  it('DOT: the counterexample path drawn red, the broken states filled', () => {
    const r = tdxmc(['graph', 'lockstep', '--set', 'cpus=2', '--set', 'variant=noack']);
    expect(r.code).toBe(0);
    const onPath = r.out.split('\n').filter((l) => l.includes('penwidth=3'));
    expect(onPath.filter((l) => l.includes('->')).map((l) => /label="(\d\. [^"]+)"/.exec(l)![1])).toEqual(['1. skip(CPU 0)', '2. observe(CPU 0)']);
    expect(onPath.filter((l) => !l.includes('->'))).toHaveLength(3);
    expect(r.out).toMatch(/label="counterexample step 2\\lVIOLATES Lockstep\\l[^"]*", style=filled/);
  });

  it('JSON: a graphlib graph with the trace numbered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdxmc-graph-'));
    const file = join(dir, 'g.json');
    const r = tdxmc(['graph', 'lockstep', '--set', 'cpus=2', '--set', 'variant=noack', '--format', 'json', '--out', file]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const g = graphJson.read<GraphLabel, StateNode, StepEdge>(JSON.parse(readFileSync(file, 'utf8')));
    expect(g.isMultigraph()).toBe(true);
    const onTrace = g.nodes().filter((v) => g.node(v).trace !== undefined);
    expect(onTrace.map((v) => g.node(v).trace).sort()).toEqual([0, 1, 2]);
    const last = onTrace.find((v) => g.node(v).trace === 2)!;
    expect(g.node(last).violates).toEqual(['Lockstep']);
    expect(g.graph()).toEqual({ title: 'lockstep cpus=2 variant=noack', counterexample: 'Lockstep' });
  });

  it('refuses a run above the size limit: exit 2, one line saying why and what to do', () => {
    for (const args of [
      ['graph', 'lockstep', '--set', 'cpus=8'],
      ['graph', 'lockstep', '--set', 'cpus=2', '--max-nodes', '10'],
    ]) {
      const r = tdxmc(args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^tdxmc: graph: lockstep cpus=\d variant=ack has more than [\d,]+ states; .*--max-nodes/);
    }
  });

  it('refuses a --max-nodes it cannot hold, before any work: exit 2, one line with the limit', () => {
    for (const n of ['50001', '1000000000', '99999999999999999999']) {
      const r = tdxmc(['graph', 'lockstep', '--set', 'cpus=2', '--max-nodes', n]);
      expect(r.code, n).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/^tdxmc: --max-nodes: .* is above /);
    }
    expect(tdxmc(['graph', 'lockstep', '--set', 'cpus=2', '--max-nodes', '50000']).code).toBe(0);
  });

  it('rejects a bad format', () => {
    const r = tdxmc(['graph', 'lockstep', '--format', 'svg']);
    expect(r.code).toBe(2);
    expect(r.err).toBe("tdxmc: --format: 'svg' is not dot or json\n");
  });
});
