// The JSON report: exactly the `--json` object of the run, then the report's own content
// (tool, options, the property in full or the model error, annotated steps, lanes, coverage).
// `seconds` is the only field that differs between reruns, and `timing` says so.

import { checkJson } from './check-json.js';
import { failurePoint, type Report } from './report.js';

export function renderJson(r: Report): string {
  const s = r.subject;
  const doc = {
    ...checkJson(s.spec, s.params, r.outcome),
    tool: { name: 'tdx-mc', version: s.version },
    options: s.options,
    property: {
      ...r.property,
      kind: r.kind,
      ...(s.location === undefined ? {} : { location: s.location }),
      where: failurePoint(r),
    },
    // The actor is in `label` and `lane` already; the state is in the `--json` trace.
    steps: r.steps.map(({ state: _s, actor: _a, actorKind: _k, ...step }) => step),
    lanes: r.lanes,
    timing: ['seconds'],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
