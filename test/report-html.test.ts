// The HTML report opens in a real browser (headless Chromium): the steps render as lanes, the
// buttons, arrow keys and clicks on a step move the selection, the state panel highlights what
// the selected step changed, and the page asks the network for nothing. At 6 CPUs, with the TDX
// module's and the P-SEAMLDR's lanes beside them, no lane label is clipped and no word breaks.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { writeReports } from '../checker/report/write.js';
import { init } from '../specs/init/spec.js';
import { lockstep } from '../specs/lockstep/spec.js';
import type { Spec } from '../checker/spec.js';
import { checkParams } from '../checker/params.js';
import { Browser, chromiumMissing } from './support/chromium.js';

const params = { cpus: 4, variant: 'nolock' };
const outcome = check(lockstep.build(params));
const dir = mkdtempSync(join(tmpdir(), 'tdxmc-html-'));
const html = writeReports(dir, { spec: 'lockstep', params, options: { search: 'bfs' }, version: 'test', outcome }).find((f) => f.endsWith('.html'))!;
const trace = outcome.violation!.trace;
// A liveness lasso: retry may fail INSTALL for ever.
const lassoParams = { cpus: 2, variant: 'retry' };
const lassoOutcome = check(lockstep.build(lassoParams));
const lassoHtml = writeReports(mkdtempSync(join(tmpdir(), 'tdxmc-html-')), {
  spec: 'lockstep',
  params: lassoParams,
  options: { search: 'bfs' },
  version: 'test',
  outcome: lassoOutcome,
}).find((f) => f.endsWith('.html'))!;

describe('HTML report, as a file', () => {
  it('is self-contained: no scripts, styles, images or fonts from anywhere else', () => {
    const text = readFileSync(html, 'utf8');
    expect(text).not.toMatch(/<script[^>]*\ssrc=|<link\b|<img\b|<iframe\b|@import|url\(/i);
    expect(text).toContain('<script type="application/json" id="trace-data">');
  });
});

const missing = chromiumMissing();

describe.skipIf(missing !== undefined)(`HTML report in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let b: Browser;
  const pos = () => b.eval<string>(`document.getElementById('pos').textContent`);
  const title = () => b.eval<string>(`document.getElementById('state-title').textContent`);
  const highlighted = () => b.eval<string[]>(`[...document.querySelectorAll('#state-tree .leaf.changed')].map(e => e.dataset.path)`);
  const selected = () => b.eval<string[]>(`[...document.querySelectorAll('tr.step.sel')].map(e => e.dataset.step)`);

  beforeAll(async () => {
    b = await Browser.launch();
    await b.open(pathToFileURL(html).href);
  }, 30_000);
  afterAll(async () => {
    await b?.close();
  });

  it('renders every step in its CPU lane and opens on the failing step', async () => {
    writeFileSync(join(tmpdir(), 'tdxmc-report-html-top.png'), await b.screenshot());
    expect(await b.eval<number>(`document.querySelectorAll('table.lanes tr.step').length`)).toBe(trace.length);
    const lanes = await b.eval<string[]>(`[...document.querySelectorAll('table.lanes thead th')].map(e => e.textContent)`);
    expect(lanes).toEqual(['#', 'CPU 0', 'CPU 1', 'CPU 2', 'CPU 3', 'TDX module', 'P-SEAMLDR']);
    // Step 17 is begin(CPU 1): its button sits in the CPU 1 column (cell 2 after the number).
    expect(await b.eval<string>(`document.querySelector('tr[data-step="17"] td:nth-of-type(2) .name').textContent`)).toBe('begin');
    expect(await pos()).toBe('Step 17 of 17');
    expect(await title()).toBe('Step 17: begin(CPU 1)');
    expect(await selected()).toEqual(['17']);
    expect((await highlighted()).sort()).toEqual(['ph[1]', 'vmcs[1]']);
    expect(await b.eval<boolean>(`document.getElementById('next').disabled`)).toBe(true);
  });

  it('steps back and forward with the buttons', async () => {
    await b.click('#prev');
    expect(await pos()).toBe('Step 16 of 17');
    expect(await title()).toBe('Step 16: begin(CPU 0)');
    expect((await highlighted()).sort()).toEqual(['busy', 'ph[0]', 'vmcs[0]']);
    await b.click('#first');
    expect(await pos()).toBe('Step 0 of 17');
    expect(await title()).toBe('Initial state');
    expect(await highlighted()).toEqual([]);
    expect(await b.eval<boolean>(`document.getElementById('prev').disabled`)).toBe(true);
    await b.click('#next');
    expect(await title()).toBe('Step 1: skip(CPU 0)');
    expect(await b.eval<string>(`location.hash`)).toBe('#step-1');
  });

  it('selects a step clicked in the lanes, and moves with the arrow keys', async () => {
    await b.click('tr[data-step="13"] .stepbtn');
    expect(await title()).toBe('Step 13: finish(CPU 0)');
    expect(await selected()).toEqual(['13']);
    expect((await highlighted()).sort()).toEqual(['acked', 'module', 'ph[0]', 'stage']);
    expect(await b.eval<string>(`document.querySelector('#state-tree .leaf[data-path="stage"]').textContent`)).toBe('INSTALL');
    expect(await b.eval<string>(`document.querySelector('#state-tree .leaf[data-path="stage"]').title`)).toBe('stage was SHUTDOWN');
    await b.key('ArrowRight', 39);
    expect(await title()).toBe('Step 14: observe(CPU 0)');
    await b.key('ArrowLeft', 37);
    await b.key('ArrowLeft', 37);
    expect(await title()).toBe('Step 12: begin(CPU 0)');
    await b.key('End', 35);
    expect(await pos()).toBe('Step 17 of 17');
  });

  it("a lasso: Next on the last step wraps around to the cycle's first step, and goes on from there", async () => {
    const v = lassoOutcome.violation!;
    const at = v.loopStart!;
    const last = v.trace.length - 1;
    expect(at).toBeLessThan(last - 1);
    await b.open(pathToFileURL(lassoHtml).href);
    const label = (i: number) => `Step ${i}: ${v.trace[i]!.action}(CPU ${v.trace[i]!.actor})`;
    expect(await pos()).toBe(`Step ${last} of ${last}`);
    expect(await b.eval<string>(`document.getElementById('state-meta').textContent`)).toContain(`Next repeats the cycle from step ${at + 1}`);
    expect(await b.eval<boolean>(`document.getElementById('next').disabled`)).toBe(false);
    await b.click('#next');
    expect(await title()).toBe(label(at + 1));
    expect(await selected()).toEqual([String(at + 1)]);
    await b.click('#next');
    expect(await title()).toBe(at + 2 <= last ? label(at + 2) : label(at + 1));
    // The arrow key wraps too; Prev does not: from the cycle's first step it goes to the step before.
    await b.key('End', 35);
    await b.key('ArrowRight', 39);
    expect(await pos()).toBe(`Step ${at + 1} of ${last}`);
    await b.key('ArrowLeft', 37);
    expect(await pos()).toBe(`Step ${at} of ${last}`);
    expect(b.events.filter((e) => e.method === 'Runtime.exceptionThrown')).toEqual([]);
    writeFileSync(join(tmpdir(), 'tdxmc-report-html-lasso.png'), await b.screenshot());
    await b.open(pathToFileURL(html).href);
  });

  it('throws nothing and loads nothing but itself; the screenshot is saved for a look', async () => {
    await b.click('tr[data-step="13"] .stepbtn');
    writeFileSync(join(tmpdir(), 'tdxmc-report-html.png'), await b.screenshot());
    expect(b.events.filter((e) => e.method === 'Runtime.exceptionThrown')).toEqual([]);
    const urls = b.events.filter((e) => e.method === 'Network.requestWillBeSent').map((e) => (e.params!['request'] as { url: string }).url);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith('file://'))).toBe(true);
  });
});

/** A 6-CPU counterexample's HTML report, written into `dir`. */
function sixCpus(spec: Spec, set: Record<string, string | number>, dir: string): string {
  const p = checkParams(spec.params, { ...set, cpus: 6 });
  if (!p.ok) throw new Error(p.error);
  const out = check(spec.build(p.params));
  return writeReports(dir, { spec: spec.name, params: p.params, options: { search: 'bfs' }, version: 'test', outcome: out }).find((f) => f.endsWith('.html'))!;
}

/** PNG width and height, from the IHDR chunk. */
const pngSize = (png: Buffer): [number, number] => [png.readUInt32BE(16), png.readUInt32BE(20)];

/**
 * What the page shows badly, measured in the browser: lane labels wider than their cell or on
 * more than one line, cells whose content spills out, and words (runs of non-space in a text
 * node) whose letters sit on more than one line.
 */
const LAYOUT_FAULTS = `(() => {
  const lines = (r) => new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
  // What the trace's scrolling box shows without scrolling sideways.
  const shown = document.getElementById('trace').getBoundingClientRect();
  const labels = [...document.querySelectorAll('table.lanes thead th')].map((th) => {
    const r = document.createRange();
    r.selectNodeContents(th);
    const box = th.getBoundingClientRect(), text = r.getBoundingClientRect();
    const inCell = th.scrollWidth <= th.clientWidth && text.left >= box.left && text.right <= box.right;
    return { label: th.textContent, clipped: !inCell || text.left < shown.left || text.right > shown.right, lines: lines(r) };
  });
  const spills = [...document.querySelectorAll('table.lanes td')].filter((td) => td.scrollWidth > td.clientWidth).map((td) => td.textContent);
  // A word is a run of non-space characters in one piece of text (a label, an action's name, a
  // change), across the <wbr> that lets a kernel name wrap at its parts where a lane is too narrow.
  const split = [];
  let words = 0;
  for (const e of document.querySelectorAll('table.lanes :is(th, .name, .ctx, li, tr.loop td, tr.verdict td)')) {
    const nodes = [];
    const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) nodes.push(n);
    const text = nodes.map((n) => n.data).join('');
    const at = (i) => {
      for (const n of nodes) {
        if (i <= n.data.length) return [n, i];
        i -= n.data.length;
      }
    };
    for (const m of text.matchAll(/\\S+/g)) {
      const r = document.createRange();
      r.setStart(...at(m.index));
      r.setEnd(...at(m.index + m[0].length));
      words++;
      if (lines(r) > 1) split.push(m[0]);
    }
  }
  const trace = document.getElementById('trace');
  const panel = document.getElementById('state');
  return { labels, spills, split, words, sideways: trace.scrollWidth - trace.clientWidth, panelSideways: panel.scrollWidth - panel.clientWidth };
})()`;

describe.skipIf(missing !== undefined)(`HTML report at 6 CPUs in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tdxmc-html6-'));
  let b: Browser;
  beforeAll(async () => {
    b = await Browser.launch(1400, 900);
  }, 30_000);
  afterAll(async () => {
    await b?.close();
  });

  it.each([
    // many steps over every CPU, calling both shared actors
    ['lockstep', lockstep, { variant: 'nolock' }, ['CPU 0', 'CPU 1', 'CPU 2', 'CPU 3', 'CPU 4', 'CPU 5', 'TDX module', 'P-SEAMLDR']],
    // long kernel names in narrow lanes
    ['init', init, { variant: 'D25' }, ['system', 'CPU 0', 'CPU 1', 'CPU 2', 'CPU 3', 'CPU 4', 'CPU 5', 'TDX module']],
  ] as const)('%s: every lane label whole on one line, no word broken, no cell spilling; screenshot kept', async (name, spec, set, lanes) => {
    const html = sixCpus(spec, set, dir);
    await b.open(pathToFileURL(html).href);
    const f = await b.eval<{
      labels: { label: string; clipped: boolean; lines: number }[];
      spills: string[];
      split: string[];
      words: number;
      sideways: number;
      panelSideways: number;
    }>(LAYOUT_FAULTS);
    const png = await b.screenshot();
    writeFileSync(join(dir, `${name}-6-cpus.png`), png);
    expect(f.labels.map((l) => l.label)).toEqual(['#', ...lanes]);
    expect(f.labels.filter((l) => l.clipped || l.lines !== 1)).toEqual([]);
    expect(f.words).toBeGreaterThan(50);
    expect(f.split).toEqual([]);
    expect(f.spills).toEqual([]);
    // The lanes fit beside the state panel: nothing to scroll sideways for.
    expect(f.sideways).toBe(0);
    expect(f.panelSideways).toBe(0);
    expect(pngSize(png)).toEqual([1400, 900]);
    expect(png.length).toBeGreaterThan(20_000);
    expect(b.events.filter((e) => e.method === 'Runtime.exceptionThrown')).toEqual([]);
    // Whole kernel names fit here: the viewer did not have to wrap them at their parts.
    expect(await b.eval<boolean>(`document.querySelector('table.lanes').classList.contains('parts')`)).toBe(false);
  });

  it('a trace whose whole names do not fit wraps them at their parts and keeps every label in view', async () => {
    const p = checkParams(init.params, { variant: 'D24' });
    if (!p.ok) throw new Error(p.error);
    const out = check(init.build(p.params));
    const html = writeReports(dir, { spec: 'init', params: p.params, options: {}, version: 'test', outcome: out }).find((f) => f.endsWith('.html'))!;
    await b.open(pathToFileURL(html).href);
    const f = await b.eval<{ labels: { label: string; clipped: boolean; lines: number }[]; sideways: number }>(LAYOUT_FAULTS);
    writeFileSync(join(dir, 'init-D24.png'), await b.screenshot());
    expect(await b.eval<boolean>(`document.querySelector('table.lanes').classList.contains('parts')`)).toBe(true);
    expect(f.labels.filter((l) => l.clipped || l.lines !== 1)).toEqual([]);
    expect(f.sideways).toBe(0);
  });
});
