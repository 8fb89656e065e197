/** Renders the requested formats from a run directory's report model and writes them atomically. */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';
import type { ReportModel } from './report-model.js';
import { buildSummaryJson } from './summary-json.js';

export const REPORT_FORMATS = ['md', 'html', 'junit', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_FILES: Record<ReportFormat, string> = {
  md: 'report.md',
  html: 'report.html',
  junit: 'junit.xml',
  json: 'summary.json',
};

export function parseFormats(text: string): ReportFormat[] {
  const formats = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = formats.filter((f) => !(REPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length || formats.length === 0)
    throw new UsageError(`--format: expected a comma-separated list of ${REPORT_FORMATS.join(', ')}, got "${text}"`);
  return [...new Set(formats)] as ReportFormat[];
}

export function renderReport(model: ReportModel, format: ReportFormat, markdown: MarkdownOptions = {}): string {
  switch (format) {
    case 'md':
      return renderMarkdown(model, markdown);
    case 'html':
      return renderHtml(model);
    case 'junit':
      return renderJunit(model);
    case 'json':
      return `${JSON.stringify(buildSummaryJson(model), null, 2)}\n`;
  }
}

/** Returns the files written, by format. */
export async function writeReports(
  model: ReportModel,
  formats: readonly ReportFormat[],
  outDir: string,
  markdown: MarkdownOptions = {},
): Promise<Record<string, string>> {
  const written: Record<string, string> = {};
  for (const format of formats) {
    const file = path.join(outDir, REPORT_FILES[format]);
    await writeFileAtomic(file, renderReport(model, format, markdown));
    written[format] = file;
  }
  return written;
}
