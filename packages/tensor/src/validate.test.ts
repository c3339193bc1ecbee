import { describe, expect, it } from 'vitest';
import { checkOptions, describeValue, isPlainObject } from './validate.js';

describe('describeValue', () => {
  it('names each kind of value', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue([1, 2])).toBe('an array');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue('a')).toBe('string "a"');
    expect(describeValue('x'.repeat(41))).toBe(`string "${'x'.repeat(40)}…"`);
    expect(describeValue(3)).toBe('number 3');
    expect(describeValue(true)).toBe('boolean true');
    expect(describeValue(new Map())).toBe('Map');
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue(new (class Linear {})())).toBe('Linear');
  });
});

describe('isPlainObject', () => {
  it('accepts literals and null-prototype objects only', () => {
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(new Date(0))).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject('a')).toBe(false);
  });
});

describe('checkOptions', () => {
  it('returns {} for undefined and the object itself when every key is known', () => {
    expect(checkOptions('f', undefined, ['a'])).toEqual({});
    const o = { a: 1 };
    expect(checkOptions('f', o, ['a', 'b'])).toBe(o);
  });
  it('rejects non-objects and unknown keys, naming the op and the known options', () => {
    expect(() => checkOptions('f', [] as object, ['a'])).toThrow('f: options must be a plain object, got an array');
    expect(() => checkOptions('f', { batch_size: 2 }, ['batchSize', 'shuffle'])).toThrow(
      "f: unknown option 'batch_size' (options: batchSize, shuffle)",
    );
  });
});
