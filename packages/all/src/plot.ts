/**
 * `plotHistory`: training curves as a standalone SVG string (no dependencies, plain string building) — one
 * panel per quantity (loss, accuracy, any other metric), each with its training and validation series, axes
 * with ticks and grid lines, and a legend. The loss axis can be logarithmic.
 */
import { checkOptions, describe, isPlainObject } from './args.js';
import type { History } from './history.js';
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
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
const MARGIN = { left: 58, right: 14, top: 26, bottom: 40 };

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const num = (v: number) => String(Math.round(v * 100) / 100);

interface Panel {
  /** Base name: 'loss', 'accuracy', ... */
  name: string;
  series: { key: string; values: number[] }[];
}

/** Groups history columns into panels: `x` and `valX` share the panel `x`; `epoch` and `lr` are not plotted. */
function panels(history: History): Panel[] {
  const out = new Map<string, Panel>();
  for (const [key, values] of Object.entries(history)) {
    if (key === 'epoch' || key === 'lr') continue;
    const base = /^val[A-Z]/.test(key) ? key[3]!.toLowerCase() + key.slice(4) : key;
    let p = out.get(base);
    if (!p) out.set(base, (p = { name: base, series: [] }));
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

function drawPanel(p: Panel, xs: number[], x0: number, y0: number, w: number, h: number, logLoss: boolean): string {
  const parts: string[] = [];
  const left = x0 + MARGIN.left;
  const top = y0 + MARGIN.top;
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const log = logLoss && p.name === 'loss';
  const values = p.series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  const percent = /accuracy/i.test(p.name);
  let ys: Scale;
  if (values.length === 0) ys = linearScale(0, 1, { percent });
  else if (log) ys = logScale(Math.min(...values), Math.max(...values));
  else ys = linearScale(Math.min(...values), Math.max(...values), { percent });
  const xsc = linearScale(Math.min(...xs), Math.max(...xs), { integer: true, pad: false });
  const fx = (v: number) => left + xsc.unit(v) * pw;
  const fy = (v: number) => top + (1 - ys.unit(v)) * ph;

  parts.push(`<g class="panel" data-name="${escapeXml(p.name)}">`);
  parts.push(`<text class="panel-title" x="${num(left + pw / 2)}" y="${num(y0 + 16)}" text-anchor="middle" font-weight="bold">${escapeXml(p.name)}${log ? ' (log scale)' : ''}</text>`);
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
  parts.push(`<text class="x-label" x="${num(left + pw / 2)}" y="${num(top + ph + 32)}" text-anchor="middle">epoch</text>`);
  parts.push(`<rect class="frame" x="${num(left)}" y="${num(top)}" width="${num(pw)}" height="${num(ph)}" fill="none" stroke="#333"/>`);

  // The legend goes in the right-hand corner away from where the curves end (bottom right for rising accuracy).
  const ends = p.series.map((s) => s.values.findLast((v) => Number.isFinite(v) && (!log || v > 0))).filter((v) => v !== undefined);
  const high = ends.length > 0 && ends.reduce((a, v) => a + ys.unit(v), 0) / ends.length > 0.5;
  const lx = left + pw - 110;
  const ly0 = high ? top + ph - 12 - 16 * (p.series.length - 1) : top + 12;
  parts.push(`<rect class="legend" x="${num(lx - 6)}" y="${num(ly0 - 9)}" width="104" height="${16 * p.series.length + 2}" fill="white" fill-opacity="0.85"/>`);
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
 * against the epoch.
 */
export function plotHistory(history: History, options?: PlotOptions): string {
  const op = 'plotHistory';
  const h = checkHistory(op, history);
  const o = checkOptions(op, options, ['width', 'height', 'title', 'logScaleLoss']);
  const ps = panels(h);
  const dim = (k: 'width' | 'height', d: number) => {
    const v = o[k] ?? d;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 120) throw new Error(`${op}: ${k} must be a number >= 120, got ${describe(v)}`);
    return v;
  };
  const width = dim('width', 360 * Math.max(1, ps.length));
  const height = dim('height', 300);
  if (o.title !== undefined && typeof o.title !== 'string') throw new Error(`${op}: title must be a string, got ${describe(o.title)}`);
  if (o.logScaleLoss !== undefined && typeof o.logScaleLoss !== 'boolean')
    throw new Error(`${op}: logScaleLoss must be a boolean, got ${describe(o.logScaleLoss)}`);
  const titleH = o.title ? 24 : 0;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (o.title) out.push(`<text class="title" x="${num(width / 2)}" y="17" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`);
  if (h.epoch.length === 0 || ps.length === 0) {
    out.push(`<text x="${num(width / 2)}" y="${num(height / 2)}" text-anchor="middle">no epochs to plot</text>`);
  } else {
    const pw = width / ps.length;
    ps.forEach((p, i) => out.push(drawPanel(p, h.epoch, i * pw, titleH, pw, height - titleH, o.logScaleLoss ?? false)));
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
