import { describe, expect, it } from 'vitest';
import { LeakDetector, add, dispose, randn, tidy, type Tensor } from './index.js';

describe('LeakDetector', () => {
  it('reports once, naming the ops that made the tensors surviving each step', () => {
    const messages: string[] = [];
    const d = new LeakDetector({ report: (m) => messages.push(m) });
    const x = randn([4]);
    const leaked: Tensor[] = [];
    for (let i = 0; i < 10; i++) {
      tidy(() => void add(x, 2).exp().sum()); // freed: not a leak
      leaked.push(add(x, 1)); // survives every step
      d.step();
    }
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^@nn leak detector: memory\(\)\.numTensors grew at each of the last 3 steps \(\+1 per step, \d+ → \d+\)/);
    expect(messages[0]).toContain('tensors made during those steps and still alive: 3 × Add [4]');
    expect(d.reported).toBe(messages[0]);
    d.dispose();
    dispose([x, ...leaked]);
  });

  it('stays quiet for a flat loop and for the warmup steps that create state', () => {
    const messages: string[] = [];
    const d = new LeakDetector({ warmup: 2, report: (m) => messages.push(m) });
    const state: Tensor[] = [];
    for (let i = 0; i < 20; i++) {
      if (i < 2) state.push(randn([3])); // optimizer-like state made in the first steps
      tidy(() => void randn([8]).mul(2));
      d.step();
    }
    expect(messages).toEqual([]);
    d.dispose();
    expect(() => d.step()).toThrow('LeakDetector.step: the detector has been disposed');
    dispose(state);
  });

  it('validates its options', () => {
    expect(() => new LeakDetector({ patience: 0 })).toThrow('LeakDetector: patience must be a positive integer, got 0');
    expect(() => new LeakDetector({ warmup: -1 })).toThrow('LeakDetector: warmup must be a non-negative integer, got -1');
  });
});
