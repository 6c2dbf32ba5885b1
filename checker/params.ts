// Parameters from the command line (`--set name=value`), validated against a spec's declarations.
// A declared alias (a name users typed before a rename) resolves to its canonical name. Errors
// are returned as values naming the parameter, for the CLI's one-line message.

import type { ParamDecl, Params, ParamValue } from './spec.js';

export type ParamsResult = { ok: true; params: Params } | { ok: false; error: string };

type ValueResult = { ok: true; value: ParamValue } | { ok: false; error: string };

/** Why `v` is not a value of `decl` (type, range, listed values), or undefined. */
export function valueError(decl: ParamDecl, v: unknown): string | undefined {
  switch (decl.type) {
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `'${String(v)}' is not an integer`;
      return v < decl.min || v > decl.max ? `${v} is outside ${decl.min}..${decl.max}` : undefined;
    case 'bool':
      return typeof v === 'boolean' ? undefined : `'${String(v)}' is not true or false`;
    case 'enum':
      return typeof v === 'string' && decl.values.includes(v) ? undefined : `'${String(v)}' is not one of ${decl.values.join(', ')}`;
  }
}

/** The value `raw` spells for `decl`'s type, or `raw` itself for valueError to name. */
const fromText = (decl: ParamDecl, raw: string): ParamValue => {
  if (decl.type === 'int') return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (decl.type === 'bool') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  return raw;
};

export function parseValue(decl: ParamDecl, raw: string): ValueResult {
  const v = fromText(decl, raw);
  const why = valueError(decl, v);
  return why === undefined ? { ok: true, value: v } : { ok: false, error: `parameter ${decl.name}: ${why}` };
}

/** The declaration `name` means: its canonical name or one of its aliases. */
export const findParam = (decls: readonly ParamDecl[], name: string): ParamDecl | undefined =>
  decls.find((d) => d.name === name) ?? decls.find((d) => d.aliases?.includes(name));

/** Fills defaults and validates; `assignments` are `name=value` strings. */
export function resolveParams(decls: readonly ParamDecl[], assignments: readonly string[]): ParamsResult {
  const out: Record<string, ParamValue> = {};
  for (const d of decls) out[d.name] = d.default;
  const seen = new Set<string>();
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) return { ok: false, error: `--set '${a}': expected name=value` };
    const name = a.slice(0, eq);
    const decl = findParam(decls, name);
    if (!decl) return { ok: false, error: `unknown parameter '${name}' (known: ${decls.map((d) => d.name).join(', ') || 'none'})` };
    if (seen.has(decl.name)) return { ok: false, error: `parameter ${decl.name} set twice` };
    seen.add(decl.name);
    const v = parseValue(decl, a.slice(eq + 1));
    if (!v.ok) return v;
    out[decl.name] = v.value;
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
