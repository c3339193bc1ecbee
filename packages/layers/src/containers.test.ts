import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, ModuleDict, ModuleList, ReLU } from './index.js';

describe('ModuleList', () => {
  it('registers its modules by position, so their parameters and keys are found', () => {
    const list = new ModuleList([new Linear(2, 3), new ReLU()]);
    list.append(new Linear(3, 1)).extend([new BatchNorm1d(1)]);
    expect(list.length).toBe(4);
    expect(Object.keys(list.stateDict())).toEqual([
      '0.weight', '0.bias', '2.weight', '2.bias', '3.weight', '3.bias', '3.running_mean', '3.running_var', '3.num_batches_tracked',
    ]);
    expect(list.parameters()).toHaveLength(6);
    expect(list.at(-1)).toBeInstanceOf(BatchNorm1d);
    expect([...list].map((m) => m.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear', 'BatchNorm1d']);
    expect(() => list.at(4)).toThrow('ModuleList.at: index 4 is out of range for a ModuleList of length 4');
    expect(() => list.append('relu' as never)).toThrow("ModuleList.append: module must be a Module, got 'relu'");
    expect(() => new ModuleList(3 as never)).toThrow('ModuleList: modules must be an iterable of Modules, got 3');
    expect(() => list.forward()).toThrow('ModuleList: a ModuleList has no forward; iterate over its modules');
  });
});

describe('ModuleDict', () => {
  it('registers its modules by key in insertion order; set replaces', () => {
    const dict = new ModuleDict({ enc: new Linear(4, 2), act: new ReLU() });
    dict.set('dec', new Linear(2, 4));
    expect(dict.keys()).toEqual(['enc', 'act', 'dec']);
    expect(Object.keys(dict.stateDict())).toEqual(['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
    expect(dict.get('act')).toBeInstanceOf(ReLU);
    expect(dict.has('dec') && !dict.has('x')).toBe(true);
    const replacement = new Linear(4, 3, { bias: false });
    dict.set('enc', replacement);
    expect(dict.get('enc')).toBe(replacement);
    expect(Object.keys(dict.stateDict())).toEqual(['enc.weight', 'dec.weight', 'dec.bias']);
    expect(dict.size).toBe(3);
    expect([...dict].map(([k]) => k)).toEqual(['enc', 'act', 'dec']);
    expect(new ModuleDict([['a', new ReLU()]]).keys()).toEqual(['a']);
    expect(() => dict.get('x')).toThrow("ModuleDict.get: no module 'x' (keys: enc, act, dec)");
    expect(() => dict.set('a.b', new ReLU())).toThrow("ModuleDict.registerModule: name must be a non-empty string without '.', got 'a.b'");
    expect(() => dict.forward()).toThrow('ModuleDict: a ModuleDict has no forward');
  });
});
