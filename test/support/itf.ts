// A validator for the Informal Trace Format (Apalache ADR-015), written from the ADR's rules:
// the trace object's fields, states defining exactly `vars`, and the expression forms (strings,
// booleans, integers in the JSON-safe range, #bigint, lists, records without `#` fields, #tup,
// #set, #map of pairs, #unserializable). Returns every violation found, as `path: why`.

const TRACE_FIELDS = new Set(['#meta', 'params', 'vars', 'states', 'loop']);
const SAFE = 2 ** 53 - 1;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function expr(v: unknown, path: string, errors: string[]): void {
  if (typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || Math.abs(v) > SAFE) errors.push(`${path}: ${v} is not an integer in [-(2^53)+1, 2^53-1]`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((e, i) => expr(e, `${path}[${i}]`, errors));
    return;
  }
  if (!isObject(v)) {
    errors.push(`${path}: ${JSON.stringify(v)} is not an ITF expression`);
    return;
  }
  const keys = Object.keys(v);
  const tagged = keys.filter((k) => k.startsWith('#'));
  if (tagged.length === 0) {
    for (const k of keys) expr(v[k], `${path}.${k}`, errors);
    return;
  }
  if (keys.length !== 1) {
    errors.push(`${path}: a tagged form has exactly one field, got ${keys.join(', ')}`);
    return;
  }
  const [tag] = tagged;
  const body = v[tag!];
  switch (tag) {
    case '#bigint':
      if (typeof body !== 'string' || !/^-?[0-9]+$/.test(body)) errors.push(`${path}: #bigint must be a string of digits, got ${JSON.stringify(body)}`);
      return;
    case '#tup':
    case '#set':
      if (!Array.isArray(body)) errors.push(`${path}: ${tag} must hold an array`);
      else body.forEach((e, i) => expr(e, `${path}.${tag}[${i}]`, errors));
      return;
    case '#map':
      if (!Array.isArray(body)) errors.push(`${path}: #map must hold an array`);
      else
        body.forEach((pair, i) => {
          if (!Array.isArray(pair) || pair.length !== 2) errors.push(`${path}.#map[${i}]: not a [key, value] pair`);
          else pair.forEach((e, j) => expr(e, `${path}.#map[${i}][${j}]`, errors));
        });
      return;
    case '#unserializable':
      if (typeof body !== 'string') errors.push(`${path}: #unserializable must hold a string`);
      return;
    default:
      errors.push(`${path}: unknown form ${tag}`);
  }
}

export function validateItf(trace: unknown): string[] {
  const errors: string[] = [];
  if (!isObject(trace)) return ['trace: not a JSON object'];
  for (const k of Object.keys(trace)) if (!TRACE_FIELDS.has(k)) errors.push(`trace: unknown field ${k}`);
  if ('#meta' in trace && !isObject(trace['#meta'])) errors.push('#meta: not an object');
  const names = (field: 'params' | 'vars'): string[] => {
    const v = trace[field];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      errors.push(`${field}: not an array of strings`);
      return [];
    }
    if (new Set(v).size !== v.length) errors.push(`${field}: repeated names`);
    return v as string[];
  };
  const params = 'params' in trace ? names('params') : [];
  const vars = names('vars');
  const states = trace['states'];
  if (!Array.isArray(states)) return [...errors, 'states: not an array'];
  states.forEach((s, i) => {
    const at = `states[${i}]`;
    if (!isObject(s)) {
      errors.push(`${at}: not an object`);
      return;
    }
    if ('#meta' in s && !isObject(s['#meta'])) errors.push(`${at}.#meta: not an object`);
    const defined = Object.keys(s).filter((k) => k !== '#meta');
    for (const v of vars) if (!(v in s)) errors.push(`${at}: variable ${v} is not set`);
    if (i === 0) for (const p of params) if (!(p in s)) errors.push(`${at}: parameter ${p} is not set`);
    for (const k of defined) {
      if (!vars.includes(k) && !params.includes(k)) errors.push(`${at}: ${k} is neither a variable nor a parameter`);
      expr(s[k], `${at}.${k}`, errors);
    }
  });
  if ('loop' in trace) {
    const loop = trace['loop'];
    if (typeof loop !== 'number' || !Number.isInteger(loop) || loop < 0 || loop >= states.length) errors.push(`loop: not a state index`);
  }
  return errors;
}
