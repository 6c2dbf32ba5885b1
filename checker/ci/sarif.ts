// SARIF 2.1.0 for GitHub code scanning: one result per unexpected counterexample, at the line
// that defines the violated property, so a pull request that breaks a property shows it there.
// Rules are the properties of the configurations checked, identified as `spec/property`.

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

export function renderSarif(rows: readonly GateRow[], version: string): string {
  const rules: Rule[] = [];
  const ruleIndex = new Map<string, number>();
  for (const r of rows) {
    for (const p of r.config.properties) {
      const id = `${r.config.spec.name}/${p.name}`;
      if (ruleIndex.has(id)) continue;
      ruleIndex.set(id, rules.length);
      rules.push({
        id,
        name: p.name,
        shortDescription: { text: p.description },
        help: { text: p.source === undefined ? p.description : `${p.description} (source: ${p.source})` },
      });
    }
  }
  const results = rows.filter(unexpectedViolation).map((r) => {
    const a = r.result.actual;
    const id = `${r.config.spec.name}/${a.property!}`;
    const site = propertySite(r.config.spec.file, a.property!);
    const message = [
      `${configurationId(r.config)} (${settingsText(r.config.expectation)}): ${a.property} ${a.property === 'deadlock' ? 'reached' : 'violated'} in ${a.traceLength} steps; expected ${expectedText(r.config.expectation.expect)}.`,
      ...(r.result.reports.length > 0 ? [`Reports: ${r.result.reports.join(', ')}.`] : []),
      '',
      r.result.text ?? '',
    ].join('\n');
    return {
      ruleId: id,
      ...(ruleIndex.has(id) ? { ruleIndex: ruleIndex.get(id)! } : {}),
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
