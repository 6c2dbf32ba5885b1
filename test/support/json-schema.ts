// A validator for the subset of JSON Schema (draft-04) that the SARIF 2.1.0 schema uses, so
// tests check documents against the vendored schema without a dependency or the network. A
// keyword it does not know is an error in the schema, never silently passed.

type Schema = Readonly<Record<string, unknown>>;

const IGNORED = new Set(['$schema', 'id', 'title', 'description', 'default']);

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return typeof v === 'number' && Number.isInteger(v);
  return typeOf(v) === t;
}

/** `format`s the SARIF schema names: an absolute URI (RFC 3986 scheme), a URI reference, an RFC 3339 time. */
const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  uri: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/.test(s),
  'uri-reference': (s) => !/\s/.test(s),
  'date-time': (s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s),
};

/** The errors of `value` against `schema` (empty: valid), each `path: what`. */
export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`schema: $ref ${ref} is not local`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (typeof node !== 'object' || node === null) throw new Error(`schema: $ref ${ref} names nothing`);
    return node as Schema;
  };
  const check = (s: Schema, v: unknown, path: string, out: string[]): void => {
    for (const [key, arg] of Object.entries(s)) {
      if (IGNORED.has(key) || key === 'definitions') continue;
      switch (key) {
        case '$ref':
          check(resolve(arg as string), v, path, out);
          break;
        case 'type': {
          const types = Array.isArray(arg) ? (arg as string[]) : [arg as string];
          if (!types.some((t) => hasType(v, t))) out.push(`${path}: ${typeOf(v)} is not ${types.join(' or ')}`);
          break;
        }
        case 'enum':
          if (!(arg as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(v)))
            out.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(arg)}`);
          break;
        case 'required':
          if (typeOf(v) === 'object') for (const k of arg as string[]) if (!(k in (v as object))) out.push(`${path}: no ${k}`);
          break;
        case 'properties':
          if (typeOf(v) === 'object') {
            for (const [k, sub] of Object.entries(arg as Record<string, Schema>)) {
              if (k in (v as object)) check(sub, (v as Record<string, unknown>)[k], `${path}.${k}`, out);
            }
          }
          break;
        case 'additionalProperties':
          if (typeOf(v) === 'object') {
            const known = new Set(Object.keys((s['properties'] as object | undefined) ?? {}));
            for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
              if (known.has(k)) continue;
              if (arg === false) out.push(`${path}: unexpected property ${k}`);
              else if (typeof arg === 'object') check(arg as Schema, x, `${path}.${k}`, out);
            }
          }
          break;
        case 'items':
          if (Array.isArray(v)) v.forEach((x, i) => check(arg as Schema, x, `${path}[${i}]`, out));
          break;
        case 'minItems':
          if (Array.isArray(v) && v.length < (arg as number)) out.push(`${path}: fewer than ${String(arg)} items`);
          break;
        case 'uniqueItems':
          if (arg === true && Array.isArray(v) && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) out.push(`${path}: items repeat`);
          break;
        case 'minimum':
          if (typeof v === 'number' && v < (arg as number)) out.push(`${path}: ${v} is below ${String(arg)}`);
          break;
        case 'maximum':
          if (typeof v === 'number' && v > (arg as number)) out.push(`${path}: ${v} is above ${String(arg)}`);
          break;
        case 'pattern':
          if (typeof v === 'string' && !new RegExp(arg as string, 'u').test(v)) out.push(`${path}: ${JSON.stringify(v)} does not match ${String(arg)}`);
          break;
        case 'format': {
          const ok = FORMATS[arg as string];
          if (ok === undefined) throw new Error(`schema: unknown format ${String(arg)}`);
          if (typeof v === 'string' && !ok(v)) out.push(`${path}: ${JSON.stringify(v)} is not a ${String(arg)}`);
          break;
        }
        case 'anyOf':
        case 'oneOf': {
          const matching = (arg as Schema[]).filter((sub) => {
            const e: string[] = [];
            check(sub, v, path, e);
            return e.length === 0;
          }).length;
          if (key === 'anyOf' ? matching === 0 : matching !== 1) out.push(`${path}: matches ${matching} of the ${key} schemas`);
          break;
        }
        default:
          throw new Error(`schema: keyword ${key} at ${path} is not supported`);
      }
    }
  };
  check(root, value, '$', errors);
  return errors;
}
