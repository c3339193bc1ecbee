/** Axis scales for `plotHistory`: "nice" linear ticks (1, 2, 5 × 10^k steps) and decade ticks for log axes. */

export interface Scale {
  /** Domain ends, in data units. */
  lo: number;
  hi: number;
  ticks: number[];
  log: boolean;
  /** Maps a data value to [0, 1] along the axis. */
  unit(v: number): number;
  /** A tick's label. */
  label(v: number): string;
}

/** The 1/2/5 × 10^k step that puts about `count` intervals over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/**
 * A linear scale over [min, max] widened to whole steps, with about `count` ticks. `integer` keeps steps ≥ 1
 * (epochs); `percent` labels 0.25 as "25%".
 */
export function linearScale(min: number, max: number, opts: { count?: number; integer?: boolean; percent?: boolean; pad?: boolean } = {}): Scale {
  let lo = min;
  let hi = max;
  if (!(hi > lo)) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= opts.integer ? 1 : d;
    hi += opts.integer ? 1 : d;
  }
  let step = niceStep(hi - lo, opts.count ?? 5);
  if (opts.integer) step = Math.max(1, Math.round(step));
  if (opts.pad !== false) {
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  const decimals = Math.max(0, -Math.floor(Math.log10(step * (opts.percent ? 100 : 1)) + 1e-9));
  return {
    lo,
    hi,
    ticks,
    log: false,
    unit: (v) => (v - lo) / (hi - lo),
    label: (v) => (opts.percent ? `${(v * 100).toFixed(decimals)}%` : v.toFixed(opts.integer ? 0 : decimals)),
  };
}

/** A number for a log-axis label: plain when 1e-4 ≤ v < 1e5 (0.001, 20), otherwise as 1e-5. */
export function formatLogTick(v: number): string {
  if (v >= 1e-4 && v < 1e5) return String(Number(v.toPrecision(6)));
  return v.toExponential(0).replace('e+', 'e');
}

/**
 * A base-10 log scale over [min, max] (both > 0) extended to whole decades. Ticks at the powers of ten; when
 * that gives fewer than three, also at 2 and 5 times them.
 */
export function logScale(min: number, max: number): Scale {
  if (!(min > 0) || !(max > 0)) throw new Error(`plotHistory: a log scale needs positive values, got [${min}, ${max}]`);
  let a = Math.floor(Math.log10(min) + 1e-9);
  let b = Math.ceil(Math.log10(max) - 1e-9);
  if (b <= a) b = a + 1;
  const ticks: number[] = [];
  for (let k = a; k <= b; k++) ticks.push(10 ** k);
  if (ticks.length < 3) {
    ticks.length = 0;
    for (let k = a; k <= b; k++) for (const m of k < b ? [1, 2, 5] : [1]) ticks.push(m * 10 ** k);
  }
  const lo = 10 ** a;
  const hi = 10 ** b;
  a = Math.log10(lo);
  b = Math.log10(hi);
  return { lo, hi, ticks, log: true, unit: (v) => (Math.log10(v) - a) / (b - a), label: formatLogTick };
}
