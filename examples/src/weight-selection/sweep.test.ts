import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, parseSweepArgs, sweep, SWEEP_DEFAULTS, type SweepOptions } from './sweep.js';

const io = () => ({ text: '', write(s: string) { this.text += s; return true; } });

describe('weight-selection sweep CLI', () => {
  it('parses comma-separated lists and rejects bad ones', async () => {
    expect(parseSweepArgs(['--seeds', '0,3', '--student-hidden', '256,64', '--student-limit', '5000', '--lr', '3e-4,1e-3'])).toMatchObject({
      seeds: [0, 3], studentHidden: [256, 64], studentLimit: [5000], lr: [3e-4, 1e-3], teacherEpochs: 5, teacherHidden: 512,
    });
    expect(() => parseSweepArgs(['--student-hidden', '128,1024'])).toThrow('--student-hidden 1024 is wider than --teacher-hidden 512');
    const [out, err] = [io(), io()];
    expect(await main(['--lr', '0.001,x'], { out, err })).toBe(2);
    expect(err.text).toContain("--lr needs a positive number, got 'x'");
    expect(await main(['--help'], { out, err })).toBe(0);
    expect(out.text).toContain('--student-limit LIST');
  });
});

describe.skipIf(!existsSync(SWEEP_DEFAULTS.data))('weight-selection sweep (Fashion-MNIST)', () => {
  it('prints a line per seed and combination, then the means', async () => {
    const out = io();
    const o: SweepOptions = { ...SWEEP_DEFAULTS, limit: 1200, seeds: [0, 1], teacherEpochs: 1, studentHidden: [32], studentLimit: [1200, 300] };
    const cells = await sweep(o, out);
    expect(cells.map((c) => [c.seed, c.images])).toEqual([[0, 1200], [0, 300], [1, 1200], [1, 300]]);
    expect(out.text).toMatch(/seed 1: teacher 784-512-512-10 after 1 epoch\(s\): \d+\.\d\d%/);
    expect(out.text).toMatch(/ {2}784-32-32-10, 300 images, lr 0\.001: selected \d+\.\d\d%, He \d+\.\d\d%, selected − He [+−]\d+\.\d\d ± \d+\.\d\d \([+−]\d+\.\d\d, [+−]\d+\.\d\d\)/);
  });
});
