// JUnit XML in the common Ant/Surefire shape (testsuites > testsuite per spec > testcase per
// configuration), which CI systems render as test results. A configuration not as expected is a
// <failure> naming expected and actual with the counterexample as text; one that could not be
// checked is an <error>, one a signal stopped <skipped>. An expected counterexample goes to <system-out>.
// Each test case names by `file` and `line` the source of the property its outcome concerns
// (sites.ts), or the spec's module, which CI systems use to annotate the line.

import { configurationId, settingsText } from './configuration.js';
import { actualText, expectedText } from './expected.js';
import type { GateRow } from './gate.js';
import { rowSite, withConfigurationSites, type ConfigurationSites } from './sites.js';
import { why } from './summary.js';

/** XML 1.0 allows no C0 controls but tab, LF and CR (nor lone surrogates, U+FFFE, U+FFFF). */
// eslint-disable-next-line no-control-regex -- these controls are what XML forbids
const INVALID = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(s: string): string {
  return s.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Attribute values keep their line breaks as character references (a parser would fold them). */
const attr = (s: string): string => xmlEscape(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

const secs = (s: number): string => s.toFixed(3);

function testcase(r: GateRow, sites: ConfigurationSites): string {
  const c = r.config;
  const a = r.result.actual;
  const site = rowSite(r, sites);
  const where = site === undefined ? '' : ` file="${attr(site.path)}" line="${site.line ?? 1}"`;
  const head = `    <testcase classname="${attr(`tdxmc.${c.spec.name}`)}" name="${attr(`${c.expectation.name} (${settingsText(c.expectation)})`)}"${where} time="${secs(r.result.stats.seconds)}"`;
  const message = `expected ${expectedText(c.expectation.expect)}, got ${actualText(a)}`;
  const states = `${r.result.stats.distinctStates} distinct states, ${r.result.stats.transitions} transitions`;
  const body: string[] = [];
  if (r.result.notRun === true) body.push(`      <skipped message="${attr(`not run: stopped by ${a.stoppedBy}`)}"/>`);
  else if (!r.passed) {
    const tag = a.error !== undefined ? 'error' : 'failure';
    const type = a.error !== undefined ? 'error' : a.verdict === 'incomplete' ? 'incomplete' : 'verdict';
    const text = [
      `${configurationId(c)}: ${message}`,
      why(c.expectation.expect, a),
      states,
      ...(r.result.reports.length > 0 ? [`reports: ${r.result.reports.join(', ')}`] : []),
      '',
      r.result.text ?? '',
    ].join('\n');
    body.push(`      <${tag} message="${attr(message)}" type="${type}">${xmlEscape(text.trimEnd())}</${tag}>`);
  } else if (r.result.text !== undefined) {
    body.push(`      <system-out>${xmlEscape(r.result.text.trimEnd())}</system-out>`);
  }
  return body.length === 0 ? `${head}/>` : [`${head}>`, ...body, '    </testcase>'].join('\n');
}

export function renderJunit(rows: readonly GateRow[], seconds: number): string {
  const count = (rs: readonly GateRow[]) => ({
    tests: rs.length,
    failures: rs.filter((r) => !r.passed && r.result.actual.error === undefined && r.result.notRun !== true).length,
    errors: rs.filter((r) => r.result.actual.error !== undefined).length,
    skipped: rs.filter((r) => r.result.notRun === true).length,
  });
  const suites = withConfigurationSites((of) =>
    [...new Set(rows.map((r) => r.config.spec.name))].map((name) => {
      const rs = rows.filter((r) => r.config.spec.name === name);
      const n = count(rs);
      const time = rs.reduce((t, r) => t + r.result.stats.seconds, 0);
      return [
        `  <testsuite name="${attr(name)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${secs(time)}">`,
        ...rs.map((r) => testcase(r, of(r.config))),
        '  </testsuite>',
      ].join('\n');
    }),
  );
  const n = count(rows);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tdxmc ci" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${secs(seconds)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
