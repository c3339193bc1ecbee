import { dispose, memory, tensor, zeros, type Tensor } from '@nn/tensor';
import { AdamW } from '@nn/optim';
import { describe, expect, it } from 'vitest';
import { Linear, load, ReLU, save, saveAsync, Sequential, readSafetensorsHeader } from '../index.js';
import { crc32 } from './crc32.js';

const bits = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().slice().buffer));

/** Every value kind, with keys that need escaping or are special to JavaScript or safetensors. */
function sample() {
  const shared = tensor([1, 2, 3]);
  return {
    numbers: [0, -0, NaN, Infinity, -Infinity, 0.1, 1e-310, Number.MAX_VALUE, Number.MIN_SAFE_INTEGER, 2 ** 53, -1.5],
    strings: ['', 'plain', 'ünïcödé ✓ 🚀', 'quote " and \\ backslash\n', '\ud800 lone surrogate', '{"$tensor":"x"}'],
    flags: [true, false],
    nothing: null,
    missing: undefined,
    holes: [undefined, null, [], {}],
    nested: { deep: { deeper: [[{ x: 1 }]] } },
    tensors: {
      f32: tensor(new Float32Array([NaN, -0, 0, Infinity, -Infinity, 1e-45, -Number.MAX_VALUE, 0.1]), { shape: [2, 4] }),
      i32: tensor(new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1]), { shape: [4, 1] }),
      bool: tensor([[true, false], [false, true]]),
      scalar: tensor(2.5),
      empty: zeros([0, 3]),
      emptyInt: tensor(new Int32Array(0), { shape: [2, 0], dtype: 'int32' }),
    },
    twice: [shared, { again: shared }],
    keys: { $tensor: 'not a tag', $$: 1, $: 2, '': 3, 'a.b': 4, __proto__x: 5, __metadata__: tensor([7]), constructor: 'c' } as Record<string, unknown>,
  };
}

function expectSameValue(got: unknown, want: unknown, where = 'obj'): void {
  if ((want as Tensor)?.constructor?.name === 'Tensor') {
    const w = want as Tensor;
    const g = got as Tensor;
    expect(g.dtype, where).toBe(w.dtype);
    expect(g.shape, where).toEqual(w.shape);
    expect(bits(g), where).toEqual(bits(w));
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got), where).toBe(true);
    expect((got as unknown[]).length, where).toBe(want.length);
    want.forEach((w, i) => expectSameValue((got as unknown[])[i], w, `${where}[${i}]`));
  } else if (want !== null && typeof want === 'object') {
    expect(Object.getPrototypeOf(got), where).toBe(Object.prototype);
    expect(Object.keys(got as object), where).toEqual(Object.keys(want));
    for (const [k, w] of Object.entries(want)) expectSameValue((got as Record<string, unknown>)[k], w, `${where}.${k}`);
  } else expect(Object.is(got, want), `${where}: ${String(got)} vs ${String(want)}`).toBe(true);
}

describe('save / load', () => {
  it('round-trips every value kind and dtype, tensors bit for bit, -0 and NaN faithfully', () => {
    const obj = sample();
    obj.keys['__proto__'] = undefined;
    Object.defineProperty(obj.keys, '__proto__', { value: 'own', enumerable: true, configurable: true, writable: true });
    const back = load(save(obj)) as typeof obj;
    expectSameValue(back, obj);
    expect(Object.getPrototypeOf(back.keys)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.keys, '__proto__')!.value).toBe('own');
    expect('missing' in back).toBe(true);
    dispose([obj, back]);
  });

  it('stores a tensor reached twice once, and loads it as one tensor; plain objects reached twice become copies', () => {
    const t = tensor([1, 2, 3]);
    const inner = { n: 1 };
    const bytes = save({ a: t, b: [t], c: inner, d: inner });
    expect(Object.keys(readSafetensorsHeader(bytes.subarray(bytes.length - tensorSectionLength(bytes))).tensors)).toEqual(['a']);
    const back = load(bytes) as { a: Tensor; b: Tensor[]; c: object; d: object };
    expect(back.b[0]).toBe(back.a);
    expect(back.c).toEqual(back.d);
    expect(back.c).not.toBe(back.d);
    dispose([t, back]);
  });

  it('saves any top-level value', () => {
    for (const v of [null, 3, -0, NaN, 'text', true, undefined, [1, [2]], {}]) expect(Object.is(load(save(v)), v) || JSON.stringify(load(save(v))) === JSON.stringify(v)).toBe(true);
    const t = tensor([[1, 2]], { dtype: 'int32' });
    const back = load(save(t)) as Tensor;
    expect(back.arraySync()).toEqual([[1, 2]]);
    expect(back.dtype).toBe('int32');
    dispose([t, back]);
  });

  it('writes the documented layout: magic, version, CRC-32, lengths, JSON, then a safetensors file named by paths', () => {
    const w = tensor([[1, 2]]);
    const bytes = save({ model: { 'fc.weight': w }, step: 3, $odd: -0 });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x4e, 0x4e, 0x53, 0x41, 0x56, 0x45, 0x0a]);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    expect(dv.getUint32(8, true)).toBe(1);
    expect(dv.getUint32(12, true)).toBe(crc32(bytes.subarray(32)));
    const jsonLength = dv.getUint32(16, true);
    expect(new TextDecoder().decode(bytes.subarray(32, 32 + jsonLength))).toBe('{"model":{"fc.weight":{"$tensor":"model.fc.weight"}},"step":3,"$$odd":{"$number":"-0"}}');
    expect(dv.getUint32(24, true)).toBe(bytes.length - 32 - jsonLength);
    const header = readSafetensorsHeader(bytes.subarray(32 + jsonLength));
    expect(header.tensors['model.fc.weight']).toEqual({ dtype: 'F32', shape: [1, 2], dataOffsets: [0, 8] });
    w.dispose();
  });

  it('saveAsync writes the same bytes; load puts tensors on the requested device', async () => {
    const obj = { a: tensor([1.5, -2]), b: [tensor([true])] };
    expect(Array.from(await saveAsync(obj))).toEqual(Array.from(save(obj)));
    const back = load(save(obj), { device: 'cpu' }) as typeof obj;
    expect(back.a.device).toBe('cpu');
    expect(() => load(save(obj), { devcie: 'cpu' } as never)).toThrow("load: unknown option 'devcie' (options: device)");
    dispose([obj, back]);
  });

  it('reads ArrayBuffers and Node Buffers that are views into a larger pool', () => {
    const t = tensor([1, 2, 3]);
    const bytes = save({ t });
    const pooled = Buffer.concat([Buffer.from('xyz'), Buffer.from(bytes)]).subarray(3);
    const fromPool = load(pooled) as { t: Tensor };
    const fromBuffer = load(bytes.slice().buffer) as { t: Tensor };
    expect(fromPool.t.arraySync()).toEqual([1, 2, 3]);
    expect(fromBuffer.t.arraySync()).toEqual([1, 2, 3]);
    dispose([t, fromPool, fromBuffer]);
  });
});

describe('save errors', () => {
  class Box {
    v = 1;
  }
  const cases: [string, () => unknown, string][] = [
    ['a function', () => ({ state: { model: { fc: function forward() {} } } }), 'save: unsupported value at obj.state.model.fc: a function (forward) (save stores plain objects, arrays, numbers, strings, booleans, null, undefined and Tensors)'],
    ['a class instance', () => ({ a: [1, new Box()] }), 'save: unsupported value at obj.a[1]: an instance of Box ('],
    ['a module', () => ({ model: new Linear(2, 2) }), 'save: unsupported value at obj.model: an instance of Linear; save its stateDict() instead'],
    ['a Map', () => ({ m: new Map() }), 'save: unsupported value at obj.m: a Map; convert it with Object.fromEntries(map)'],
    ['a Set', () => ({ s: new Set() }), 'save: unsupported value at obj.s: a Set; convert it with [...set]'],
    ['a Date', () => ({ 'odd key': new Date(0) }), 'save: unsupported value at obj["odd key"]: a Date; store date.toISOString() or date.getTime()'],
    ['a typed array', () => ({ x: new Float32Array(2) }), 'save: unsupported value at obj.x: a Float32Array; wrap it in a tensor'],
    ['a bigint', () => [[10n]], 'save: unsupported value at obj[0][0]: a bigint (10n); convert it with Number() or String()'],
    ['a symbol', () => ({ s: Symbol('k') }), 'save: unsupported value at obj.s: a symbol (Symbol(k))'],
    ['a symbol key', () => ({ o: { [Symbol('k')]: 1 } }), 'save: unsupported value at obj.o: an object with symbol keys'],
  ];
  for (const [name, make, message] of cases) it(`rejects ${name}, naming its path`, () => expect(() => save(make())).toThrow(message));

  it('rejects cycles, naming both ends, but not shared subtrees', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    expect(() => save({ state: a })).toThrow('save: obj.state.self.back refers back to obj.state, a cycle; save stores trees');
    const arr: unknown[] = [];
    arr.push(arr);
    expect(() => save(arr)).toThrow('save: obj[0] refers back to obj, a cycle');
    const leaf = { v: 1 };
    expect(() => save({ p: leaf, q: [leaf, leaf] })).not.toThrow();
  });

  it('rejects disposed tensors', () => {
    const t = tensor([1, 2]);
    t.dispose();
    expect(() => save({ opt: { state: [t] } })).toThrow('save: the tensor at obj.opt.state[0] (shape [2]) has been disposed');
  });
});

/** The length of the tensor section, from the preamble. */
function tensorSectionLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(24, true);
}

/** A file with the given JSON text and tensor section and a correct checksum: corruption the CRC cannot see. */
function forge(json: string, section: Uint8Array, version = 1): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(32 + text.length + section.length);
  out.set([0x89, 0x4e, 0x4e, 0x53, 0x41, 0x56, 0x45, 0x0a]);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, version, true);
  dv.setUint32(16, text.length, true);
  dv.setUint32(24, section.length, true);
  out.set(text, 32);
  out.set(section, 32 + text.length);
  dv.setUint32(12, crc32(out.subarray(32)), true);
  return out;
}

describe('load validation', () => {
  const obj = () => ({ w: tensor([1, 2, 3, 4]), b: tensor([true, false]), meta: { step: 7, name: 'run' } });

  it('rejects every truncation and creates no tensor', () => {
    const o = obj();
    const bytes = save(o);
    const before = memory().numTensors;
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      expect(() => load(cut), `truncated to ${n} bytes`).toThrow(n < 32 ? /load: the file is truncated: \d+ bytes, shorter than the 32-byte preamble/ : /load: the file is truncated: \d+ bytes, but its preamble announces \d+/);
    }
    expect(memory().numTensors).toBe(before);
    expect(() => load(new Uint8Array([...bytes, 0]))).toThrow('load: the file has 1 trailing bytes after the');
    dispose(o);
  });

  it('detects any corrupted byte and creates no tensor', () => {
    const o = obj();
    const bytes = save(o);
    const before = memory().numTensors;
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x10;
      expect(() => load(bad), `byte ${i} flipped`).toThrow(/^load: /);
    }
    const bad = bytes.slice();
    bad[bytes.length - 1]! ^= 1;
    expect(() => load(bad)).toThrow('load: checksum mismatch: the file is corrupt');
    expect(memory().numTensors).toBe(before);
    dispose(o);
  });

  it('names what is wrong: not a save file, version, input type', () => {
    expect(() => load(new TextEncoder().encode('{"a": 1}'))).toThrow('load: not a file written by save (its first bytes are not the magic "\\x89NNSAVE\\n")');
    const t = tensor([1]);
    const safetensors = save({ t }).subarray(32 + 14);
    expect(() => load(safetensors)).toThrow('load: not a file written by save');
    expect(() => load(forge('1', new Uint8Array(8), 2))).toThrow('load: format version 2 is not supported (this version of @nn reads 1)');
    expect(() => load('bytes' as never)).toThrow("load: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer, got 'bytes'");
    t.dispose();
  });

  it('rejects consistent-checksum files whose JSON or tensors do not match, before making tensors', () => {
    const t = tensor([1, 2]);
    const bytes = save({ t });
    const jsonLength = new DataView(bytes.buffer).getUint32(16, true);
    const section = bytes.slice(32 + jsonLength);
    const before = memory().numTensors;
    dispose(load(forge('{"t":{"$tensor":"t"}}', section)));
    expect(() => load(forge('{"t":{"$tensor":"u"}}', section))).toThrow("load: the JSON refers to tensor 'u', which the tensor section lacks: corrupt");
    expect(() => load(forge('{"t":1}', section))).toThrow("load: the tensor section holds 't', which the JSON never refers to: corrupt");
    expect(() => load(forge('{"t":{"$tensor":"t","x":1}}', section))).toThrow('load: the JSON document holds a malformed tag');
    expect(() => load(forge('{"n":{"$number":"1"}}', section))).toThrow('load: the JSON document holds a malformed tag');
    expect(() => load(forge('{"n":{"$what":1}}', section))).toThrow('load: the JSON document holds a malformed tag');
    expect(() => load(forge('{"t":', section))).toThrow('load: the JSON document is invalid (');
    expect(() => load(forge('{"t":{"$tensor":"t"}}', section.subarray(0, section.length - 4)))).toThrow(
      'load: the tensor section is invalid (readSafetensorsHeader: ',
    );
    expect(memory().numTensors).toBe(before);
    t.dispose();
  });
});

describe('optimizer state through save', () => {
  it('AdamW on ~735k parameters: model and optimizer state in 3 × 4 bytes per parameter plus < 4 KB', () => {
    const model = new Sequential(new Linear(784, 925), new ReLU(), new Linear(925, 10));
    const params = model.parameters();
    const n = params.reduce((a, p) => a + p.size, 0);
    expect(n).toBe(735_385);
    const opt = new AdamW(params, { lr: 1e-3 });
    for (const p of params) p.grad = tensor(new Float32Array(p.size).fill(0.01), { shape: p.shape });
    opt.step();
    const sd = opt.stateDict();
    const modelState = model.stateDict();
    const optBytes = save(sd);
    const allBytes = save({ model: modelState, optimizer: sd, epoch: 1 });
    expect(optBytes.length - 2 * 4 * n).toBeGreaterThan(0);
    expect(optBytes.length - 2 * 4 * n).toBeLessThan(4096); // 5.88 MB
    expect(allBytes.length - 3 * 4 * n).toBeLessThan(4096); // 8.82 MB
    console.log(`AdamW, ${n} parameters: optimizer state ${optBytes.length} bytes, model + optimizer ${allBytes.length} bytes`);

    const back = load(allBytes) as { model: Record<string, Tensor>; optimizer: typeof sd };
    const other = new AdamW(params.map((p) => zeros(p.shape)), { lr: 1e-3 });
    other.loadStateDict(back.optimizer);
    for (const [i, p] of other.paramGroups[0]!.params.entries())
      expect(bits(other.state.get(p)!.expAvgSq)).toEqual(bits(opt.state.get(params[i]!)!.expAvgSq));
    dispose([sd, modelState, back]);
    opt.dispose();
    other.dispose();
  });
});
