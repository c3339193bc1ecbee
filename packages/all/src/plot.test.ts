import { describe, expect, it } from 'vitest';
import type { History } from './history.js';
import { escapeXml, plotHistory } from './plot.js';
import { formatLogTick, linearScale, logScale } from './plot-scale.js';
import { checkWellFormed } from './svg.test-util.js';

const history: History = {
  epoch: [1, 2, 3, 4],
  loss: [2.3, 0.5, 0.08, 0.02],
  accuracy: [0.3, 0.8, 0.95, 0.99],
  valLoss: [1.9, 0.6, 0.3, 0.25],
  valAccuracy: [0.4, 0.78, 0.9, 0.92],
  lr: [0.1, 0.1, 0.01, 0.01],
};

describe('plotHistory', () => {
  it('draws a loss and an accuracy panel with both series, ticks, legends and a title, as well-formed SVG', () => {
    const svg = plotHistory(history, { title: 'MLP <on> "MNIST" & co' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="720" height="300" viewBox="0 0 720 300"')).toBe(true);
    const tags = checkWellFormed(svg);
    expect(tags.filter((t) => t === 'polyline')).toHaveLength(4);
    expect(tags.filter((t) => t === 'circle')).toHaveLength(16);
    expect(svg).toContain('>MLP &lt;on&gt; &quot;MNIST&quot; &amp; co</text>');
    for (const key of ['loss', 'valLoss', 'accuracy', 'valAccuracy']) {
      expect(svg).toContain(`data-key="${key}"`);
      expect(svg).toContain(`>${key}</text>`); // legend entry
    }
    expect(svg).not.toContain('data-key="lr"');
    // Linear loss axis 0 … 2.5 in steps of 0.5; accuracy axis in percent; epochs 1 … 4 on x.
    const yTicks = [...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(yTicks).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0', '2.5', '20%', '40%', '60%', '80%', '100%']);
    const xTicks = [...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(xTicks).toEqual(['1', '2', '3', '4', '1', '2', '3', '4']);
  });

  it('puts the loss on decade ticks with logScaleLoss', () => {
    const svg = plotHistory(history, { logScaleLoss: true, width: 800, height: 400 });
    checkWellFormed(svg);
    expect(svg).toContain('>loss (log scale)</text>');
    const yTicks = [...svg.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]).slice(0, 4);
    expect(yTicks).toEqual(['0.01', '0.1', '1', '10']);
    // A decade apart means equally spaced on the axis.
    const ys = [...svg.matchAll(/class="y-tick" x="[^"]*" y="([^"]*)"/g)].map((m) => Number(m[1])).slice(0, 4);
    expect(ys[0]! - ys[1]!).toBeCloseTo(ys[1]! - ys[2]!, 1);
    expect(ys[1]! - ys[2]!).toBeCloseTo(ys[2]! - ys[3]!, 1);
  });

  it('breaks lines at missing values, draws other metrics in their own panel and handles an empty history', () => {
    const svg = plotHistory({ epoch: [1, 2, 3], loss: [1, NaN, 0.5], lr: [1, 1, 1], mae: [3, 2, 1], valMae: [4, 3, 2] });
    checkWellFormed(svg);
    expect(svg.match(/data-key="loss"/g)).toHaveLength(2); // two segments around the NaN
    expect(svg).toContain('data-name="mae"');
    expect(svg).toContain('data-key="valMae"');
    expect(plotHistory({ epoch: [], loss: [], lr: [] })).toContain('no epochs to plot');
  });

  it('rejects malformed histories and options', () => {
    expect(() => plotHistory({ epoch: [1, 2], loss: [1], lr: [1, 1] })).toThrow('plotHistory: history.loss has 1 values but history.epoch has 2');
    expect(() => plotHistory([] as never)).toThrow('plotHistory: history must be fit\'s history object');
    expect(() => plotHistory(history, { width: 50 })).toThrow('plotHistory: width must be a number >= 120, got number 50');
    expect(() => plotHistory(history, { logScale: true } as never)).toThrow("plotHistory: unknown option 'logScale'");
  });
});

describe('plot scales', () => {
  it('chooses 1-2-5 steps and widens the domain to whole steps', () => {
    expect(linearScale(0.13, 0.87).ticks.map((t) => +t.toFixed(10))).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearScale(3, 3).ticks).toEqual([2.6, 2.8, 3, 3.2, 3.4].map((v) => expect.closeTo(v, 10)));
    expect(linearScale(1, 30, { integer: true, pad: false }).ticks).toEqual([10, 20, 30]);
    expect(linearScale(1, 3, { integer: true, pad: false }).ticks).toEqual([1, 2, 3]);
    expect(linearScale(0.5, 0.95, { percent: true }).label(0.75)).toBe('75%');
  });

  it('puts log ticks on decades, with 2 and 5 when the range is narrow', () => {
    expect(logScale(0.003, 4).ticks).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logScale(0.2, 0.5).ticks.map(formatLogTick)).toEqual(['0.1', '0.2', '0.5', '1']);
    expect(formatLogTick(1e-6)).toBe('1e-6');
    expect(formatLogTick(1e6)).toBe('1e6');
    expect(() => logScale(0, 1)).toThrow('plotHistory: a log scale needs positive values, got [0, 1]');
  });

  it('escapes XML', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
