// `tdxmc merge`: the outputs of the `ci --shard i/N` jobs of a CI matrix as one run's: one JSON
// object, JUnit file and SARIF log, one tally and one exit code (merge.ts), so that the gate
// is the merge job's verdict rather than N jobs' that each saw a part.

import { readFileSync } from 'node:fs';
import { mergedExit, inputOf, mergeJson, mergeJunit, mergeSarif, refuseMismatch, type Input } from '../ci/merge.js';
import { actualText, expectedText } from '../ci/expected.js';
import { tallyText, why } from '../ci/summary.js';
import { UsageError } from '../exit.js';
import { command, type CommandContext, type Values } from './command.js';
import { reason, requireWritableFile, writeOut } from './out-file.js';
import { DEBUG, HELP, JSON_OUT, NO_COLOR } from './shared-options.js';
import { allSpecs } from './spec-registry.js';

const options = {
  junit: { type: 'string', value: 'FILE', help: 'write the JUnit inputs as one JUnit XML file: a suite per spec, a test case per configuration' },
  sarif: { type: 'string', value: 'FILE', help: 'write the SARIF inputs as one SARIF 2.1.0 log of one run' },
  json: { ...JSON_OUT, help: 'print the --json inputs as one JSON object of the shape ci --json prints' },
  'no-color': NO_COLOR,
  debug: DEBUG,
  help: HELP,
} as const;

export const mergeCommand = command({
  name: 'merge',
  args: '<file> ... [options]',
  summary: "the outputs of ci --shard jobs (--json, --junit, --sarif) as one run's, with one verdict",
  options,
  examples: [
    ['tdxmc merge shard-*/ci.json', 'the tally and verdict of all shards, from their ci --json'],
    ['tdxmc merge shard-*/* --json --junit junit.xml --sarif tdxmc.sarif', "every shard's outputs, each kind into one file"],
  ],
  exits:
    '0 every configuration of every shard as expected, 1 some not, 2 bad input (a shard missing or twice, versions differ) or a model error, 3 some run incomplete or not run',
  run: merge,
});

function read(file: string): Input {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`merge: cannot read ${file}: ${reason(e)}`, { cause: e });
  }
  return inputOf(file, text);
}

const ofKind = <K extends Input['kind']>(inputs: readonly Input[], kind: K): Extract<Input, { kind: K }>[] =>
  inputs.filter((i): i is Extract<Input, { kind: K }> => i.kind === kind);

async function merge(values: Values<typeof options>, positionals: string[], ctx: CommandContext): Promise<number> {
  if (positionals.length === 0) throw new UsageError('merge: which files? the ci --json outputs of the shards (and their --junit and --sarif files)');
  const inputs = positionals.map(read);
  const json = ofKind(inputs, 'json');
  if (json.length === 0) throw new UsageError('merge: no ci --json output among the inputs: the verdict comes from it');
  for (const [flag, kind, file] of [
    ['--junit', 'junit', values.junit],
    ['--sarif', 'sarif', values.sarif],
  ] as const) {
    const given = ofKind(inputs, kind);
    if (file === undefined && given.length > 0)
      throw new UsageError(`merge: ${given[0]!.file} is ${kind === 'junit' ? 'JUnit' : 'SARIF'}: ${flag} FILE says where the merged file goes`);
    if (file !== undefined && given.length === 0) throw new UsageError(`${flag}: no ${kind === 'junit' ? 'JUnit' : 'SARIF'} input to merge`);
    if (file !== undefined) requireWritableFile(flag, file);
  }
  refuseMismatch(inputs);
  // Declaration order, in which `ci` prints configurations.
  const specs = await allSpecs(ctx.specs);
  const merged = mergeJson(json, specs);
  const files: string[] = [];
  if (values.junit !== undefined) {
    writeOut('--junit', values.junit, mergeJunit(ofKind(inputs, 'junit'), specs));
    files.push(`JUnit: ${values.junit}`);
  }
  if (values.sarif !== undefined) {
    writeOut('--sarif', values.sarif, mergeSarif(ofKind(inputs, 'sarif'), specs));
    files.push(`SARIF: ${values.sarif}`);
  }
  if (values.json) ctx.out.write(JSON.stringify(merged) + '\n');
  else {
    const failed = merged.configurations.filter((r) => !r.passed);
    const lines = [
      ...(failed.length === 0 ? [] : [`${failed.length} configuration${failed.length === 1 ? '' : 's'} not as expected:`]),
      ...failed.flatMap((r) => [`  ${r.spec}/${r.name}: expected ${expectedText(r.expect)}, got ${actualText(r.actual)}`, `    ${why(r.expect, r.actual)}`]),
      ...(failed.length > 0 && files.length > 0 ? [''] : []),
      ...files,
      ...(failed.length > 0 || files.length > 0 ? [''] : []),
      tallyText(merged, merged.seconds, merged.stoppedBy),
    ];
    ctx.out.write(lines.join('\n') + '\n');
  }
  return mergedExit(merged);
}
