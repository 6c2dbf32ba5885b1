// lockstep's liveness property Terminates beside SPIN's: the same claim written in Promela
// (specs/lockstep/terminates.pml over lockstep.pml) and checked with `pan -a -f` (acceptance
// cycles under weak fairness per process) must give tdxmc's verdict, for the reference design
// and the retry variant, at sizes picked here. tdxmc's fairness is weak per action instance;
// the lockstep README says why the two agree on this model, and the last test checks the
// ground of that on tdxmc's lasso.

import { describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { CompiledModel } from '../checker/compiled.js';
import { has, spinTerminates } from '../specs/lockstep/bench/external.js';
import { lockstepModel } from '../specs/lockstep/spec.js';

const missing = ['spin', 'cc'].find((tool) => !has(tool));
const CPUS = [2, 3, 4, 5];

describe.skipIf(missing !== undefined)(
  `Terminates: tdxmc beside SPIN -a -f${missing ? ` (skipped: ${missing} is not on PATH; apt-get install spin)` : ''}`,
  () => {
    for (const variant of ['ack', 'retry'] as const) {
      for (const cpus of CPUS) {
        it(`${variant}, cpus=${cpus}: the same verdict`, () => {
          const ours = check(lockstepModel(cpus, variant));
          const spin = spinTerminates(cpus, variant);
          expect(ours.verdict).toBe(spin.verdict);
          // The design intent, so that agreeing on a wrong answer fails too.
          expect(spin.verdict).toBe(variant === 'ack' ? 'pass' : 'violation');
          if (ours.verdict === 'violation') expect(ours.violation!.property.name).toBe('Terminates');
        }, 120_000);
      }
    }

    it("tdxmc's retry lasso is fair per process too: on its cycle each CPU acts, or is blocked in some state", () => {
      for (const cpus of CPUS) {
        const cm = new CompiledModel(lockstepModel(cpus, 'retry'));
        const v = check(cm).violation!;
        const cycle = v.trace.slice(v.loopStart!);
        const view = cm.layout.newView();
        const enabled = (state: unknown, cpu: number): boolean => {
          view.bind(cm.layout.encode(state));
          return cm.model.actions.some((a) => a.guard(view.read, cpu));
        };
        for (let cpu = 0; cpu < cpus; cpu++) {
          const acts = cycle.slice(1).some((t) => t.actor === cpu);
          const blocked = cycle.some((t) => !enabled(t.state, cpu));
          expect(acts || blocked, `CPU ${cpu} is enabled all along the cycle and never acts`).toBe(true);
        }
      }
    });
  },
);
