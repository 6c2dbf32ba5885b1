// The JSON report: exactly the `--json` object of the run, then the report's own content
// (tool, options, the property in full, annotated steps, lanes, coverage). `seconds` is the
// only field that differs between reruns, and `timing` says so.

import { checkJson } from '../cli/json.js';
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
    steps: r.steps.map(({ state: _, ...step }) => step),
    lanes: r.lanes,
    timing: ['seconds'],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
