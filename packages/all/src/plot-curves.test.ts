import { describe, expect, it } from 'vitest';
import { plotCurves } from './plot-curves.js';
import { checkWellFormed } from './svg.test-util.js';

const yTicks = (svg: string) => [...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
const xTicks = (svg: string) => [...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);

describe('plotCurves', () => {
  it('draws every named series in one panel with a legend, against the index by default', () => {
    const svg = plotCurves({ 'StepLR': [0.1, 0.1, 0.01, 0.01, 0.001], 'ExponentialLR (γ = 0.5)': [0.1, 0.05, 0.025, 0.0125, 0.00625] }, { title: 'lr' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="480" height="300" viewBox="0 0 480 300"')).toBe(true);
    const tags = checkWellFormed(svg);
    expect(tags.filter((t) => t === 'polyline')).toHaveLength(2);
    expect(tags.filter((t) => t === 'circle')).toHaveLength(10);
    expect(svg).toContain('>lr</text>');
    expect(svg).toContain('data-key="StepLR"');
    expect(svg).toContain('>ExponentialLR (γ = 0.5)</text>');
    // A long legend key widens its box beyond the default 104 px: 30 + 6.5 · 23 characters.
    expect(svg).toMatch(/class="legend"[^>]* width="180"/);
    expect(xTicks(svg)).toEqual(['0', '1', '2', '3', '4']);
    expect(yTicks(svg)).toEqual(['0.00', '0.02', '0.04', '0.06', '0.08', '0.10']);
  });

  it('takes x values and a label, and puts the y axis on decades with logScale', () => {
    const svg = plotCurves({ loss: [2, 0.5, 0.02, 0] }, { x: [10, 20, 30, 40], xLabel: 'epoch', logScale: true, title: 'loss', width: 600, height: 200 });
    checkWellFormed(svg);
    expect(svg).toContain('width="600" height="200"');
    expect(svg).toContain('>loss (log scale)</text>');
    expect(svg).toContain('>epoch</text>');
    expect(yTicks(svg)).toEqual(['0.01', '0.1', '1', '10']);
    expect(xTicks(svg)).toEqual(['10', '20', '30', '40']);
    // The 0 cannot be drawn on a log axis: three points remain.
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });

  it('rejects malformed series and options, naming the argument', () => {
    expect(() => plotCurves({})).toThrow('plotCurves: series must be an object of named number arrays');
    expect(() => plotCurves({ a: [1, 2], b: [1] })).toThrow('plotCurves: series.b has 1 values but series.a has 2');
    expect(() => plotCurves({ a: ['1'] } as never)).toThrow('plotCurves: series.a must be an array of numbers');
    expect(() => plotCurves({ a: [] })).toThrow('plotCurves: series.a is empty');
    expect(() => plotCurves({ a: [1, 2] }, { x: [0] })).toThrow('plotCurves: x has 1 values but the series have 2');
    expect(() => plotCurves({ a: [1, 2] }, { x: [0, NaN] })).toThrow('plotCurves: x must be an array of finite numbers');
    expect(() => plotCurves({ a: [1] }, { height: 10 })).toThrow('plotCurves: height must be a number >= 120, got number 10');
    expect(() => plotCurves({ a: [1] }, { log: true } as never)).toThrow("plotCurves: unknown option 'log'");
  });
});
