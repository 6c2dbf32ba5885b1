// A `tdxmc check` run once its flags are checked: the search, the reports, and the text to print.
// The command runs it on a worker thread (check-worker.ts) so that the main thread stays free to
// answer Ctrl-C and SIGTERM with what was explored so far; a spec without a module runs here.

import { buildModel, checkParallel, describeModelError, type CheckOutcome } from '../check.js';
import { EXIT, UsageError } from '../exit.js';
import { checkJson, memoryJson } from '../report/check-json.js';
import type { Progress } from '../result.js';
import type { Spec } from '../spec.js';
import { flagsOf, skippedOf, type CheckOutput, type CheckRequest } from './check-request.js';
import { styleOf } from './colour.js';
import { renderCheck, safetyChecked } from './human.js';
import { reason } from './out-file.js';
import { didYouMean } from './suggest.js';
import type { AnyModel } from '../model.js';
import { propertyNamesOf } from '../properties.js';

const EXIT_OF: Record<CheckOutcome['verdict'], number> = {
  pass: EXIT.pass,
  violation: EXIT.violation,
  deadlock: EXIT.violation,
  unreachable: EXIT.violation,
  error: EXIT.badInput,
  incomplete: EXIT.incomplete,
};

/** The flags checked against the built model: the properties --skip-property names, and --symmetry's interchangeable actors. */
function requireFlagsFit(spec: Spec, model: AnyModel, o: CheckRequest['options']): void {
  const known = propertyNamesOf(model);
  for (const name of o.skipProperties ?? []) {
    if (!known.includes(name))
      throw new UsageError(`--skip-property: spec ${spec.name} has no property '${name}'${didYouMean(name, known, `it has ${known.join(', ')}`)}`);
  }
  if (o.symmetry && (model.symmetry?.length ?? 0) === 0) throw new UsageError(`--symmetry: spec ${spec.name} declares no interchangeable actors`);
}

export async function runCheck(spec: Spec, req: CheckRequest, onProgress?: (p: Progress) => void, progressInterval?: number): Promise<CheckOutput> {
  const o = req.options;
  const built = buildModel(spec, req.params);
  const model = built.model;
  requireFlagsFit(spec, model, o);
  const skipped = skippedOf(
    o.skipProperties ?? [],
    (model.liveness ?? []).map((p) => p.name),
    flagsOf(o),
  );
  const outcome = await checkParallel(spec, req.params, { ...o, ...(onProgress ? { onProgress, progressInterval } : {}) }, built);
  let reports: string[] = [];
  const err: string[] = [];
  let unwritten = false;
  if (req.report !== undefined) {
    // The report writers load only for a run that writes reports: most checks print a verdict alone.
    const { reportSubject, writeReports } = await import('../report/write.js');
    try {
      const subject = {
        ...(o.search === undefined ? {} : { search: o.search }),
        ...(o.maxStates === undefined ? {} : { maxStates: o.maxStates }),
        ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
        symmetry: o.symmetry ?? false,
      };
      const at = outcome.violation?.property.name ?? outcome.error?.property ?? undefined;
      reports = writeReports(req.report, { ...reportSubject(spec, req.params, subject, req.version, at), outcome });
    } catch (e) {
      // The verdict stands and is printed; the exit code says the reports are missing.
      err.push(`tdxmc: --report: cannot write into ${req.report}: ${reason(e)}`);
      unwritten = true;
    }
  }
  let out: string;
  if (req.json) {
    const covered = outcome.verdict === 'pass' ? { checked: safetyChecked(outcome) } : {};
    out =
      JSON.stringify({
        ...checkJson(spec.name, req.params, outcome),
        memory: memoryJson(outcome),
        skipped,
        ...covered,
        ...(req.report === undefined ? {} : { reports }),
      }) + '\n';
  } else if (outcome.error === undefined) {
    out = renderCheck(spec.name, req.params, outcome, o.search ?? 'bfs', skipped, styleOf(req.colour)) + '\n';
    if (req.report !== undefined && !unwritten)
      out += reports.length === 0 ? '\nno counterexample: no report written\n' : `\nreports:\n${reports.map((f) => `  ${f}\n`).join('')}`;
  } else out = '';
  if (outcome.error !== undefined) {
    // An initial-state writer that threw leaves no state, so no trace to write.
    const where = reports.length > 0 ? `; trace written to ${req.report}` : outcome.error.phase === 'init' ? '' : '; --report writes the trace';
    err.unshift(`tdxmc: model error: ${describeModelError(outcome.error)}${where}`);
    if (req.debug) err.splice(1, 0, stackOf(outcome.error.cause));
  }
  return { out, err: err.map((l) => `${l}\n`).join(''), exit: unwritten ? EXIT.badInput : EXIT_OF[outcome.verdict] };
}

const stackOf = (cause: unknown): string => (cause instanceof Error ? (cause.stack ?? cause.message) : String(cause));
