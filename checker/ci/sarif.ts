// SARIF 2.1.0 for GitHub code scanning: one result per unexpected counterexample, at the line
// that defines the violated property, so a pull request that breaks a property shows it there,
// and one per model error, at the action or property that threw. Rules are the properties of
// the configurations checked, identified as `spec/property`, and `spec/model-error`.

import { propertySite } from '../report/location.js';
import { configurationId, settingsText } from './configuration.js';
import { expectedText } from './expected.js';
import type { GateRow } from './gate.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  help: { text: string };
}

/** A counterexample nobody expected: a broken property, or a known-bad variant failing for another reason. */
const unexpectedViolation = (r: GateRow): boolean => !r.passed && r.result.actual.property !== undefined;
/** A configuration whose model threw (or could not be loaded): it was not checked at all. */
const modelError = (r: GateRow): boolean => r.result.actual.verdict === 'error';

/** The pseudo-rule of a spec's model errors. */
const errorRule = (spec: string): Rule => ({
  id: `${spec}/model-error`,
  name: 'model error',
  shortDescription: { text: 'a function of the model threw, so the configuration could not be checked' },
  help: {
    text: 'A guard, effect, invariant, transition property, end-state predicate or initial-state writer threw; the report traces the run to the state where it did.',
  },
});

export function renderSarif(rows: readonly GateRow[], version: string): string {
  const rules: Rule[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (rule: Rule): void => {
    if (ruleIndex.has(rule.id)) return;
    ruleIndex.set(rule.id, rules.length);
    rules.push(rule);
  };
  for (const r of rows) {
    for (const p of r.config.properties) {
      addRule({
        id: `${r.config.spec.name}/${p.name}`,
        name: p.name,
        shortDescription: { text: p.description },
        help: { text: p.source === undefined ? p.description : `${p.description} (source: ${p.source})` },
      });
    }
  }
  for (const r of rows.filter(modelError)) addRule(errorRule(r.config.spec.name));

  /** A result at the line declaring `name` (a property, or the action that threw) in the spec's sources. */
  const result = (r: GateRow, ruleId: string, name: string | undefined, summary: string) => {
    const site = name === undefined ? undefined : propertySite(r.config.spec.file, name);
    const message = [summary, ...(r.result.reports.length > 0 ? [`Reports: ${r.result.reports.join(', ')}.`] : []), '', r.result.text ?? ''].join('\n');
    return {
      ruleId,
      ...(ruleIndex.has(ruleId) ? { ruleIndex: ruleIndex.get(ruleId)! } : {}),
      level: 'error',
      message: { text: message.trimEnd() },
      locations: [
        {
          physicalLocation: {
            // A spec outside a package (no path from the root) is named by its module URL.
            artifactLocation: site === undefined ? { uri: r.config.spec.file! } : { uri: site.path, uriBaseId: '%SRCROOT%' },
            region: { startLine: site?.line ?? 1 },
          },
        },
      ],
    };
  };
  const results = rows.flatMap((r) => {
    const a = r.result.actual;
    const what = `${configurationId(r.config)} (${settingsText(r.config.expectation)})`;
    const expected = expectedText(r.config.expectation.expect);
    if (modelError(r)) {
      const e = r.result.json?.error;
      return [
        result(
          r,
          `${r.config.spec.name}/model-error`,
          e?.property ?? e?.action ?? undefined,
          `${what}: could not be checked: ${a.error}; expected ${expected}.`,
        ),
      ];
    }
    if (!unexpectedViolation(r)) return [];
    const broke = a.verdict === 'unreachable' ? 'never reached' : `${a.property === 'deadlock' ? 'reached' : 'violated'} in ${a.traceLength} steps`;
    return [result(r, `${r.config.spec.name}/${a.property!}`, a.property!, `${what}: ${a.property} ${broke}; expected ${expected}.`)];
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tdx-mc', version, rules } },
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
