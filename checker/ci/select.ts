// `ci --only PATTERN`: which configurations a pattern selects. A pattern is `spec/name` matched
// whole, case-insensitive, where `*` stands for any characters and `?` for one; `spec` or
// `spec/` alone selects every configuration of the spec. Whole matches, so `update` selects the
// update spec and not an init configuration whose name mentions an update.

/** `spec/name` globs as a regular expression over the whole text. */
function glob(pattern: string): RegExp {
  const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

function parts(pattern: string): { spec: RegExp; name: RegExp } {
  const slash = pattern.indexOf('/');
  const spec = slash < 0 ? pattern : pattern.slice(0, slash);
  const name = slash < 0 ? '' : pattern.slice(slash + 1);
  return { spec: glob(spec), name: glob(name === '' ? '*' : name) };
}

/** Whether `pattern` selects the configuration `name` of spec `spec`. */
export function selects(pattern: string, spec: string, name: string): boolean {
  const p = parts(pattern);
  return p.spec.test(spec) && p.name.test(name);
}

/** Whether `pattern` selects some configuration of spec `spec` (its spec part matches). */
export function selectsSpec(pattern: string, spec: string): boolean {
  return parts(pattern).spec.test(spec);
}
