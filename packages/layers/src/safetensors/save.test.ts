import { memory, tensor, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, readSafetensorsHeader, saveSafetensors, saveSafetensorsAsync } from '../index.js';
import { decode, readGolden, readGoldenBytes, type Encoded } from '../testing/golden.js';

const bits = (t: Tensor) => Array.from(new Uint8Array(t.dataSync().slice().buffer));

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

describe('saveSafetensors', () => {
  it('round-trips float32 (NaN, ±0, ±inf, subnormals), int32 and bool exactly', () => {
    const sd = {
      'w.f': tensor(new Float32Array([Number.NaN, -0, 0, Number.POSITIVE_INFINITY, -Number.MAX_VALUE, 1e-45, 0.1]), { shape: [7] }),
      'w.i': tensor(new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0]), { shape: [3, 1] }),
      mask: tensor([[true, false], [false, true]]),
      scalar: tensor(2.5),
      empty: zeros([0, 4]),
    };
    const loaded = loadSafetensors(saveSafetensors(sd));
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(sd).sort());
    for (const [k, t] of Object.entries(sd)) {
      expect(loaded[k]!.dtype, k).toBe(t.dtype);
      expect(loaded[k]!.shape, k).toEqual(t.shape);
      expect(bits(loaded[k]!), k).toEqual(bits(t));
    }
  });

  it('writes the format: u64 header length, compact JSON padded with spaces to 8 bytes, aligned tensors in order', () => {
    const bytes = saveSafetensors({ 'b.weight': tensor([[1, 2]]), flag: tensor([true]), 'a.count': tensor(3, { dtype: 'int32' }) }, { format: 'pt', a: 'x' });
    const { length, text } = headerOf(bytes);
    expect(length % 8).toBe(0);
    const json =
      '{"__metadata__":{"a":"x","format":"pt"},"a.count":{"dtype":"I32","shape":[],"data_offsets":[0,4]},' +
      '"b.weight":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]},"flag":{"dtype":"BOOL","shape":[1],"data_offsets":[12,13]}}';
    expect(text).toBe(json.padEnd(length, ' '));
    expect(length - json.length).toBeLessThan(8);
    expect(bytes.byteLength).toBe(8 + length + 13);
    expect(Array.from(bytes.subarray(8 + length))).toEqual([3, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 1]);
    expect(headerOf(saveSafetensors({})).text).toBe('{}      ');
  });

  it('is byte-identical to the reference layout written by the golden script', () => {
    const expected = readGolden<{ reference: Record<string, Encoded> }>('dtypes.json').reference;
    const tensors = Object.fromEntries(Object.entries(expected).map(([k, e]) => [k, decode(e)]));
    const ours = saveSafetensors(tensors, { format: 'pt', author: 'nn' });
    expect(Array.from(ours)).toEqual(Array.from(readGoldenBytes('reference.safetensors')));
  });

  it('has an async form giving the same bytes', async () => {
    const sd = { x: tensor([1, 2, 3]), y: tensor([[4]], { dtype: 'int32' }) };
    expect(Array.from(await saveSafetensorsAsync(sd))).toEqual(Array.from(saveSafetensors(sd)));
  });

  it('accepts a Map and a model state dict', () => {
    const bytes = saveSafetensors(new Map([['t', tensor([1])]]));
    expect(readSafetensorsHeader(bytes).tensors).toEqual({ t: { dtype: 'F32', shape: [1], dataOffsets: [0, 4] } });
    expect(readSafetensorsHeader(bytes).metadata).toBeNull();
  });

  it('validates its arguments', () => {
    const t = tensor([1]);
    expect(() => saveSafetensors({ __metadata__: t })).toThrow(
      "saveSafetensors: the key '__metadata__' is reserved by the format; pass metadata as the second argument",
    );
    expect(() => saveSafetensors({ a: [1] as never })).toThrow("saveSafetensors: 'a' must be a Tensor, got an array");
    expect(() => saveSafetensors({ a: t }, { v: 1 } as never)).toThrow("saveSafetensors: metadata['v'] must be a string, got 1");
    expect(() => saveSafetensors('x' as never)).toThrow("saveSafetensors: tensors must be an object (or a Map) of Tensors, got 'x'");
    const gone = tensor([1]);
    gone.dispose();
    expect(() => saveSafetensors({ gone })).toThrow("saveSafetensors: 'gone' (shape [1]) has been disposed");
    const before = memory().numTensors;
    saveSafetensors({ a: t });
    expect(memory().numTensors).toBe(before);
  });
});
