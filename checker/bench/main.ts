// `npm run bench`: lockstep at several sizes, each in a fresh process. Prints distinct states,
// seconds, states/s, bytes per stored state and peak RSS. Figures come from this run only.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Row {
  label: string;
  args: string[];
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const sizes = (process.env['BENCH_CPUS'] ?? '6,8,10').split(',').map(Number);

const rows: Row[] = sizes.map((n) => ({ label: `lockstep cpus=${n} ack`, args: ['lockstep', `cpus=${n}`, 'variant=ack'] }));

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const header = ['run', 'verdict', 'states', 'transitions', 'seconds', 'states/s', 'B/state', 'peak RSS MiB'];
const table: string[][] = [header];
for (const row of rows) {
  const r = spawnSync(process.execPath, [CHILD, ...row.args], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`bench: ${row.label} failed:\n${r.stderr}`);
    process.exit(1);
  }
  const j = JSON.parse(r.stdout);
  table.push([
    row.label,
    j.verdict,
    fmt(j.distinctStates),
    fmt(j.transitions),
    fmt(j.seconds, 2),
    fmt(j.distinctStates / j.seconds),
    fmt(j.storeBytesPerState + j.linkBytesPerState, 1),
    fmt(j.peakRssBytes / 2 ** 20),
  ]);
}
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
for (const r of table) process.stdout.write(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n');
