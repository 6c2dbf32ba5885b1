// Parameters from the command line (`--set name=value`), validated against a spec's declarations.
// Errors are returned as values naming the parameter, for the CLI's one-line message.

import type { ParamDecl, Params, ParamValue } from './model.js';

export type ParamsResult = { ok: true; params: Params } | { ok: false; error: string };

type ValueResult = { ok: true; value: ParamValue } | { ok: false; error: string };

export function parseValue(decl: ParamDecl, raw: string): ValueResult {
  const bad = (why: string): ValueResult => ({ ok: false, error: `parameter ${decl.name}: ${why}` });
  switch (decl.type) {
    case 'int': {
      if (!/^-?\d+$/.test(raw)) return bad(`'${raw}' is not an integer`);
      const v = Number(raw);
      if (v < decl.min || v > decl.max) return bad(`${v} is outside ${decl.min}..${decl.max}`);
      return { ok: true, value: v };
    }
    case 'bool':
      if (raw === 'true' || raw === '1') return { ok: true, value: true };
      if (raw === 'false' || raw === '0') return { ok: true, value: false };
      return bad(`'${raw}' is not true or false`);
    case 'enum':
      if (!decl.values.includes(raw)) return bad(`'${raw}' is not one of ${decl.values.join(', ')}`);
      return { ok: true, value: raw };
  }
}

/** Fills defaults and validates; `assignments` are `name=value` strings. */
export function resolveParams(decls: readonly ParamDecl[], assignments: readonly string[]): ParamsResult {
  const out: Record<string, ParamValue> = {};
  for (const d of decls) out[d.name] = d.default;
  const seen = new Set<string>();
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) return { ok: false, error: `--set '${a}': expected name=value` };
    const name = a.slice(0, eq);
    const decl = decls.find((d) => d.name === name);
    if (!decl) return { ok: false, error: `unknown parameter '${name}' (known: ${decls.map((d) => d.name).join(', ') || 'none'})` };
    if (seen.has(name)) return { ok: false, error: `parameter ${name} set twice` };
    seen.add(name);
    const v = parseValue(decl, a.slice(eq + 1));
    if (!v.ok) return v;
    out[name] = v.value;
  }
  return { ok: true, params: out };
}

/** Validates an already structured parameter object (spec expectations, tests). */
export function checkParams(decls: readonly ParamDecl[], given: Params): ParamsResult {
  return resolveParams(
    decls,
    Object.entries(given).map(([k, v]) => `${k}=${String(v)}`),
  );
}
