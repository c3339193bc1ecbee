import { describe, expect, it } from 'vitest';
import { clamp, engine, memory, tensor, where, type Tensor } from '../index.js';

describe('where: validation', () => {
  it('requires a bool cond', () => {
    expect(() => where(tensor([1, 0]), 1, 0)).toThrow('where: cond must have dtype bool, got float32');
    expect(() => where([true] as unknown as Tensor, 1, 0)).toThrow('where: cond must be a Tensor, got an array');
  });

  it('names all three shapes when they do not broadcast', () => {
    expect(() => where(tensor([true, false]), tensor([1, 2, 3]), 0)).toThrow('where: shapes [2] and [3] and [] cannot be broadcast together');
  });

  it('rejects bad operands', () => {
    const c = tensor([true]);
    expect(() => where(c, 'a' as unknown as number, 0)).toThrow('where: a must be a Tensor, number or boolean, got string a');
    const x = tensor([1]);
    x.dispose();
    expect(() => where(c, x, 0)).toThrow('where: a (shape [1], float32) has been disposed');
  });
});

describe('clamp: validation and construction', () => {
  it('needs at least one bound, and bounds of the right kind', () => {
    const x = tensor([1]);
    expect(() => clamp(x)).toThrow('clamp: at least one of min and max must be given');
    expect(() => clamp(x, null, null)).toThrow('clamp: at least one of min and max must be given');
    expect(() => clamp(x, '0' as unknown as number)).toThrow('clamp: min must be a number, a Tensor or null, got string 0');
    expect(() => clamp(tensor([1, 2]), 0, tensor([1, 2, 3]))).toThrow('clamp: shapes [2] and [] and [3] cannot be broadcast together');
    expect(() => clamp(x, 0, 'x' as unknown as number)).toThrow('clamp: max must be a number, a Tensor or null, got string x');
  });

  it('is built from comparisons and Where (so the gradient passes at min <= x <= max)', () => {
    const seen: string[] = [];
    const stop = engine.addKernelListener((name) => seen.push(name));
    clamp(tensor([0, 1, 2]), 0, 1);
    stop();
    expect(seen).toEqual(['Less', 'Where', 'Greater', 'Where']);
  });

  it('frees its intermediates', () => {
    const x = tensor([0, 1, 2]);
    const before = memory().numTensors;
    const y = clamp(x, 0.5, 1.5);
    expect(memory().numTensors).toBe(before + 1);
    expect(y.arraySync()).toEqual([0.5, 1, 1.5]);
  });
});
