// SPIN and Rumur on the same lockstep model (lockstep.pml, terminates.pml, lockstep.m beside
// the spec), built and run in a temporary directory. Times are the verifier's own run, not its
// compilation.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ExternalRun {
  states: number;
  seconds: number;
  compileSeconds: number;
  peakRssBytes: number | undefined;
}

/** The spec's folder in the sources: this module runs from dist/ (the bench), which has no .pml or .m, or from the sources (a test). */
const HERE = fileURLToPath(new URL('../', import.meta.url));
const SPECS = existsSync(join(HERE, 'lockstep.pml')) ? HERE : fileURLToPath(new URL('../../../../specs/lockstep/', import.meta.url));

export const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function sh(cmd: string, cwd: string): { out: string; seconds: number } {
  const t = performance.now();
  const r = spawnSync('sh', ['-c', cmd], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench: '${cmd}' failed:\n${r.stderr}${r.stdout}`);
  return { out: r.stdout + r.stderr, seconds: (performance.now() - t) / 1000 };
}

/** Runs `cmd` under GNU time when present, for the peak RSS. */
function timed(cmd: string, cwd: string): { out: string; seconds: number; peakRssBytes: number | undefined } {
  const gnuTime = has('/usr/bin/time');
  const r = sh(gnuTime ? `/usr/bin/time -f 'maxrss=%M' ${cmd}` : cmd, cwd);
  const m = /maxrss=(\d+)/.exec(r.out);
  return { ...r, peakRssBytes: m ? Number(m[1]) * 1024 : undefined };
}

function inTemp<T>(f: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tdxmc-bench-'));
  try {
    return f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** SPIN 6 with -O2 -DSAFETY -DNOREDUCE, as issue 3 fixes it. */
export function spin(cpus: number): ExternalRun {
  return inTemp((dir) => {
    writeFileSync(join(dir, 'lockstep.pml'), readFileSync(join(SPECS, 'lockstep.pml')));
    const build = sh(`spin -DN=${cpus} -a lockstep.pml && gcc -O2 -DSAFETY -DNOREDUCE -DMEMLIM=16384 -w -o pan pan.c`, dir);
    const run = timed('./pan -m100000', dir);
    const states = /(\d+) states, stored/.exec(run.out);
    const errors = /errors: (\d+)/.exec(run.out);
    if (!states || errors?.[1] !== '0') throw new Error(`bench: unexpected SPIN output:\n${run.out}`);
    return { states: Number(states[1]), seconds: run.seconds, compileSeconds: build.seconds, peakRssBytes: run.peakRssBytes };
  });
}

export interface SpinLiveness extends ExternalRun {
  /** `violation`: SPIN found a fair acceptance cycle, a path on which some CPU never reaches DONE. */
  verdict: 'pass' | 'violation';
}

/**
 * SPIN's verdict on Terminates (terminates.pml): `-a` looks for acceptance cycles, `-f` keeps
 * the weakly fair ones. The retry variant is lockstep.pml built with -DRETRY.
 */
export function spinTerminates(cpus: number, variant: 'ack' | 'retry'): SpinLiveness {
  return inTemp((dir) => {
    for (const f of ['lockstep.pml', 'terminates.pml']) writeFileSync(join(dir, f), readFileSync(join(SPECS, f)));
    // pan's fairness bookkeeping holds 4 * NFAIR - 2 processes: the CPUs and the claim.
    const nfair = Math.max(2, Math.ceil((cpus + 3) / 4));
    const retry = variant === 'retry' ? ' -DRETRY' : '';
    const build = sh(`spin -DN=${cpus}${retry} -a terminates.pml && cc -O2 -DMEMLIM=16384 -DNFAIR=${nfair} -w -o pan pan.c`, dir);
    const run = timed('./pan -a -f -m100000', dir);
    const states = /(\d+) states, stored/.exec(run.out);
    const errors = Number(/errors: (\d+)/.exec(run.out)?.[1] ?? NaN);
    const cycle = /acceptance cycle/.test(run.out);
    if (!states || !(errors === 0 || (errors === 1 && cycle))) throw new Error(`bench: unexpected SPIN output:\n${run.out}`);
    const verdict = errors === 0 ? 'pass' : 'violation';
    return { verdict, states: Number(states[1]), seconds: run.seconds, compileSeconds: build.seconds, peakRssBytes: run.peakRssBytes };
  });
}

/** Rumur, CPUs 1..N-1 as a scalarset; symmetry heuristic with --scalarset-schedules off, or none. */
export function rumur(cpus: number, symmetry: boolean, threads: number): ExternalRun {
  return inTemp((dir) => {
    const model = readFileSync(join(SPECS, 'lockstep.m'), 'utf8').replace(/^ {2}N: \d+;/m, `  N: ${cpus};`);
    writeFileSync(join(dir, 'lockstep.m'), model);
    const flags = `--deadlock-detection off --scalarset-schedules off --symmetry-reduction ${symmetry ? 'heuristic' : 'off'} --threads ${threads}`;
    const build = sh(`rumur ${flags} lockstep.m -o lockstep.c && cc -O3 -o verifier lockstep.c -lpthread`, dir);
    const run = timed('./verifier', dir);
    const states = /(\d+) states, \d+ rules fired/.exec(run.out);
    if (!states || !/No error found/i.test(run.out)) throw new Error(`bench: unexpected Rumur output:\n${run.out}`);
    return { states: Number(states[1]), seconds: run.seconds, compileSeconds: build.seconds, peakRssBytes: run.peakRssBytes };
  });
}
