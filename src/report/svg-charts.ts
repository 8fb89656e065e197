/**
 * Charts for the HTML report as inline SVG strings: no script, no CDN, no fonts to fetch, so the
 * report renders offline and in any mail client or artifact viewer. Every label is escaped.
 */
import { escapeHtml as esc } from './escape.js';

const BASE = '#8c96a5';
const NOW = '#2f6fde';
const BAD = '#d1373a';
const GOOD = '#1f8a4c';
const f = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(2)) : 0);

export interface HistogramInput {
  readonly title: string;
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly labels: readonly [string, string];
  readonly bins?: number;
  /** The value range the bins span (default [0, 1], the range of scores). */
  readonly domain?: readonly [number, number];
}

/** Two side-by-side histograms over `domain`, as shares of each side's values. */
export function histogramSvg({ title, a, b, labels, bins = 10, domain = [0, 1] }: HistogramInput): string {
  const W = 320;
  const H = 180;
  const pad = { l: 34, r: 8, t: 26, b: 30 };
  const count = (xs: readonly number[]) => {
    const c = new Array<number>(bins).fill(0);
    const [lo, hi] = domain;
    for (const x of xs) c[Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo || 1)) * bins)))]! += 1;
    return c.map((n) => (xs.length ? n / xs.length : 0));
  };
  const tick = (v: number) => (Math.abs(v) >= 10 ? String(Math.round(v)) : String(Number(v.toFixed(2))));
  const edge = (i: number) => tick(domain[0] + (i / bins) * (domain[1] - domain[0]));
  const ca = count(a);
  const cb = count(b);
  const top = Math.max(0.05, ...ca, ...cb);
  const bw = (W - pad.l - pad.r) / bins;
  const y = (v: number) => H - pad.b - (v / top) * (H - pad.t - pad.b);
  const bars = (c: number[], color: string, offset: number) =>
    c
      .map(
        (v, i) =>
          `<rect x="${f(pad.l + i * bw + offset)}" y="${f(y(v))}" width="${f(bw / 2 - 1)}" height="${f(H - pad.b - y(v))}" fill="${color}"><title>${esc(`${edge(i)}–${edge(i + 1)}: ${(v * 100).toFixed(0)}%`)}</title></rect>`,
      )
      .join('');
  const ticks = [0, 0.5, 1]
    .map(
      (t) =>
        `<text x="${f(pad.l + t * (W - pad.l - pad.r))}" y="${H - pad.b + 14}" font-size="10" text-anchor="middle">${tick(domain[0] + t * (domain[1] - domain[0]))}</text>`,
    )
    .join('');
  return `<svg class="chart histogram" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>
<text x="${pad.l}" y="14" font-size="12" font-weight="600">${esc(title)}</text>
<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#555"/>
<text x="4" y="${f(y(top))}" font-size="10">${(top * 100).toFixed(0)}%</text>
${bars(ca, BASE, 0)}${bars(cb, NOW, bw / 2)}${ticks}
<rect x="${pad.l}" y="${H - 12}" width="8" height="8" fill="${BASE}"/><text x="${pad.l + 11}" y="${H - 4}" font-size="10">${esc(labels[0])} (${a.length})</text>
<rect x="${pad.l + 140}" y="${H - 12}" width="8" height="8" fill="${NOW}"/><text x="${pad.l + 151}" y="${H - 4}" font-size="10">${esc(labels[1])} (${b.length})</text>
</svg>`;
}

export interface IntervalRow {
  readonly label: string;
  readonly estimate: number;
  readonly interval: readonly [number, number];
  /** Drawn as dashed lines at ±floor: the smallest change that matters. */
  readonly floor: number;
  readonly verdict: string;
  readonly text: string;
}

/** A forest plot: one row per metric, each on its own symmetric scale around zero. */
export function intervalsSvg(title: string, rows: readonly IntervalRow[]): string {
  const W = 660;
  const rowH = 26;
  const H = 30 + rows.length * rowH + 8;
  const x0 = 190;
  const x1 = W - 170;
  const mid = (x0 + x1) / 2;
  const body = rows
    .map((r, i) => {
      const span =
        Math.max(Math.abs(r.interval[0]), Math.abs(r.interval[1]), Math.abs(r.estimate), r.floor, 1e-9) * 1.15;
      const sx = (v: number) => mid + (v / span) * ((x1 - x0) / 2);
      const yy = 30 + i * rowH + rowH / 2;
      const color = r.verdict === 'regressed' ? BAD : r.verdict === 'improved' ? GOOD : NOW;
      return `<g class="interval-row"><text x="4" y="${yy + 4}" font-size="11">${esc(r.label)}</text>
<line x1="${x0}" y1="${yy}" x2="${x1}" y2="${yy}" stroke="#eee"/>
<line x1="${f(sx(-r.floor))}" y1="${yy - 9}" x2="${f(sx(-r.floor))}" y2="${yy + 9}" stroke="#bbb" stroke-dasharray="2,2"/>
<line x1="${f(sx(r.floor))}" y1="${yy - 9}" x2="${f(sx(r.floor))}" y2="${yy + 9}" stroke="#bbb" stroke-dasharray="2,2"/>
<line x1="${f(sx(r.interval[0]))}" y1="${yy}" x2="${f(sx(r.interval[1]))}" y2="${yy}" stroke="${color}" stroke-width="3"/>
<circle cx="${f(sx(r.estimate))}" cy="${yy}" r="4.5" fill="${color}"><title>${esc(r.text)}</title></circle>
<text x="${x1 + 8}" y="${yy + 4}" font-size="11">${esc(r.text)}</text></g>`;
    })
    .join('\n');
  return `<svg class="chart intervals" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>
<text x="4" y="16" font-size="12" font-weight="600">${esc(title)}</text>
<line x1="${mid}" y1="24" x2="${mid}" y2="${H - 4}" stroke="#555"/>
${body}
</svg>`;
}

export interface BarRow {
  readonly label: string;
  readonly value: number;
  readonly text: string;
  readonly highlight?: boolean;
  /** The reference side (baseline, pinned): drawn grey. */
  readonly reference?: boolean;
}

/** Horizontal bars, optionally with a reference line (e.g. −log10 α). */
export function barsSvg(title: string, rows: readonly BarRow[], reference?: { value: number; label: string }): string {
  const W = 660;
  const rowH = 22;
  const H = 30 + rows.length * rowH + (reference ? 16 : 6);
  const x0 = 230;
  const x1 = W - 150;
  const top = Math.max(1e-12, reference?.value ?? 0, ...rows.map((r) => r.value)) * 1.05;
  const sx = (v: number) => x0 + (Math.max(0, v) / top) * (x1 - x0);
  const body = rows
    .map((r, i) => {
      const yy = 30 + i * rowH;
      return `<g class="bar-row"><text x="4" y="${yy + 13}" font-size="11">${esc(r.label)}</text><rect x="${x0}" y="${yy + 3}" width="${f(sx(r.value) - x0)}" height="${rowH - 8}" fill="${r.highlight ? BAD : r.reference ? BASE : NOW}"><title>${esc(r.text)}</title></rect><text x="${f(sx(r.value) + 6)}" y="${yy + 13}" font-size="11">${esc(r.text)}</text></g>`;
    })
    .join('\n');
  const ref = reference
    ? `<line x1="${f(sx(reference.value))}" y1="24" x2="${f(sx(reference.value))}" y2="${H - 14}" stroke="${BAD}" stroke-dasharray="4,3"/><text x="${f(sx(reference.value))}" y="${H - 3}" font-size="10" text-anchor="middle">${esc(reference.label)}</text>`
    : '';
  return `<svg class="chart bars" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>
<text x="4" y="16" font-size="12" font-weight="600">${esc(title)}</text>
${body}${ref}
</svg>`;
}

export interface LineSeries {
  readonly name: string;
  /** One value per x label; null where the series has none. */
  readonly values: readonly (number | null)[];
}

const PALETTE = [NOW, BAD, GOOD, '#b26b00', '#7a3fc2', '#0f8b8d', BASE, '#c2185b'];

/** Lines over the weeks (one per series), with a legend: the production section's trends. */
export function linesSvg(title: string, xLabels: readonly string[], series: readonly LineSeries[], unit = ''): string {
  const W = 660;
  const H = 220;
  const x0 = 56;
  const x1 = W - 150;
  const y0 = H - 28;
  const y1 = 26;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const top = Math.max(1e-12, ...all) * 1.1;
  const sx = (i: number) => (xLabels.length <= 1 ? (x0 + x1) / 2 : x0 + (i / (xLabels.length - 1)) * (x1 - x0));
  const sy = (v: number) => y0 - (v / top) * (y0 - y1);
  const lines = series
    .map((s, k) => {
      const colour = PALETTE[k % PALETTE.length] ?? NOW;
      const points = s.values.flatMap((v, i) => (v === null ? [] : [`${f(sx(i))},${f(sy(v))}`]));
      const dots = s.values
        .map((v, i) =>
          v === null
            ? ''
            : `<circle cx="${f(sx(i))}" cy="${f(sy(v))}" r="3" fill="${colour}"><title>${esc(`${s.name} · ${xLabels[i] ?? ''}: ${f(v)}${unit}`)}</title></circle>`,
        )
        .join('');
      return `<g class="series"><polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>${dots}<text x="${x1 + 10}" y="${y1 + 12 + k * 15}" font-size="11" fill="${colour}">${esc(s.name)}</text></g>`;
    })
    .join('\n');
  const ticks = xLabels
    .map((l, i) => `<text x="${f(sx(i))}" y="${H - 10}" font-size="10" text-anchor="middle">${esc(l)}</text>`)
    .join('');
  return `<svg class="chart lines" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title>
<text x="4" y="16" font-size="12" font-weight="600">${esc(title)}</text>
<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y0}" stroke="${BASE}"/><text x="${x0 - 6}" y="${y1 + 4}" font-size="10" text-anchor="end">${esc(`${f(top / 1.1)}${unit}`)}</text><text x="${x0 - 6}" y="${y0}" font-size="10" text-anchor="end">0</text>
${ticks}
${lines}
</svg>`;
}
