import { expect } from 'vitest';
import { tensor, zeros, type Tensor } from '@nn/tensor';
import golden from './golden/clip.json' with { type: 'json' };

/** Fresh parameters with the golden gradients (null where the golden parameter has none). */
export function goldenParams(): Tensor[] {
  return golden.shapes.map((shape, i) => {
    const p = zeros(shape, { requiresGrad: true });
    const g = golden.grads[i];
    p.grad = g ? tensor(g, { shape }) : null;
    return p;
  });
}

/** Elementwise |got − want| ≤ atol + rtol·|want|. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-5, atol = 1e-12, label = ''): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i]! - want[i]!), `${label}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(atol + rtol * Math.abs(want[i]!));
}
