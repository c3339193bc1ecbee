/**
 * `plotHistory`: training curves as a standalone SVG string (no dependencies, plain string building) — one
 * panel per quantity (loss, accuracy, any other metric), each with its training and validation series, axes
 * with ticks and grid lines, and a legend. The loss axis can be logarithmic. Given training diagnostics, a
 * second row shows them by layer depth (see plot-diagnostics.ts).
 */
import { checkOptions, describe, isPlainObject } from './args.js';
import type { History } from './history.js';
import { checkDiagnostics, diagnosticsPanels, type DiagnosticsSource } from './plot-diagnostics.js';
import { linearScale, logScale, type Scale } from './plot-scale.js';

export interface PlotOptions {
  /** Pixels (default 360 per panel, so 720 for loss and accuracy). */
  width?: number;
  /** Pixels (default 300). */
  height?: number;
  /** A title above the panels. */
  title?: string;
  /** Log-scale y axis for the loss panel (default false); non-positive values are then left out. */
  logScaleLoss?: boolean;
  /**
   * Training diagnostics to draw in a second row of panels: a `TrainingDiagnostics` callback (read when the plot
   * is drawn, so it can be passed to fit's `plot` option before training) or an array of records from
   * `recordDiagnostics`. Default height then 600.
   */
  diagnostics?: DiagnosticsSource;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
const MARGIN = { left: 58, right: 14, top: 26, bottom: 40 };

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A coordinate rounded to 2 decimals, as every plot of this package writes them. */
export const num = (v: number) => String(Math.round(v * 100) / 100);

/** One panel: a y axis shared by its series, drawn against `xs`. */
export interface Panel {
  /** Base name: 'loss', 'accuracy', ... (the panel's `data-name`). */
  name: string;
  /** The heading (default `name`, with " (log scale)" when `log`). */
  title?: string;
  series: { key: string; values: number[] }[];
  /** The x value of each series' values. */
  xs: number[];
  xLabel: string;
  /** Log-scale y axis (non-positive values left out). */
  log: boolean;
  /** Label the y axis in percent. */
  percent?: boolean;
}

/** Groups history columns into panels: `x` and `valX` share the panel `x`; `epoch` and `lr` are not plotted. */
function panels(history: History, logLoss: boolean): Panel[] {
  const out = new Map<string, Panel>();
  for (const [key, values] of Object.entries(history)) {
    if (key === 'epoch' || key === 'lr') continue;
    const base = /^val[A-Z]/.test(key) ? key[3]!.toLowerCase() + key.slice(4) : key;
    let p = out.get(base);
    if (!p)
      out.set(base, (p = { name: base, series: [], xs: history.epoch, xLabel: 'epoch', log: logLoss && base === 'loss', percent: /accuracy/i.test(base) }));
    p.series.push({ key, values });
  }
  const order = (n: string) => (n === 'loss' ? 0 : n === 'accuracy' ? 1 : 2);
  return [...out.values()].sort((a, b) => order(a.name) - order(b.name));
}

function checkHistory(op: string, history: unknown): History {
  if (!isPlainObject(history) || !Array.isArray(history.epoch))
    throw new Error(`${op}: history must be fit's history object {epoch: number[], loss: number[], ...}, got ${describe(history)}`);
  const n = history.epoch.length;
  for (const [k, v] of Object.entries(history)) {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
      throw new Error(`${op}: history.${k} must be an array of numbers, got ${describe(v)}`);
    if (v.length !== n) throw new Error(`${op}: history.${k} has ${v.length} values but history.epoch has ${n}`);
  }
  return history as History;
}

/** The polyline segments of a series: breaks at values the scale cannot show (NaN, or ≤ 0 on a log axis). */
function segments(xs: number[], ys: number[], fx: (v: number) => number, fy: (v: number) => number, log: boolean): [number, number][][] {
  const out: [number, number][][] = [];
  let cur: [number, number][] = [];
  ys.forEach((y, i) => {
    if (!Number.isFinite(y) || (log && y <= 0)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push([fx(xs[i]!), fy(y)]);
  });
  if (cur.length) out.push(cur);
  return out;
}

/** Draws one panel into the box (x0, y0, w, h): axes, ticks, grid, the series' polylines and a legend. */
export function drawPanel(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const { xs, log } = p;
  const parts: string[] = [];
  const left = x0 + MARGIN.left;
  const top = y0 + MARGIN.top;
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const values = p.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  const percent = p.percent ?? false;
  let ys: Scale;
  if (values.length === 0) ys = linearScale(0, 1, { percent });
  else if (log) ys = logScale(Math.min(...values), Math.max(...values));
  else ys = linearScale(Math.min(...values), Math.max(...values), { percent });
  const xsc = linearScale(Math.min(...xs), Math.max(...xs), { integer: true, pad: false });
  const fx = (v: number) => left + xsc.unit(v) * pw;
  const fy = (v: number) => top + (1 - ys.unit(v)) * ph;

  parts.push(`<g class="panel" data-name="${escapeXml(p.name)}">`);
  parts.push(`<text class="panel-title" x="${num(left + pw / 2)}" y="${num(y0 + 16)}" text-anchor="middle" font-weight="bold">${escapeXml(p.title ?? `${p.name}${log ? ' (log scale)' : ''}`)}</text>`);
  for (const t of ys.ticks) {
    const y = num(fy(t));
    parts.push(`<line class="grid" x1="${num(left)}" x2="${num(left + pw)}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    parts.push(`<line class="tick" x1="${num(left - 4)}" x2="${num(left)}" y1="${y}" y2="${y}" stroke="#333"/>`);
    parts.push(`<text class="y-tick" x="${num(left - 7)}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(ys.label(t))}</text>`);
  }
  for (const t of xsc.ticks) {
    const x = num(fx(t));
    parts.push(`<line class="tick" x1="${x}" x2="${x}" y1="${num(top + ph)}" y2="${num(top + ph + 4)}" stroke="#333"/>`);
    parts.push(`<text class="x-tick" x="${x}" y="${num(top + ph + 16)}" text-anchor="middle">${escapeXml(xsc.label(t))}</text>`);
  }
  parts.push(`<text class="x-label" x="${num(left + pw / 2)}" y="${num(top + ph + 32)}" text-anchor="middle">${escapeXml(p.xLabel)}</text>`);
  parts.push(`<rect class="frame" x="${num(left)}" y="${num(top)}" width="${num(pw)}" height="${num(ph)}" fill="none" stroke="#333"/>`);

  // The legend goes in the right-hand corner away from where the curves end (bottom right for rising accuracy).
  const ends = p.series.map((s) => s.values.findLast((v) => Number.isFinite(v) && (!log || v > 0))).filter((v) => v !== undefined);
  let high = ends.length > 0 && ends.reduce((a, v) => a + ys.unit(v), 0) / ends.length > 0.5;
  // 104 px holds 'valAccuracy'; longer keys (plotCurves' names) widen the box, at about 6.5 px a character.
  const legendW = Math.max(104, Math.ceil(30 + 6.5 * Math.max(...p.series.map((s) => s.key.length))));
  const lx = left + pw - legendW - 6;
  const legendTop = (bottom: boolean) => (bottom ? top + ph - 12 - 16 * (p.series.length - 1) : top + 12);
  // ... unless more of the points would hide under it there than in the other corner.
  const hidden = (bottom: boolean) => {
    const y0 = legendTop(bottom) - 9;
    const y1 = y0 + 16 * p.series.length + 2;
    return p.series.reduce((n, s) => n + s.values.filter((v, i) => {
      if (!Number.isFinite(v) || (log && v <= 0)) return false;
      const x = fx(xs[i]!);
      const y = fy(v);
      return x >= lx - 6 && y >= y0 && y <= y1;
    }).length, 0);
  };
  if (hidden(high) > hidden(!high)) high = !high;
  const ly0 = legendTop(high);
  parts.push(`<rect class="legend" x="${num(lx - 6)}" y="${num(ly0 - 9)}" width="${legendW}" height="${16 * p.series.length + 2}" fill="white" fill-opacity="0.85"/>`);
  p.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    for (const seg of segments(xs, s.values, fx, fy, log)) {
      const pts = seg.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
      parts.push(`<polyline class="series" data-key="${escapeXml(s.key)}" fill="none" stroke="${color}" stroke-width="2" points="${pts}"/>`);
      if (xs.length <= 60) for (const [x, y] of seg) parts.push(`<circle cx="${num(x)}" cy="${num(y)}" r="2.5" fill="${color}"/>`);
    }
  });
  p.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const ly = ly0 + 16 * i;
    parts.push(`<g class="legend-item"><line x1="${num(lx)}" x2="${num(lx + 18)}" y1="${num(ly)}" y2="${num(ly)}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${num(lx + 24)}" y="${num(ly)}" dominant-baseline="middle">${escapeXml(s.key)}</text></g>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

/**
 * An SVG document (a string) of the curves in `history` as `fit` returns it: a panel for the loss (`loss`,
 * `valLoss`), one for accuracy (`accuracy`, `valAccuracy`, labelled in percent) and one for each other metric,
 * against the epoch. With `diagnostics`, a second row of panels draws them (log scale): gradient norm,
 * update-to-weight ratio and activation std by layer depth at up to four recorded steps, and the first, middle
 * and last layers' gradient norms over the steps.
 */
export function plotHistory(history: History, options?: PlotOptions): string {
  const op = 'plotHistory';
  const h = checkHistory(op, history);
  const o = checkOptions(op, options, ['width', 'height', 'title', 'logScaleLoss', 'diagnostics']);
  if (o.logScaleLoss !== undefined && typeof o.logScaleLoss !== 'boolean')
    throw new Error(`${op}: logScaleLoss must be a boolean, got ${describe(o.logScaleLoss)}`);
  const ps = panels(h, o.logScaleLoss ?? false);
  const diag = o.diagnostics === undefined ? [] : diagnosticsPanels(checkDiagnostics(op, o.diagnostics));
  // Rows of panels: the history's (unless there is nothing but diagnostics), then the diagnostics'.
  const rows = [...(h.epoch.length > 0 || diag.length === 0 ? [ps] : []), ...(diag.length ? [diag] : [])];
  const dim = (k: 'width' | 'height', d: number) => {
    const v = o[k] ?? d;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 120) throw new Error(`${op}: ${k} must be a number >= 120, got ${describe(v)}`);
    return v;
  };
  const width = dim('width', 360 * Math.max(1, ...rows.map((r) => r.length)));
  const height = dim('height', 300 * rows.length);
  if (o.title !== undefined && typeof o.title !== 'string') throw new Error(`${op}: title must be a string, got ${describe(o.title)}`);
  const titleH = o.title ? 24 : 0;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (o.title) out.push(`<text class="title" x="${num(width / 2)}" y="17" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  const rowH = (height - titleH) / rows.length;
  rows.forEach((row, r) => {
    const y0 = titleH + r * rowH;
    if (row === ps && (h.epoch.length === 0 || ps.length === 0)) {
      out.push(`<text x="${num(width / 2)}" y="${num(y0 + rowH / 2)}" text-anchor="middle">no epochs to plot</text>`);
      return;
    }
    const pw = width / row.length;
    row.forEach((p, i) => out.push(drawPanel(p, i * pw, y0, pw, rowH)));
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * An SVG document of training diagnostics alone (no history): `plotHistory`'s diagnostics panels, for a
 * hand-written loop's `recordDiagnostics` records or a `TrainingDiagnostics` callback.
 */
export function plotDiagnostics(diagnostics: DiagnosticsSource, options?: Omit<PlotOptions, 'diagnostics' | 'logScaleLoss'>): string {
  const op = 'plotDiagnostics';
  const o = checkOptions(op, options, ['width', 'height', 'title']);
  checkDiagnostics(op, diagnostics);
  return plotHistory({ epoch: [], loss: [], lr: [] }, { ...o, diagnostics });
}
