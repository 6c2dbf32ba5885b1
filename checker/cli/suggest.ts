// "did you mean": the names nearest a misspelt one (a command, spec, parameter, enum value, flag or
// property), for the one line that refuses it.

/** Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, case ignored. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // d[i][j]: edits from s's first i characters to t's first j.
  const d = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const sub = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + sub);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/** A flag's name without its dashes: they are not what was misspelt. */
const bare = (s: string): string => s.replace(/^-+/, '');

/** The candidates nearest `word`, when a slip of the keyboard could explain it: one edit in three characters. */
function nearest(word: string, candidates: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(bare(word).length / 3));
  const scored = candidates.map((c) => ({ c, d: distance(bare(word), bare(c)) })).filter((x) => x.d <= limit);
  const best = Math.min(...scored.map((x) => x.d));
  const near = scored.filter((x) => x.d === best).map((x) => x.c);
  // `help` and `--help` are one suggestion: the first.
  return near.filter((c, i) => near.findIndex((o) => bare(o) === bare(c)) === i);
}

const alternatives = (names: readonly string[]): string => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`);

/** ` (did you mean X?)` when a candidate is near `word`; else ` (otherwise)`, or nothing without it. */
export function didYouMean(word: string, candidates: readonly string[], otherwise?: string): string {
  const near = nearest(word, candidates);
  if (near.length > 0) return ` (did you mean ${alternatives(near)}?)`;
  return otherwise === undefined ? '' : ` (${otherwise})`;
}

/** `unknown spec 'updte' (did you mean update?)`, or the known names when none is near. */
export const unknownName = (what: string, word: string, known: readonly string[]): string =>
  `unknown ${what} '${word}'${didYouMean(word, known, `known: ${known.join(', ') || 'none'}`)}`;
