/** Test helper (not part of the build): a training loop that must keep memory flat and learn. */
import { backward } from '@nn/autograd';
import { memory, tidy, type Tensor } from '@nn/tensor';
import { expect } from 'vitest';

/** Anything with PyTorch's optimizer loop methods. */
interface Optimizer {
  zeroGrad(): void;
  step(): void;
}

/**
 * Runs `steps + 2` training steps, each `tidy(() => { zeroGrad; loss = lossFn(); backward; step })`, and asserts that
 * from the second step on (when the optimizer's state exists) `memory().numTensors` stays flat, and that the last
 * loss is below `factor` times the first. Returns the losses.
 */
export function expectFlatTraining(opt: Optimizer, lossFn: () => Tensor, steps: number, factor: number): number[] {
  const step = (): number => {
    const loss = tidy(() => {
      opt.zeroGrad();
      const l = lossFn();
      backward(l);
      opt.step();
      return l;
    });
    const v = loss.item() as number;
    loss.dispose();
    return v;
  };
  const losses = [step(), step()];
  const before = memory().numTensors;
  for (let i = 0; i < steps; i++) losses.push(step());
  expect(memory().numTensors).toBe(before);
  expect(losses.at(-1)!).toBeLessThan(losses[0]! * factor);
  return losses;
}
