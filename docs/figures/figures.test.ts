// Runs every figure module of the docs (docs/figures/*.figure.ts) as the site build does, so a figure that
// throws, draws nothing or draws malformed SVG fails `pnpm test`, not the site.
import { describe, expect, it } from 'vitest';
import { checkSvg, drawFigures, figureNames } from './render.js';

describe('docs figures', () => {
  it('finds the figure modules', () => {
    expect(figureNames()).toContain('initialization');
  });

  for (const name of figureNames()) {
    it(`${name}.figure.ts draws well-formed SVG`, async () => {
      const figures = await drawFigures(name);
      for (const svg of Object.values(figures)) expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    });
  }

  it('checkSvg rejects what a browser would not draw', () => {
    const ok = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g><line x1="0" x2="1"/></g></svg>\n';
    expect(() => checkSvg('a.svg', ok)).not.toThrow();
    expect(() => checkSvg('a.svg', '<svg xmlns="x"><g></svg>')).toThrow('</svg> at offset');
    expect(() => checkSvg('a.svg', '<svg xmlns="x"><g>')).toThrow('must be a single <svg');
    expect(() => checkSvg('a.svg', '<svg xmlns="x"><line x1="NaN"/></svg>')).toThrow('NaN or Infinity');
    expect(() => checkSvg('a.png', ok)).toThrow('file name must be');
  });
});
