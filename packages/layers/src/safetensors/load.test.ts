import { memory } from '@nn/tensor';
import { decodeNumber } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, readSafetensorsHeader } from '../index.js';
import { readGolden, readGoldenBytes, type Encoded } from '../testing/golden.js';

/** A safetensors file from a header object and data bytes; `headerLength` overrides the stored length. */
function file(header: unknown, data: number[] = [], opts: { headerText?: string; headerLength?: number } = {}): Uint8Array {
  const text = new TextEncoder().encode(opts.headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + text.byteLength + data.length);
  new DataView(out.buffer).setUint32(0, opts.headerLength ?? text.byteLength, true);
  out.set(text, 8);
  out.set(data, 8 + text.byteLength);
  return out;
}
const f32 = (shape: number[], b: number, e: number) => ({ dtype: 'F32', shape, data_offsets: [b, e] });

describe('loadSafetensors', () => {
  it('reads every supported dtype written by the golden script', () => {
    const expected = readGolden<{ dtypes: Record<string, Encoded> }>('dtypes.json').dtypes;
    const bytes = readGoldenBytes('dtypes.safetensors');
    const loaded = loadSafetensors(bytes);
    expect(Object.keys(loaded).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) {
      const t = loaded[k]!;
      expect(t.shape, k).toEqual(e.shape);
      expect(t.dtype, k).toBe(e.dtype ?? 'float32');
      expect(Array.from(t.dataSync()), k).toEqual(e.data.map(decodeNumber).map((v) => (e.dtype === undefined || e.dtype === 'float32' ? Math.fround(v) : v)));
    }
    const header = readSafetensorsHeader(bytes);
    expect(header.metadata).toEqual({ source: 'golden.py', format: 'pt' });
    expect(header.tensors.i64).toEqual({ dtype: 'I64', shape: [4], dataOffsets: expect.any(Array) });
  });

  it('reads from an ArrayBuffer and from a view with an offset (a Node Buffer slice)', () => {
    const bytes = file({ x: f32([2], 0, 8) }, [0, 0, 128, 63, 0, 0, 0, 192]);
    expect(Array.from(loadSafetensors(bytes.slice().buffer).x!.dataSync())).toEqual([1, -2]);
    const padded = new Uint8Array(bytes.byteLength + 3);
    padded.set(bytes, 3);
    expect(Array.from(loadSafetensors(padded.subarray(3)).x!.dataSync())).toEqual([1, -2]);
    // A small Node Buffer lives at an offset in a shared pool, and its slice() does not copy.
    const pooled = Buffer.from(bytes);
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const xi = file({ x: f32([2], 0, 8), i: { dtype: 'I32', shape: [1], data_offsets: [8, 12] } }, [0, 0, 128, 63, 0, 0, 0, 192, 7, 0, 0, 0]);
    const both = loadSafetensors(Buffer.from(xi));
    expect(Array.from(both.x!.dataSync())).toEqual([1, -2]);
    expect(Array.from(both.i!.dataSync())).toEqual([7]);
    const proto = loadSafetensors(file(null, [0, 0, 0, 0], { headerText: JSON.stringify({ p: f32([1], 0, 4) }).replace('"p"', '"__proto__"') }));
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('rejects truncated and corrupt files with a clear error, creating no tensors', () => {
    const before = memory().numTensors;
    const cases: [Uint8Array | ArrayBuffer, string][] = [
      [new Uint8Array(5), 'loadSafetensors: the file is truncated: 5 bytes, but a safetensors file starts with an 8-byte header length'],
      [file({ x: f32([1], 0, 4) }, [0, 0, 0, 0], { headerLength: 500 }), 'loadSafetensors: header length 500 runs past the end of the file (66 bytes): the file is truncated or not a safetensors file'],
      [file(null, [], { headerText: '{"x": {"dtype": "F32",' }), 'loadSafetensors: the header is not valid JSON'],
      [file(null, [], { headerText: '\xff\xfe' }).map((b, i) => (i >= 8 ? 0xff : b)), 'loadSafetensors: the header is not valid UTF-8'],
      [file([1, 2]), 'loadSafetensors: the header must be a JSON object, got an array'],
      [file({ x: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, [0]), "loadSafetensors: tensor 'x' has unknown dtype 'F8_E4M3' (supported: F64, F32"],
      [file({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), "loadSafetensors: tensor 'x' has an invalid shape [-1]"],
      [file({ x: { dtype: 'F32', shape: [2], data_offsets: [4, 0] } }, [0, 0, 0, 0]), "loadSafetensors: tensor 'x' has invalid data_offsets [4,0]"],
      [file({ x: f32([2, 2], 0, 12) }, new Array(12).fill(0)), "loadSafetensors: tensor 'x' (F32, shape [2,2]) needs 16 bytes, but its data_offsets [0,12] span 12"],
      [file({ x: f32([2], 0, 8) }, [0, 0, 0, 0]), "loadSafetensors: tensor 'x' has data_offsets [0,8] beyond the end of the data section (4 bytes)"],
      [file({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, new Array(12).fill(0)), "loadSafetensors: the data of tensors 'a' and 'b' overlap"],
      [file({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, new Array(12).fill(0)), "loadSafetensors: there is a gap in the data section before tensor 'b' (bytes 4 to 8"],
      [file({ a: f32([1], 0, 4) }, new Array(6).fill(0)), 'loadSafetensors: the data section has 6 bytes but the tensors cover 4'],
      [file({ __metadata__: { n: 1 } }), 'loadSafetensors: __metadata__ must be an object of strings'],
      [file({ big: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]),
        "loadSafetensors: tensor 'big' (I64) holds 4294967296 at index 1, outside the int32 range"],
      [file({ neg: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, [255, 255, 255, 127, 255, 255, 255, 255]),
        "loadSafetensors: tensor 'neg' (I64) holds -2147483649 at index 0, outside the int32 range"],
      [file({ u: { dtype: 'U32', shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 128]), "loadSafetensors: tensor 'u' (U32) holds 2147483648 at index 0"],
    ];
    for (const [bytes, message] of cases) expect(() => loadSafetensors(bytes), message).toThrow(message);
    expect(() => loadSafetensors('file.safetensors' as never)).toThrow('loadSafetensors: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer');
    expect(() => loadSafetensors(new Uint8Array(8), { device: 'cpu', dtype: 'float32' } as never)).toThrow("loadSafetensors: unknown option 'dtype'");
    expect(() => readSafetensorsHeader(new Uint8Array(3))).toThrow('readSafetensorsHeader: the file is truncated');
    expect(memory().numTensors).toBe(before);
  });
});
