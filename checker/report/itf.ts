// The trace in the Informal Trace Format of Apalache and Quint (ADR-015), so their tooling can
// open it: schema fields are the variables, ints are `#bigint`, arrays lists, records objects,
// enum values strings. Each state also carries Quint's `mbt::actionTaken` (the action's name,
// `init` first) and `mbt::nondetPicks` (the actor that took the step, as an Option per actor kind).

import { failureName, failurePoint, type Report } from './report.js';

export const ITF_FORMAT_URL = 'https://apalache-mc.org/docs/adr/015adr-trace.html';
export const ACTION_TAKEN = 'mbt::actionTaken';
export const NONDET_PICKS = 'mbt::nondetPicks';

export type ItfValue = string | boolean | { '#bigint': string } | { '#tup': ItfValue[] } | ItfValue[] | { [field: string]: ItfValue };

function itfValue(v: unknown): ItfValue {
  if (typeof v === 'number') return { '#bigint': String(v) };
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(itfValue);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, itfValue(x)]));
  throw new TypeError(`ITF: no encoding for ${String(v)}`);
}

const NONE: ItfValue = { tag: 'None', value: { '#tup': [] } };

export function renderItf(r: Report): string {
  const first = r.steps[0]!.state as Record<string, unknown>;
  const vars = [...Object.keys(first), ACTION_TAKEN, NONDET_PICKS];
  const s = r.subject;
  const trace = {
    '#meta': {
      format: 'ITF',
      'format-description': ITF_FORMAT_URL,
      source: s.location?.replace(/:\d+$/, '') ?? s.spec,
      description: `tdx-mc ${s.version}: ${failureName(r)} in ${r.heading}; ${failurePoint(r)}`,
      status: r.verdict,
      spec: s.spec,
      parameters: s.params,
      property: {
        name: r.property.name,
        kind: r.kind,
        description: r.property.description,
        ...(r.property.source === undefined ? {} : { source: r.property.source }),
      },
    },
    vars,
    // ITF's lasso: the index of the state the last one loops back to.
    ...(r.loopStart === undefined ? {} : { loop: r.loopStart }),
    states: r.steps.map((step) => {
      const picks = Object.fromEntries(r.actorKinds.map((k) => [k, k === step.actorKind ? { tag: 'Some', value: itfValue(step.actor) } : NONE]));
      return {
        '#meta': { index: step.index, ...(step.index === 0 ? {} : { action: step.label }) },
        ...(itfValue(step.state) as Record<string, ItfValue>),
        [ACTION_TAKEN]: step.action ?? 'init',
        [NONDET_PICKS]: picks,
      };
    }),
  };
  return JSON.stringify(trace, null, 1) + '\n';
}
