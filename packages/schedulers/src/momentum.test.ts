import { describe, expect, it } from 'vitest';
import { momentumKey, setMomentum } from './momentum.js';
import type { ParamGroup } from './types.js';

describe('momentumKey', () => {
  it('prefers betas, then momentum, looking at defaults or at every group', () => {
    const adam: ParamGroup[] = [{ lr: 1, betas: [0.9, 0.99] }];
    expect(momentumKey('X', { paramGroups: adam }, adam)).toBe('betas');
    const sgd: ParamGroup[] = [{ lr: 1, momentum: 0 }];
    expect(momentumKey('X', { paramGroups: sgd }, sgd)).toBe('momentum');
    const bare: ParamGroup[] = [{ lr: 1 }];
    expect(momentumKey('X', { paramGroups: bare, defaults: { momentum: 0.9 } }, bare)).toBe('momentum');
    const mixed: ParamGroup[] = [{ lr: 1, momentum: 0.9 }, { lr: 1 }];
    expect(() => momentumKey('X', { paramGroups: mixed }, mixed)).toThrow(
      'X: optimizer must support momentum with `cycleMomentum` option enabled',
    );
  });

  it('rejects betas that are not an array', () => {
    const bad: ParamGroup[] = [{ lr: 1, betas: 0.9 }];
    expect(() => momentumKey('X', { paramGroups: bad }, bad)).toThrow(
      'X: paramGroups[0].betas must be a non-empty array, got 0.9',
    );
  });

  it('setMomentum writes momentum, or betas[0] in a fresh array', () => {
    const g: ParamGroup = { lr: 1, momentum: 0.9, betas: [0.9, 0.999, 3] };
    setMomentum(g, 'momentum', 0.5);
    expect(g.momentum).toBe(0.5);
    const before = g.betas;
    setMomentum(g, 'betas', 0.7);
    expect(g.betas).toEqual([0.7, 0.999, 3]);
    expect(before).toEqual([0.9, 0.999, 3]);
  });
});
