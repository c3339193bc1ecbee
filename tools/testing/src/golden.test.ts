import { describe, expect, it } from 'vitest';
import { decodeNumber } from './golden.js';

describe('decodeNumber', () => {
  it("decodes numbers, booleans and the strings 'nan', 'inf', '-inf'", () => {
    expect([1.5, -0, true, false, 'nan', 'inf', '-inf'].map(decodeNumber)).toEqual([1.5, -0, 1, 0, NaN, Infinity, -Infinity]);
  });

  it('rejects any other string, naming it', () => {
    expect(() => decodeNumber('Infinity')).toThrow("decodeNumber: expected a number, a boolean or one of 'nan', 'inf', '-inf', got 'Infinity'");
    expect(() => decodeNumber('toString')).toThrow("got 'toString'");
  });
});
