import { describe, expect, it } from 'vitest';
import { calculateGain } from '@nn/init';
import golden from './golden/init.json' with { type: 'json' };

describe('calculateGain', () => {
  it("matches PyTorch's table", () => {
    for (const { nonlinearity, param, gain } of golden.gains)
      expect(calculateGain(nonlinearity, param ?? undefined), `${nonlinearity}(${param})`).toBeCloseTo(gain, 14);
    expect(calculateGain('relu')).toBe(Math.SQRT2);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain('identity')).toBe(1);
  });
  it('ignores param for everything but leaky_relu', () => {
    expect(calculateGain('tanh', 0.5)).toBe(5 / 3);
  });
  it('names an unsupported nonlinearity and a non-numeric slope', () => {
    expect(() => calculateGain('swish')).toThrow("calculateGain: unsupported nonlinearity 'swish' (supported: linear, identity,");
    expect(() => calculateGain('leaky_relu', true as unknown as number)).toThrow(
      "calculateGain: negative slope (param) for 'leaky_relu' must be a number, got true",
    );
    expect(() => calculateGain(3 as unknown as string)).toThrow('calculateGain: nonlinearity must be a string, got 3');
  });
});
