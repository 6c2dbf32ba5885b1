// A small model that uses everything reports show: per-CPU actions in a context that depends on
// the state, calls to shared actors (a lane each), a single-instance action, an action whose
// guard never holds (coverage), an invariant that breaks and, in one variant, a deadlock.

import { array, bool, int, record } from '../../checker/domain.js';
import type { Model } from '../../checker/model.js';

const schema = record({
  calls: int(0, 3),
  irq: array(2, bool(), { index: 'cpu' }),
  loaded: bool(),
});

export function reportModel(variant: 'violation' | 'deadlock'): Model<typeof schema> {
  return {
    schema,
    init: [() => {}],
    actions: [
      {
        name: 'raise_irq',
        actors: 2,
        actorKind: 'CPU',
        context: 'task',
        guard: (s, c) => !s.irq.get(c) && s.calls === 1,
        effect: (_s, n, c) => n.irq.set(c, true),
      },
      {
        name: 'TDH.SYS.INFO',
        actors: 2,
        actorKind: 'CPU',
        // Read from the state before the step: a report must evaluate it there.
        context: (s, c) => (s.irq.get(c) ? 'irq' : 'task'),
        target: 'TDX module',
        source: 'tdx.c: get_tdx_sys_info()',
        guard: (s, c) => s.calls < (variant === 'deadlock' ? 1 : 3) && (s.calls === 0 || s.irq.get(c)),
        effect: (s, n) => {
          n.calls = s.calls + 1;
        },
      },
      {
        name: 'SEAMLDR.INSTALL',
        actorKind: 'kernel',
        target: (s) => (s.calls > 0 ? 'P-SEAMLDR' : undefined),
        guard: (s) => !s.loaded && s.calls > 0,
        effect: (_s, n) => {
          n.loaded = true;
        },
      },
      { name: 'never', actors: 2, actorKind: 'CPU', guard: () => false, effect: () => {} },
    ],
    invariants: [
      {
        name: 'NoCallAfterInstall',
        description: 'no second module call once the loader has run',
        source: 'test model',
        holds: (s) => !(s.calls >= 2 && s.loaded),
      },
    ],
    isEndState: () => false,
  };
}
