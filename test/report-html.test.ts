// The HTML report opens in a real browser (headless Chromium): the steps render as lanes, the
// buttons, arrow keys and clicks on a step move the selection, the state panel highlights what
// the selected step changed, and the page asks the network for nothing.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check } from '../checker/check.js';
import { writeReports } from '../checker/report/write.js';
import { lockstep } from '../specs/lockstep/spec.js';
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
    expect(lanes).toEqual(['#', 'CPU 0', 'CPU 1', 'CPU 2', 'CPU 3']);
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
