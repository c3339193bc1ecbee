/**
 * `plotCurves`: any named series of numbers (learning-rate schedules, losses of several optimizers, a batch-size
 * schedule) as a standalone SVG string, drawn with plotHistory's panel (same axes, ticks, legend and colours).
 */
import { checkOptions, describe, isPlainObject } from './args.js';
import { drawPanel, num } from './plot.js';

export interface PlotCurvesOptions {
  /** The x value of each point (default 0, 1, …, n − 1), shared by every series. */
  x?: number[];
  /** The x axis label (default 'step'). */
  xLabel?: string;
  /** The panel's heading (default none); " (log scale)" is appended with `logScale`. */
  title?: string;
  /** Log-scale y axis on decade ticks (default false); non-positive values are then left out. */
  logScale?: boolean;
  /** Pixels (default 480). */
  width?: number;
  /** Pixels (default 300). */
  height?: number;
}

function checkSeries(op: string, series: unknown): [string, number[]][] {
  if (!isPlainObject(series) || Object.keys(series).length === 0)
    throw new Error(`${op}: series must be an object of named number arrays ({ name: [1, 0.5, ...] }), got ${describe(series)}`);
  const entries = Object.entries(series);
  for (const [k, v] of entries)
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'number')) throw new Error(`${op}: series.${k} must be an array of numbers, got ${describe(v)}`);
  const [k0, v0] = entries[0] as [string, number[]];
  for (const [k, v] of entries as [string, number[]][])
    if (v.length !== v0.length) throw new Error(`${op}: series.${k} has ${v.length} values but series.${k0} has ${v0.length}`);
  if (v0.length === 0) throw new Error(`${op}: series.${k0} is empty; each series needs at least one value`);
  return entries as [string, number[]][];
}

/**
 * An SVG document (a string) of the named series in one panel, on one y axis, against `x` (default the index):
 * a line per series with a legend entry under its name. Lines break at NaN (and at values ≤ 0 with `logScale`).
 * The panel's palette has four colours; a fifth series reuses the first.
 *
 * @example
 * const svg = plotCurves({ cosine: lrs }, { title: 'learning rate', xLabel: 'epoch' });
 */
export function plotCurves(series: Record<string, number[]>, options?: PlotCurvesOptions): string {
  const op = 'plotCurves';
  const entries = checkSeries(op, series);
  const o = checkOptions(op, options, ['x', 'xLabel', 'title', 'logScale', 'width', 'height']);
  const n = entries[0]![1].length;
  const xs = o.x ?? Array.from({ length: n }, (_, i) => i);
  if (!Array.isArray(xs) || xs.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
    throw new Error(`${op}: x must be an array of finite numbers, got ${describe(xs)}`);
  if (xs.length !== n) throw new Error(`${op}: x has ${xs.length} values but the series have ${n}`);
  for (const k of ['xLabel', 'title'] as const)
    if (o[k] !== undefined && typeof o[k] !== 'string') throw new Error(`${op}: ${k} must be a string, got ${describe(o[k])}`);
  if (o.logScale !== undefined && typeof o.logScale !== 'boolean') throw new Error(`${op}: logScale must be a boolean, got ${describe(o.logScale)}`);
  const dim = (k: 'width' | 'height', d: number) => {
    const v = o[k] ?? d;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 120) throw new Error(`${op}: ${k} must be a number >= 120, got ${describe(v)}`);
    return v;
  };
  const width = dim('width', 480);
  const height = dim('height', 300);
  const log = o.logScale ?? false;
  const title = `${o.title ?? ''}${log ? `${o.title ? ' ' : ''}(log scale)` : ''}`;
  const panel = drawPanel(
    { name: 'curves', title, xs, xLabel: o.xLabel ?? 'step', log, series: entries.map(([key, values]) => ({ key, values })) },
    0,
    0,
    width,
    height,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="sans-serif" font-size="11">`,
    `<rect width="${num(width)}" height="${num(height)}" fill="white"/>`,
    panel,
    '</svg>\n',
  ].join('\n');
}
