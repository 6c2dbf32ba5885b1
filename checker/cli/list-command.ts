// `tdxmc list`: every spec, its parameters (defaults, ranges) and its properties.

import { EXIT, UsageError } from '../exit.js';
import { command } from './command.js';
import { DEBUG, HELP, JSON_OUT, NO_COLOR } from './shared-options.js';
import { allSpecs } from './spec-registry.js';

const options = { json: { ...JSON_OUT, help: 'print every spec as JSON' }, 'no-color': NO_COLOR, debug: DEBUG, help: HELP } as const;

export const listCommand = command({
  name: 'list',
  args: '[options]',
  summary: 'every spec, its parameters and properties',
  options,
  examples: [
    ['tdxmc list', 'specs, parameters (defaults, ranges), properties'],
    ['tdxmc list --json', 'the same as one JSON array'],
  ],
  exits: '0 listed, 2 bad input',
  async run(values, positionals, ctx) {
    if (positionals.length > 0) throw new UsageError(`list: takes no arguments (got ${positionals.join(', ')})`);
    // What a spec declares: its model is never built here.
    const rows = (await allSpecs(ctx.specs)).map((s) => ({
      name: s.name,
      description: s.description,
      params: s.params,
      properties: s.properties.map((p) => ({
        name: p.name,
        kind: p.kind,
        description: p.description,
        ...(p.source === undefined ? {} : { source: p.source }),
      })),
    }));
    if (values.json) {
      ctx.out.write(JSON.stringify(rows, null, 2) + '\n');
      return EXIT.pass;
    }
    const out: string[] = [];
    for (const r of rows) {
      out.push(`${ctx.style.heading(`${r.name}:`)} ${r.description}`, '  parameters:');
      for (const p of r.params) {
        const range = p.type === 'int' ? `${p.min}..${p.max}` : p.type === 'enum' ? p.values.join('|') : 'true|false';
        out.push(`    ${p.name} = ${String(p.default)}  (${range})  ${p.description}`);
      }
      out.push('  properties:');
      for (const p of r.properties) out.push(`    ${p.name}${p.kind === 'invariant' ? '' : ` (${p.kind})`}: ${p.description}`);
      out.push('');
    }
    ctx.out.write(out.join('\n'));
    return EXIT.pass;
  },
});
