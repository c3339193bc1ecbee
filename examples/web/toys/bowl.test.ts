import { describe, expect, it } from 'vitest';
import { BOWL, LR, OPTIMIZERS, START, STEPS, Walker, bowlValue } from './bowl.js';

describe('quadratic bowl', () => {
  it('plain SGD follows w ← (1 − lr·curvature)·w exactly', async () => {
    const sgd = new Walker('sgd');
    await sgd.step();
    await sgd.step();
    const [x, y] = sgd.path[2]!;
    expect(x).toBeCloseTo(START[0] * (1 - LR.sgd * BOWL.a) ** 2, 5);
    expect(y).toBeCloseTo(START[1] * (1 - LR.sgd * BOWL.b) ** 2, 5);
    sgd.dispose();
  });

  it(`after ${STEPS} steps momentum and Adam end nearer the minimum than plain SGD`, async () => {
    const walkers = OPTIMIZERS.map((name) => new Walker(name));
    for (let i = 0; i < STEPS; i++) for (const w of walkers) await w.step();
    const [sgd, momentum, adam] = walkers.map((w) => w.distance) as [number, number, number];
    // Measured: SGD 0.20, momentum 0.03, Adam 0.06 from 4.74.
    expect(sgd).toBeGreaterThan(0.15);
    expect(momentum).toBeLessThan(sgd / 3);
    expect(adam).toBeLessThan(sgd / 3);
    for (const w of walkers) {
      const [x, y] = w.path.at(-1)!;
      expect(bowlValue(BOWL, x, y)).toBeLessThan(bowlValue(BOWL, ...START));
      w.dispose();
    }
  });
});
