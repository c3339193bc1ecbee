/** A small SVG line chart for live training curves (redrawn whole on every update; a few thousand points at most). */

export interface Series {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
  /** Draw a dot at each point as well as the line (for sparse series such as per-epoch evaluations). */
  dots?: boolean;
}

export interface ChartOptions {
  xMax: number;
  yMin?: number;
  yMax: number;
  xLabel: string;
  /** Format of the y-axis tick labels. */
  format?: (y: number) => string;
}

const W = 480;
const H = 200;
const PAD = { left: 44, right: 10, top: 24, bottom: 30 };

export function drawChart(svg: SVGSVGElement, series: readonly Series[], { xMax, yMin = 0, yMax, xLabel, format = (y) => y.toFixed(2) }: ChartOptions): void {
  const sx = (x: number) => PAD.left + (x / Math.max(xMax, 1e-9)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((Math.min(Math.max(y, yMin), yMax) - yMin) / (yMax - yMin || 1)) * (H - PAD.top - PAD.bottom);
  const ticks = [yMin, (yMin + yMax) / 2, yMax];
  const parts = [
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#ccc"/>`,
    ...ticks.map((t) => `<text x="${PAD.left - 4}" y="${sy(t) + 4}" text-anchor="end">${format(t)}</text>`),
    `<text x="${PAD.left}" y="${H - 10}">0</text><text x="${W - PAD.right}" y="${H - 10}" text-anchor="end">${xMax}</text>`,
    `<text x="${(W + PAD.left) / 2}" y="${H - 10}" text-anchor="middle">${xLabel}</text>`,
  ];
  // Legend entries side by side, each as wide as its label (about 6.5 px a character at the page's chart font).
  let legendX = PAD.left + 4;
  series.forEach((s) => {
    const xy = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${xy.join(' ')}"/>`);
    if (s.dots) for (const p of xy) parts.push(`<circle r="3" fill="${s.color}" cx="${p.split(',')[0]}" cy="${p.split(',')[1]}"/>`);
    parts.push(`<text x="${legendX}" y="${PAD.top - 8}" fill="${s.color}">● ${s.label}</text>`);
    legendX += 24 + 6.5 * s.label.length;
  });
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.innerHTML = parts.join('');
}
