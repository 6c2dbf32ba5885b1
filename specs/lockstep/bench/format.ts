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
