// `tdxmc list`: every spec, its parameters (defaults, ranges) and its properties.

import { parseArgs } from 'node:util';
import { specs } from '../../specs/index.js';
import { EXIT } from './exit.js';
import { resolveDefaults } from './spec-arg.js';

export function listCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' }, debug: { type: 'boolean' } }, strict: true });
  const rows = specs.map((s) => {
    const model = s.build(resolveDefaults(s));
    return {
      name: s.name,
      description: s.description,
      params: s.params,
      properties: [...model.invariants, ...(model.transitionProperties ?? [])].map((p) => ({
        name: p.name,
        description: p.description,
        ...(p.source === undefined ? {} : { source: p.source }),
      })),
    };
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return EXIT.pass;
  }
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${r.name}: ${r.description}`, '  parameters:');
    for (const p of r.params) {
      const range = p.type === 'int' ? `${p.min}..${p.max}` : p.type === 'enum' ? p.values.join('|') : 'true|false';
      out.push(`    ${p.name} = ${String(p.default)}  (${range})  ${p.description}`);
    }
    out.push('  properties:');
    for (const p of r.properties) out.push(`    ${p.name}: ${p.description}`);
    out.push('');
  }
  process.stdout.write(out.join('\n'));
  return EXIT.pass;
}
