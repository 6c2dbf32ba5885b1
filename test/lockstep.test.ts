// lockstep cross-checked, for every variant and cpus 1..5, against a naive enumerator written
// here from shared/bench/lockstep.md alone (plain objects, string keys, no engine code).

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import { replay } from '../checker/trace.js';
import { lockstepModel, VARIANTS, type Variant } from '../specs/lockstep/spec.js';

const [START, SHUTDOWN, INSTALL, LPINIT, RESTORE, DONE] = [0, 1, 2, 3, 4, 5];
const [READY, BUSY, ACKED] = [0, 1, 2];
const [OLD, NONE, NEW] = [0, 1, 2];
interface S {
  stage: number;
  acked: number;
  failed: boolean;
  busy: boolean;
  module: number;
  cur: number[];
  ph: number[];
  vmcs: boolean[];
}

function naive(n: number, variant: Variant) {
  const needsWork = (s: S, i: number, st: number) =>
    !s.failed && ((st === SHUTDOWN && i === 0) || st === INSTALL || st === LPINIT || (st === RESTORE && i === 0));
  const ack = (s: S, i: number) => {
    s.ph[i] = ACKED;
    if (variant === 'noack') {
      if (i === 0) s.stage = s.failed ? DONE : s.stage + 1;
      return;
    }
    s.acked += 1;
    if (s.acked === n) {
      s.stage = s.failed ? DONE : s.stage + 1;
      s.acked = 0;
    }
  };
  const copy = (s: S): S => ({ ...s, cur: [...s.cur], ph: [...s.ph], vmcs: [...s.vmcs] });
  const next = (s: S): S[] => {
    const out: S[] = [];
    for (let i = 0; i < n; i++) {
      if (s.cur[i] !== s.stage && s.ph[i] === ACKED) {
        const t = copy(s);
        t.cur[i] = s.stage;
        t.ph[i] = READY;
        out.push(t);
      }
      if (s.cur[i] === s.stage && s.stage !== DONE && s.ph[i] === READY && !needsWork(s, i, s.stage)) {
        const t = copy(s);
        ack(t, i);
        out.push(t);
      }
      if (s.cur[i] === s.stage && s.ph[i] === READY && needsWork(s, i, s.stage) && (variant === 'nolock' || s.stage !== INSTALL || !s.busy)) {
        const t = copy(s);
        t.ph[i] = BUSY;
        if (s.stage === INSTALL) {
          t.busy = true;
          t.vmcs[i] = false;
        }
        out.push(t);
      }
      if (s.ph[i] === BUSY) {
        const t = copy(s);
        if (s.cur[i] === SHUTDOWN) t.module = NONE;
        if (s.cur[i] === INSTALL) {
          t.busy = false;
          t.vmcs[i] = true;
        }
        if (s.cur[i] === RESTORE) t.module = NEW;
        ack(t, i);
        out.push(t);
      }
      if (s.ph[i] === BUSY && s.cur[i] === INSTALL) {
        const t = copy(s);
        t.busy = false;
        t.vmcs[i] = true;
        if (variant === 'retry') t.ph[i] = READY;
        else {
          t.failed = true;
          ack(t, i);
        }
        out.push(t);
      }
    }
    return out;
  };
  const violated = (s: S): string | null => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (s.cur[i]! < s.cur[j]! && s.ph[i] !== ACKED) return 'Lockstep';
    if (s.cur.filter((c, i) => c === INSTALL && s.ph[i] === BUSY).length > 1) return 'SerialInstall';
    if (s.ph.some((p, i) => p !== BUSY && !s.vmcs[i])) return 'VmcsRestored';
    if (s.stage === DONE && !s.failed && s.module !== NEW) return 'UpdateComplete';
    if (next(s).length === 0 && !s.cur.every((c) => c === DONE)) return 'deadlock';
    return null;
  };
  const init: S = {
    stage: START,
    acked: 0,
    failed: false,
    busy: false,
    module: OLD,
    cur: Array(n).fill(START),
    ph: Array(n).fill(READY),
    vmcs: Array(n).fill(true),
  };
  const seen = new Set([JSON.stringify(init)]);
  let frontier = [init];
  let transitions = 0;
  let depth = 0;
  let firstBad: { depth: number; property: string } | null = violated(init) ? { depth: 0, property: violated(init)! } : null;
  while (frontier.length > 0) {
    const nextFrontier: S[] = [];
    for (const s of frontier) {
      for (const t of next(s)) {
        transitions++;
        const k = JSON.stringify(t);
        if (seen.has(k)) continue;
        seen.add(k);
        const v = violated(t);
        if (v && !firstBad) firstBad = { depth: depth + 1, property: v };
        nextFrontier.push(t);
      }
    }
    if (nextFrontier.length) depth++;
    frontier = nextFrontier;
  }
  return { distinct: seen.size, transitions, depth, firstBad };
}

describe('lockstep against an independent enumerator', () => {
  for (const variant of VARIANTS) {
    for (const n of [1, 2, 3, 4, 5]) {
      it(`${variant}, cpus=${n}`, () => {
        const want = naive(n, variant);
        const cm = new CompiledModel(lockstepModel(n, variant));
        // Safety alone: the enumerator knows no fairness (liveness is checked below).
        const r = check(cm, { exact: true, liveness: false });
        if (want.firstBad === null) {
          expect(r.verdict).toBe('pass');
          expect(r.stats.distinctStates).toBe(want.distinct);
          expect(r.stats.transitions).toBe(want.transitions);
          expect(r.stats.maxDepth).toBe(want.depth);
          const d = check(cm, { search: 'dfs', liveness: false });
          expect([d.verdict, d.stats.distinctStates, d.stats.transitions]).toEqual(['pass', want.distinct, want.transitions]);
        } else {
          expect(r.violation!.property.name).toBe(want.firstBad.property);
          expect(r.violation!.trace.length - 1).toBe(want.firstBad.depth);
          expect(replay(cm, r.violation!.trace).ok).toBe(true);
        }
      });
    }
  }
});

describe('lockstep verdicts and golden counts', () => {
  it('ack terminates on every fair path; retry, which may fail INSTALL for ever, does not', () => {
    for (const n of [1, 2, 3, 4]) {
      expect(check(lockstepModel(n, 'ack')).verdict).toBe('pass');
      const r = check(lockstepModel(n, 'retry'));
      expect(r.violation?.property.name).toBe('Terminates');
      expect(r.violation?.loopStart).toBeLessThan(r.violation!.trace.length - 1);
    }
  });

  it('ack passes; noack breaks Lockstep; nolock breaks SerialInstall from 2 CPUs', () => {
    expect(check(lockstepModel(5, 'ack')).verdict).toBe('pass');
    for (const n of [2, 3, 5]) {
      expect(check(lockstepModel(n, 'noack')).violation?.property.name).toBe('Lockstep');
      expect(check(lockstepModel(n, 'nolock')).violation?.property.name).toBe('SerialInstall');
    }
    // With one CPU the install lock has nobody to exclude, and nobody lags behind CPU 0.
    expect(check(lockstepModel(1, 'nolock')).verdict).toBe('pass');
    expect(check(lockstepModel(1, 'noack')).verdict).toBe('pass');
  });

  it('golden counts (cpus 6..8; at cpus=10, 1,523,010 from issue 3, the bench compares with SPIN and fails on a mismatch)', () => {
    const got = [6, 7, 8].map((n) => {
      const s = check(lockstepModel(n, 'ack')).stats;
      return [s.distinctStates, s.transitions, s.maxDepth];
    });
    expect(got).toEqual([
      [9078, 37740, 74],
      [31943, 154990, 86],
      [114156, 634810, 98],
    ]);
  });
});
