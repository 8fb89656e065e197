import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderMarkdown, GITHUB_COMMENT_LIMIT } from '../src/report/markdown.js';
import { renderJunit } from '../src/report/junit.js';
import { renderHtml } from '../src/report/html.js';
import { buildSummaryJson } from '../src/report/summary-json.js';
import { fenced } from '../src/report/escape.js';
import { parseFormats } from '../src/report/write-reports.js';
import { IMG_PAYLOAD, regressionModel, SCRIPT_PAYLOAD } from './support/report-fixtures.js';
import { makeProject } from './support/project.js';
import { runCli } from './support/cli.js';

describe('Markdown report (PR comment and job summary)', () => {
  it('leads with a headline naming the regressed metrics with their intervals, then the verdict table', () => {
    const md = renderMarkdown(regressionModel());
    expect(md).toMatch(/^## ❌ driftgate: gate failed\n\n\*\*\d regressions? in s: pass_rate −33\.3 pts \[/);
    expect(md).toMatch(/\| check \| 100\.0% \| 66\.7% \| −33\.3 pts \[[^\]]+\] \| <0\.001 \| 🔴 regressed \|/);
    expect(md).toContain('<details><summary>🔴 passed before, fails now: <code>c0000</code>');
  });

  it('fits the 65,536-character comment limit by dropping case details, never the verdict table', () => {
    const model = regressionModel({ outputChars: 5_000, failing: 50 });
    const md = renderMarkdown(model, { prefix: '<!-- marker -->\n' });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    for (const m of ['pass_rate', 'check', 'judge', 'cost', 'latency', 'latency_p95']) expect(md).toContain(`| ${m} |`);
    expect(md).toMatch(/_\d+ more case details left out to fit GitHub's comment limit/);
    // A tiny limit still keeps every table row: the verdict is never cut.
    const tiny = renderMarkdown(model, { maxChars: 500 });
    expect(tiny).toContain('| judge |');
    expect(tiny).not.toContain('<details>');
  });

  it('shows hostile output inside a fence it cannot close', () => {
    const md = renderMarkdown(regressionModel());
    expect(md).toContain(`${SCRIPT_PAYLOAD} and ${IMG_PAYLOAD} \`\`\` fence`);
    expect(fenced('a ```` b')).toMatch(/^`{5}text\na ```` b\n`{5}$/);
  });
});

describe('JUnit XML', () => {
  it('is well-formed, one testcase per case and scorer, regressions as failures', () => {
    const xml = renderJunit(regressionModel());
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { testsuite: { testcase: Record<string, unknown>[]; '@_tests': string; '@_failures': string } };
    };
    const suite = doc.testsuites.testsuite;
    const names = suite.testcase.map((t) => t['@_name'] as string);
    // 60 cases × 2 scorers + the gated metrics (pass_rate, check, judge).
    expect(names.filter((n) => / › (check|judge)$/.test(n) && !n.startsWith('metric'))).toHaveLength(120);
    const failed = suite.testcase.filter((t) => t.failure !== undefined).map((t) => t['@_name'] as string);
    expect(failed).toContain('c0000 › check');
    expect(failed).toContain('metric › check');
    expect(failed).not.toContain('c0030 › check');
    expect(Number(suite['@_failures'])).toBe(failed.length);
    expect(xml).not.toContain('<script>');
  });
});

describe('bounded reports for large runs', () => {
  it('HTML: the worst rows first, at most 2,000, with a note of what was left out; long outputs clipped', async () => {
    const { caseTableHtml } = await import('../src/report/html-cases.js');
    const html = caseTableHtml(regressionModel({ cases: 3000, failing: 20, outputChars: 5000 }));
    const statuses = [...html.matchAll(/class="case-row" data-status="(\w+)"/g)].map((m) => m[1]);
    expect(statuses).toHaveLength(2000);
    expect(statuses.slice(0, 20).every((s) => s === 'regressed')).toBe(true);
    expect(statuses.slice(20).every((s) => s === 'ok')).toBe(true);
    expect(html).toContain(
      '1,000 more rows (ok) left out: the table shows the 2,000 worst; every case is in cases.jsonl.',
    );
    expect(html).toContain('more characters in cases.jsonl)');
  });

  it('JUnit: failures kept, passing testcases cut to the cap, a testcase saying so, still well-formed', () => {
    const xml = renderJunit(regressionModel({ cases: 3000, failing: 20 }), 500);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
      testsuites: { testsuite: { testcase: Record<string, unknown>[] } };
    };
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.length).toBe(501);
    const failed = cases.filter((t) => t.failure !== undefined).map((t) => t['@_name'] as string);
    for (let i = 0; i < 20; i++) expect(failed).toContain(`c${String(i).padStart(4, '0')} › check`);
    // 20 of 3,000 failing is below the minimum effect: the metric testcase is kept, and passes.
    expect(cases.map((t) => t['@_name'])).toContain('metric › check');
    expect(cases.at(-1)?.['system-out']).toMatch(/^5,5\d\d testcases left out \(cap 500, failures and errors first\)/);
  });
});

describe('summary.json', () => {
  it('gives the verdict, the regressions and the cost for machines', () => {
    const s = buildSummaryJson(regressionModel());
    expect(s.verdict).toBe('failed');
    expect(s.regressions.map((r) => r.metric).sort()).toEqual(['check', 'judge', 'pass_rate']);
    expect(s.regressions.find((r) => r.metric === 'check')?.delta).toBeCloseTo(-20 / 60, 10);
    expect(s.costUsd).toBeCloseTo(0.06, 10);
  });
});

describe('HTML report (static checks; the browser test renders it)', () => {
  it('is self-contained: no external URL, a CSP that allows only its own script', () => {
    const html = renderHtml(regressionModel());
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).toMatch(
      /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-[A-Za-z0-9+/=]+'/,
    );
    expect(html).not.toContain(SCRIPT_PAYLOAD);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;window.__pwned');
  });
});

describe('driftgate report', () => {
  it('rejects an unknown format with exit 2 and names the choices', () => {
    expect(() => parseFormats('md,pdf')).toThrow(
      '--format: expected a comma-separated list of md, html, junit, json, got "md,pdf"',
    );
  });

  it('renders all four files from a run directory; a missing run is exit 2', async () => {
    const dir = await makeProject({
      'driftgate.yaml':
        'version: 1\nmodels:\n  current: { provider: openai, model: gpt-4o-mini }\nsuites:\n  - { name: s, dataset: d.jsonl, prompt: p.md, targets: [current], scorers: [{ type: contains, value: "x" }] }\n',
    });
    const runDir = path.join(dir, '.driftgate', 'runs', '20261122T100000Z-abcdef');
    mkdirSync(runDir, { recursive: true });
    const model = regressionModel();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(model.meta));
    writeFileSync(path.join(runDir, 'cases.jsonl'), `${model.records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    writeFileSync(path.join(runDir, 'gate.json'), JSON.stringify(model.gate));
    const ok = await runCli(['report', '--format', 'md,html,junit,json'], {}, dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(
      ok.stdout
        .trim()
        .split('\n')
        .map((l) => path.basename(l)),
    ).toEqual(['report.md', 'report.html', 'junit.xml', 'summary.json']);
    expect(JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')).verdict).toBe('failed');
    const missing = await runCli(['report', '--run', path.join(dir, 'nope')], {}, dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a run directory/);
  });
});
