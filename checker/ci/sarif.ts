// SARIF 2.1.0 for GitHub code scanning and SARIF viewers: one result per configuration not as
// expected (a property broken, a known-bad variant that passes or fails for another reason or at
// another length, a run incomplete, a model that threw), at the line of the property's predicate,
// with the last step's action as a related location and the counterexample as a code flow whose
// steps stand at their actions. Rules are the properties of the configurations checked
// (`spec/property`), and `spec/model-error` and `spec/incomplete`; each links to its spec's README.

import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleSite, packageRoot, type Site } from '../report/location.js';
import type { Configuration } from './configuration.js';
import { configurationId, settingsText } from './configuration.js';
import { actualText, expectedText, type Actual, type Expected } from './expected.js';
import type { GateRow } from './gate.js';
import { concernedProperty, rowSite, withConfigurationSites, type ConfigurationSites } from './sites.js';
import { why } from './summary.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

type Env = Readonly<Record<string, string | undefined>>;

interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string };
}

/** `https://github.com/owner/repo` from package.json's `repository` or `homepage`, if it names one. */
function repositoryOf(root: string): string | undefined {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { repository?: string | { url?: string }; homepage?: string };
  const named = [typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url, pkg.homepage];
  for (const s of named) {
    const m =
      s === undefined
        ? null
        : /^(?:github:|(?:git\+)?(?:https?|ssh|git):\/\/(?:git@)?github\.com\/|git@github\.com:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:[#/].*)?$/.exec(s);
    if (m !== null) return `https://github.com/${m[1]}/${m[2]}`;
  }
  return undefined;
}

/**
 * A stable absolute link to a spec's README (its Properties section when it has one; its module
 * without a README): in the repository package.json names, else in the repository and commit of
 * the GitHub Actions run, else the file in this checkout.
 */
function helpUri(c: Configuration, env: Env): string {
  const file = c.spec.file!;
  const module = moduleSite(file);
  const root = module === undefined ? undefined : packageRoot(fileURLToPath(file));
  if (module === undefined || root === undefined) return file;
  const readme = posix.join(posix.dirname(module.path), 'README.md');
  const hasReadme = existsSync(join(root, readme));
  const anchor = hasReadme && /^## Properties$/m.test(readFileSync(join(root, readme), 'utf8')) ? '#properties' : '';
  const target = `${hasReadme ? readme : module.path}${anchor}`;
  const repo = repositoryOf(root) ?? (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : undefined);
  if (repo !== undefined) return `${repo}/blob/${env.GITHUB_SHA ?? 'HEAD'}/${target}`;
  return pathToFileURL(join(root, hasReadme ? readme : module.path)).href + anchor;
}

const sentence = (s: string): string => s.replace(/[.\s]*$/, '.');

function rulesOf(rows: readonly GateRow[], failed: readonly GateRow[], env: Env): Rule[] {
  const rules = new Map<string, Rule>();
  const add = (c: Configuration, name: string, short: string, full: string): void => {
    const id = `${c.spec.name}/${name}`;
    if (!rules.has(id))
      rules.set(id, { id, name, shortDescription: { text: short }, fullDescription: { text: full }, helpUri: helpUri(c, env), help: { text: full } });
  };
  for (const r of rows) {
    for (const p of r.config.properties)
      add(r.config, p.name, p.description, `${sentence(p.description)}${p.source === undefined ? '' : ` Source: ${p.source}`}`);
  }
  for (const r of failed) {
    if (r.result.actual.verdict === 'error') {
      add(
        r.config,
        'model-error',
        'a function of the model threw, so the configuration could not be checked',
        'A guard, effect, invariant, transition property, end-state predicate or initial-state writer threw; the report traces the run to the state where it did.',
      );
    }
    if (r.result.actual.verdict === 'incomplete') {
      add(
        r.config,
        'incomplete',
        'the search stopped before a verdict',
        'A search bound or the --timeout budget stopped the run before every reachable state was explored, so nothing is concluded about its properties.',
      );
    }
  }
  return [...rules.values()];
}

function location(r: GateRow, site: Site | undefined, message?: string) {
  return {
    physicalLocation: {
      // A spec outside a package (no path from the root) is named by its module URL.
      artifactLocation: site === undefined ? { uri: r.config.spec.file! } : { uri: site.path, uriBaseId: '%SRCROOT%' },
      region: { startLine: site?.line ?? 1 },
    },
    ...(message === undefined ? {} : { message: { text: message } }),
  };
}

/** What went wrong, in one or two sentences. */
function summaryOf(e: Expected, a: Actual): string {
  const expected = expectedText(e);
  if (a.verdict === 'error') return `could not be checked: ${a.error}; expected ${expected}.`;
  if (a.verdict === 'pass') return `expected ${e.verdict === 'violation' ? `a violation of ${e.property}` : expected}, got pass: ${why(e, a)}.`;
  if (a.property === undefined) return `no verdict: ${actualText(a)}; expected ${expected}: ${why(e, a)}.`;
  const broke = a.verdict === 'unreachable' ? 'never reached' : `${a.verdict === 'deadlock' ? 'reached' : 'violated'} in ${a.traceLength} steps`;
  return `${a.property} ${broke}; expected ${expected}.${e.verdict === 'pass' ? '' : ` ${why(e, a).replace(/^./, (c) => c.toUpperCase())}.`}`;
}

const ending = (verdict: string, property: string | undefined): string =>
  verdict === 'error' ? 'the state where the model threw' : verdict === 'deadlock' ? 'a deadlock' : `a violation of ${property}`;

function resultOf(r: GateRow, sites: ConfigurationSites, ruleIndex: ReadonlyMap<string, number>) {
  const a = r.result.actual;
  const e = r.config.expectation.expect;
  const rule = a.verdict === 'error' ? 'model-error' : a.verdict === 'incomplete' ? 'incomplete' : concernedProperty(r)!;
  const ruleId = `${r.config.spec.name}/${rule}`;
  const summary = `${configurationId(r.config)} (${settingsText(r.config.expectation)}): ${summaryOf(e, a)}`;
  const message = [summary, ...(r.result.reports.length > 0 ? [`Reports: ${r.result.reports.join(', ')}.`] : []), '', r.result.text ?? ''].join('\n');

  const json = r.result.json;
  const trace = json?.violation?.trace ?? json?.error?.trace ?? [];
  const loopStart = json?.violation?.loopStart;
  const stepText = (t: (typeof trace)[number], k: number): string => {
    const what = t.action === null ? 'initial state' : `${t.actor === null ? '' : `${sites.actorKind(t.action)} ${t.actor}: `}${t.action}`;
    return `${k}. ${what}${k === loopStart ? ' (the cycle starts here)' : ''}`;
  };
  const siteOf = (t: (typeof trace)[number]): Site | undefined => (t.action === null ? sites.init() : sites.action(t.action));
  const last = trace.at(-1);
  const related = [
    ...(last !== undefined && last.action !== null ? [location(r, siteOf(last), `the last step: ${stepText(last, trace.length - 1)}`)] : []),
    ...(e.verdict === 'violation' && e.property !== rule && a.verdict !== 'error' && a.verdict !== 'incomplete'
      ? [location(r, sites.property(e.property), `${e.property}, the property this configuration is expected to break`)]
      : []),
  ].map((l, i) => ({ id: i + 1, ...l }));
  const codeFlows =
    trace.length === 0
      ? []
      : [
          {
            message: { text: `${trace.length - 1} steps from an initial state to ${ending(a.verdict, a.property)}` },
            threadFlows: [
              {
                locations: trace.map((t, k) => ({
                  location: location(r, siteOf(t), stepText(t, k)),
                  executionOrder: k,
                  ...(k === trace.length - 1 ? { importance: 'essential' } : {}),
                })),
              },
            ],
          },
        ];
  return {
    ruleId,
    ...(ruleIndex.has(ruleId) ? { ruleIndex: ruleIndex.get(ruleId)! } : {}),
    level: a.verdict === 'incomplete' ? 'warning' : 'error',
    message: { text: message.trimEnd() },
    locations: [location(r, rowSite(r, sites))],
    ...(related.length === 0 ? {} : { relatedLocations: related }),
    ...(codeFlows.length === 0 ? {} : { codeFlows }),
  };
}

/** The SARIF log of a gate's rows; `env` supplies the GitHub Actions repository for rules' links. */
export function renderSarif(rows: readonly GateRow[], version: string, env: Env = process.env): string {
  const failed = rows.filter((r) => !r.passed && r.result.notRun !== true);
  const rules = rulesOf(rows, failed, env);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = withConfigurationSites((of) => failed.map((r) => resultOf(r, of(r.config), ruleIndex)));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'tdx-mc', version, rules } }, results }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
