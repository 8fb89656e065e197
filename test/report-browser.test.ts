import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderHtml } from '../src/report/html.js';
import { loadReportModel } from '../src/report/report-model.js';
import { runDrift } from '../src/drift/run-drift.js';
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from './support/chromium.js';
import { regressionModel } from './support/report-fixtures.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Screenshots land here (gitignored); bench/report-screenshot.png is a committed copy. */
const ARTIFACTS = path.join(repoRoot, 'test-artifacts');

let browser: Browser;
beforeAll(async () => {
  ensureChromium();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 600_000);
afterAll(async () => {
  await browser?.close();
});

async function open(html: string): Promise<{ page: Page; problems: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'driftgate-html-'));
  const file = path.join(dir, 'report.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // Any request leaving the file (a CDN, an injected image) is a failure of "works offline".
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems };
}

describe('the HTML report in headless Chromium', () => {
  it('renders its charts and case table offline, with no console errors, and runs no script from model output', async () => {
    const { page, problems } = await open(renderHtml(regressionModel()));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({
      path: path.join(ARTIFACTS, 'report-gate.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: 1700 },
    });
    const charts = await page.$$eval('svg.chart', (els) =>
      els.map((e) => ({
        cls: e.getAttribute('class'),
        w: e.getBoundingClientRect().width,
        marks: e.querySelectorAll('rect,circle,line').length,
      })),
    );
    expect(charts.map((c) => c.cls)).toEqual(
      expect.arrayContaining(['chart intervals', 'chart bars', 'chart histogram']),
    );
    expect(charts.every((c) => c.w > 100 && c.marks >= 2)).toBe(true);
    expect(await page.$$eval('tr.case-row', (rows) => rows.length)).toBe(60);
    // The hostile output is shown as text and never executed.
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await page.locator('tr.case-row', { hasText: 'c0000' }).first().innerText()).toContain(
      '<script>window.__pwned = "script"</script>',
    );
    // The filter (the page's own script, allowed by its CSP hash) works.
    await page.fill('#case-filter', 'c0001');
    expect(await page.$$eval('tr.case-row:not([hidden])', (rows) => rows.length)).toBe(1);
    await page.fill('#case-filter', '');
    await page.selectOption('#status-filter', 'regressed');
    expect(await page.$$eval('tr.case-row:not([hidden])', (rows) => rows.length)).toBe(20);
    expect(await page.textContent('#case-count')).toBe('20 of 60 rows');
    expect(problems).toEqual([]);
  });

  it('renders a real drift run (the shipped AlpacaEval example) with its signal and distribution charts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'driftgate-html-drift-'));
    for (const p of ['driftgate.yaml', 'datasets', 'rubrics', '.driftgate/cache'])
      cpSync(path.join(repoRoot, p), path.join(dir, p), { recursive: true });
    const result = await runDrift({ configPath: path.join(dir, 'driftgate.yaml'), offline: true });
    const { page, problems } = await open(renderHtml(await loadReportModel(result.runDir)));
    expect(await page.textContent('#verdict')).toMatch(/^drift: Behaviour changed and quality worse/);
    expect(await page.$$eval('svg.chart', (els) => els.length)).toBeGreaterThanOrEqual(3);
    expect(await page.$$eval('tr.case-row', (rows) => rows.length)).toBe(result.sample.size);
    await page.screenshot({
      path: path.join(ARTIFACTS, 'report-drift.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: 1700 },
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
