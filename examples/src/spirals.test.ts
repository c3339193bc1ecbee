import { describe, expect, it } from 'vitest';
import { parseArgs, train } from './spirals.js';

describe('spirals example', () => {
  it('learns the spirals and reports test accuracy', () => {
    const lines: string[] = [];
    const { accuracy } = train({ ...parseArgs([]), epochs: 60 }, (l) => lines.push(l));
    expect(accuracy).toBeGreaterThan(0.9);
    expect(lines.at(-1)).toMatch(/^test accuracy \d+\.\d% on 400 held-out points$/);
  });
  it('rejects bad flags', () => {
    expect(() => parseArgs(['--epoch', '3'])).toThrow("spirals: unknown flag '--epoch' (try --help)");
    expect(() => parseArgs(['--lr', 'abc'])).toThrow("spirals: --lr needs a non-negative number, got 'abc'");
  });
});
