// How the bench prints: numbers, tables, the median run, and a target met or not.

export const num = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
export const mib = (b: number | undefined): string => (b === undefined ? 'n/a' : num(b / 2 ** 20));

export function medianOf<T extends { seconds: number }>(runs: T[]): T {
  return [...runs].sort((a, b) => a.seconds - b.seconds)[runs.length >> 1]!;
}

export function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write('  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n');
}

export function target(what: string, ok: boolean, detail: string): void {
  process.stdout.write(`  target: ${what}: ${detail} -> ${ok ? 'met' : 'NOT met'}\n\n`);
}

/** `repeat` runs of each side, run alternately (a, b, a, b, ...); the second side is optional. */
export function sideBySide<A, B>(repeat: number, a: () => A, b?: () => B): [A[], B[]] {
  const as: A[] = [];
  const bs: B[] = [];
  for (let i = 0; i < repeat; i++) {
    as.push(a());
    if (b) bs.push(b());
  }
  return [as, bs];
}

/**
 * A target's ratio: its median over the pairs of runs. Each pair ran back to back, so a
 * machine whose speed drifts during the bench shifts both runs of a pair alike, and the ratio
 * less than either time.
 */
export function pairedRatio<A, B>(as: A[], bs: B[], f: (a: A, b: B) => number): { median: number; each: string } {
  const rs = as.map((a, i) => f(a, bs[i]!));
  const sorted = [...rs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, each: rs.length > 1 ? ` (median of ${rs.map((r) => num(r, 2)).join(', ')})` : '' };
}
