// lockstep(N): the step-locked TD-preserving update, abstracted. Implemented to the letter of
// shared/bench/lockstep.md so that state counts compare one for one with SPIN and Rumur;
// richer TDX models live in the other specs. Do not let this one drift.

import { array, bool, enumOf, int, record, type Read, type Write } from '../../checker/domain.js';
import type { Model } from '../../checker/model.js';
import { mutateAction } from '../../checker/mutate.js';
import { declareProperties, defineSpec, eventually, invariant, param } from '../../checker/spec.js';
import { P_SEAMLDR, TDX_MODULE } from '../../model/lanes.js';

export const Stage = enumOf(['START', 'SHUTDOWN', 'INSTALL', 'LPINIT', 'RESTORE', 'DONE']);
export const Phase = enumOf(['READY', 'BUSY', 'ACKED']);
export const Module = enumOf(['OLD', 'NONE', 'NEW']);

export const VARIANTS = ['ack', 'noack', 'nolock', 'retry'] as const;
export type Variant = (typeof VARIANTS)[number];

export function lockstepSchema(n: number) {
  return record({
    stage: Stage,
    acked: int(0, n),
    failed: bool(),
    /** The SEAMLDR install lock: INSTALL runs serially. */
    busy: bool(),
    module: Module,
    cur: array(n, Stage, { index: 'cpu' }),
    ph: array(n, Phase, { index: 'cpu' }),
    vmcs: array(n, bool(), { index: 'cpu' }),
  });
}
type Schema = ReturnType<typeof lockstepSchema>;

export const PROPERTIES = declareProperties({
  Lockstep: invariant(
    'a CPU behind another CPU has acknowledged its stage (no CPU starts step k+1 before all finished step k)',
    'seed 003 (Chao Gao, 12 Mar 2026): "The state advances only after all CPUs acknowledge"',
  ),
  SerialInstall: invariant('at most one CPU is inside SEAMLDR.INSTALL (seamldr_lock)', 'arch/x86/virt/vmx/tdx/seamldr.c: seamldr_lock; digest 4.7'),
  VmcsRestored: invariant(
    'a CPU that is not inside a step has a current VMCS loaded',
    'seed 000 (RFC cover, item 2): SEAMRET from the P-SEAMLDR clears the current VMCS',
  ),
  UpdateComplete: invariant(
    'an update that reached DONE without failure runs the new module',
    'digest 4.7: RUN_UPDATE imports the handoff data into the new module',
  ),
  Terminates: eventually('every CPU reaches DONE: the update ends, on every fair path, whether it succeeds or fails', 'digest 7.2 U23: the update terminates'),
});

const allDone = (s: Read<Schema>, n: number): boolean => {
  for (let i = 0; i < n; i++) if (s.cur.get(i) !== Stage.DONE) return false;
  return true;
};

export function lockstepModel(n: number, variant: Variant): Model<Schema> {
  const needsWork = (s: Read<Schema>, i: number, stage: number): boolean =>
    !s.failed && ((stage === Stage.SHUTDOWN && i === 0) || stage === Stage.INSTALL || stage === Stage.LPINIT || (stage === Stage.RESTORE && i === 0));

  // ack(i) is one atomic sequence over the next state; `noack` advances on CPU 0's ack alone.
  const ack =
    variant === 'noack'
      ? (x: Write<Schema>, i: number): void => {
          x.ph.set(i, Phase.ACKED);
          if (i === 0) x.stage = x.failed ? Stage.DONE : x.stage + 1;
        }
      : (x: Write<Schema>, i: number): void => {
          x.ph.set(i, Phase.ACKED);
          x.acked = x.acked + 1;
          if (x.acked === n) {
            x.stage = x.failed ? Stage.DONE : x.stage + 1;
            x.acked = 0;
          }
        };
  const respectLock = variant !== 'nolock';
  const cpu = { actors: n, actorKind: 'CPU' } as const;

  return {
    schema: lockstepSchema(n),
    init: [
      (s) => {
        s.stage = Stage.START;
        s.module = Module.OLD;
        for (let i = 0; i < n; i++) {
          s.cur.set(i, Stage.START);
          s.ph.set(i, Phase.READY);
          s.vmcs.set(i, true);
        }
      },
    ],
    actions: [
      {
        name: 'observe',
        ...cpu,
        reads: ['stage', 'cur[@]', 'ph[@]'],
        writes: ['cur[@]', 'ph[@]'],
        guard: (s, i) => s.cur.get(i) !== s.stage && s.ph.get(i) === Phase.ACKED,
        effect: (s, x, i) => {
          x.cur.set(i, s.stage);
          x.ph.set(i, Phase.READY);
        },
      },
      {
        name: 'skip',
        ...cpu,
        reads: ['stage', 'cur[@]', 'ph[@]', 'failed', 'acked'],
        writes: ['ph[@]', 'acked', 'stage'],
        guard: (s, i) => s.cur.get(i) === s.stage && s.stage !== Stage.DONE && s.ph.get(i) === Phase.READY && !needsWork(s, i, s.stage),
        effect: (_s, x, i) => ack(x, i),
      },
      {
        name: 'begin',
        ...cpu,
        reads: ['stage', 'cur[@]', 'ph[@]', 'failed', 'busy'],
        writes: ['ph[@]', 'busy', 'vmcs[@]'],
        // For reports only: the work a stage starts is a call into the P-SEAMLDR (INSTALL) or the module.
        target: (s) => (s.stage === Stage.INSTALL ? P_SEAMLDR : TDX_MODULE),
        guard: (s, i) =>
          s.cur.get(i) === s.stage && s.ph.get(i) === Phase.READY && needsWork(s, i, s.stage) && (!respectLock || s.stage !== Stage.INSTALL || !s.busy),
        effect: (s, x, i) => {
          x.ph.set(i, Phase.BUSY);
          if (s.stage === Stage.INSTALL) {
            x.busy = true;
            // The P-SEAMLDR call clears the current VMCS.
            x.vmcs.set(i, false);
          }
        },
      },
      {
        name: 'finish',
        ...cpu,
        reads: ['stage', 'cur[@]', 'ph[@]', 'failed', 'acked'],
        writes: ['ph[@]', 'acked', 'stage', 'module', 'busy', 'vmcs[@]'],
        guard: (s, i) => s.ph.get(i) === Phase.BUSY,
        effect: (s, x, i) => {
          const c = s.cur.get(i);
          if (c === Stage.SHUTDOWN) x.module = Module.NONE;
          else if (c === Stage.INSTALL) {
            x.busy = false;
            x.vmcs.set(i, true);
          } else if (c === Stage.RESTORE) x.module = Module.NEW;
          ack(x, i);
        },
      },
      {
        name: 'fail',
        ...cpu,
        reads: ['stage', 'cur[@]', 'ph[@]', 'failed', 'acked'],
        writes: ['ph[@]', 'acked', 'stage', 'failed', 'busy', 'vmcs[@]'],
        // A fault: a fair path need not fail.
        fairness: 'none',
        guard: (s, i) => s.ph.get(i) === Phase.BUSY && s.cur.get(i) === Stage.INSTALL,
        effect: (_s, x, i) => {
          x.busy = false;
          x.vmcs.set(i, true);
          if (variant === 'retry') {
            // The failed INSTALL is retried on this CPU rather than reported.
            x.ph.set(i, Phase.READY);
            return;
          }
          x.failed = true;
          ack(x, i);
        },
      },
    ],
    invariants: [
      {
        ...PROPERTIES.Lockstep,
        reads: ['cur', 'ph'],
        // For all i, j: cur[i] < cur[j] implies ph[i] = ACKED; i.e. every CPU that has not
        // acknowledged is at the furthest stage (checked in O(N)).
        holds: (s) => {
          let furthest = 0;
          for (let j = 0; j < n; j++) furthest = Math.max(furthest, s.cur.get(j));
          for (let i = 0; i < n; i++) if (s.ph.get(i) !== Phase.ACKED && s.cur.get(i) < furthest) return false;
          return true;
        },
      },
      {
        ...PROPERTIES.SerialInstall,
        reads: ['cur', 'ph'],
        holds: (s) => {
          let k = 0;
          for (let i = 0; i < n; i++) if (s.cur.get(i) === Stage.INSTALL && s.ph.get(i) === Phase.BUSY) k++;
          return k <= 1;
        },
      },
      {
        ...PROPERTIES.VmcsRestored,
        reads: ['ph', 'vmcs'],
        holds: (s) => {
          for (let i = 0; i < n; i++) if (s.ph.get(i) !== Phase.BUSY && !s.vmcs.get(i)) return false;
          return true;
        },
      },
      {
        ...PROPERTIES.UpdateComplete,
        reads: ['stage', 'failed', 'module'],
        holds: (s) => s.stage !== Stage.DONE || s.failed || s.module === Module.NEW,
      },
    ],
    liveness: [{ ...PROPERTIES.Terminates, form: 'eventually', to: (s) => allDone(s, n) }],
    isEndState: (s) => allDone(s, n),
    symmetry: [{ index: 'cpu', from: 1, to: n }],
  };
}

export const lockstep = defineSpec({
  name: 'lockstep',
  file: import.meta.url,
  description: 'Reference model of the step-locked TD-preserving update (shared/bench/lockstep.md), for comparison with SPIN and Rumur',
  params: {
    cpus: param.int(1, 64, 4, 'number of CPUs; CPU 0 is the primary (lead) CPU'),
    variant: param.oneOf(
      VARIANTS,
      'ack',
      'ack: the correct design; noack: CPU 0 advances the stage without waiting for acks; nolock: INSTALL ignores the install lock; retry: a failed INSTALL is retried on its CPU instead of reported',
    ),
  },
  properties: PROPERTIES,
  build: (p) => lockstepModel(p.cpus, p.variant),
  expectations: [
    { name: 'reference', params: { cpus: 4, variant: 'ack' }, expect: { verdict: 'pass' } },
    { name: 'no acknowledgement', params: { cpus: 4, variant: 'noack' }, expect: { verdict: 'violation', property: 'Lockstep', traceLength: 2 } },
    { name: 'no install lock', params: { cpus: 4, variant: 'nolock' }, expect: { verdict: 'violation', property: 'SerialInstall', traceLength: 17 } },
    { name: 'retry a failed INSTALL', params: { cpus: 4, variant: 'retry' }, expect: { verdict: 'violation', property: 'Terminates' } },
    { name: 'one CPU', params: { cpus: 1 }, expect: { verdict: 'pass' } },
  ],
  audit: {
    floor: 0.94,
    accepted: [
      ...['drop-action fail', 'stutter fail'].map((mutant) => ({
        mutant,
        reason:
          "an INSTALL failure is the environment's (fairness none): an update that never fails is a legal run, and the retry variant shows Terminates judges the failure path",
      })),
      {
        mutant: 'fail without its write of busy',
        reason: 'a dead value: after a failure no CPU begins another step (needsWork requires !failed), so the install lock is never read again',
      },
      {
        mutant: 'begin without its write of vmcs[]',
        reason:
          "the P-SEAMLDR clobbering the current VMCS is the hardware's doing, not the kernel's: one that kept it is kinder, and VmcsRestored's witness shows it catches a SEAMLDR.INSTALL that returns without reloading it",
      },
    ],
  },
  witnesses: [
    {
      property: 'VmcsRestored',
      name: 'SEAMLDR.INSTALL returns without reloading the current VMCS',
      mutate: (m) => mutateAction(m, 'finish', { effect: (old) => (s, x, i) => (old(s, x, i), s.cur.get(i) === Stage.INSTALL && x.vmcs.set(i, false)) }),
    },
    {
      property: 'UpdateComplete',
      name: 'RESTORE finishes without the new module running',
      mutate: (m) => mutateAction(m, 'finish', { effect: (old) => (s, x, i) => (old(s, x, i), s.cur.get(i) === Stage.RESTORE && (x.module = Module.NONE)) }),
    },
  ],
});
