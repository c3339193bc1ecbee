/**
 * Momentum cycling, shared by OneCycleLR and CyclicLR: SGD-like optimizers keep `momentum` in each param group,
 * Adam-like ones keep `betas`, whose first entry plays the role of momentum (PyTorch's `use_beta1`).
 */
import type { OptimizerLike, ParamGroup } from './types.js';
import { fail, fmt } from './validate.js';

export type MomentumKey = 'momentum' | 'betas';

/**
 * Which key to cycle: `betas` when the optimizer has them (in `defaults`, as PyTorch checks, or in every param
 * group), else `momentum`; an optimizer with neither cannot have its momentum cycled.
 */
export function momentumKey(cls: string, optimizer: OptimizerLike, groups: ParamGroup[]): MomentumKey {
  const defaults = optimizer.defaults;
  const has = (key: string) =>
    (typeof defaults === 'object' && defaults !== null && key in defaults) || groups.every((g) => key in g);
  if (has('betas')) {
    groups.forEach((g, i) => {
      if (!Array.isArray(g.betas) || g.betas.length === 0) {
        fail(cls, `paramGroups[${i}].betas must be a non-empty array, got ${fmt(g.betas)}`);
      }
    });
    return 'betas';
  }
  if (has('momentum')) return 'momentum';
  return fail(
    cls,
    "optimizer must support momentum with `cycleMomentum` option enabled (its param groups have neither 'momentum' nor 'betas')",
  );
}

/** Sets the momentum of a group: `momentum`, or `betas[0]` in a new array (PyTorch builds a new tuple). */
export function setMomentum(group: ParamGroup, key: MomentumKey, value: number): void {
  if (key === 'momentum') group.momentum = value;
  else group.betas = [value, ...(group.betas as number[]).slice(1)];
}
