import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { dispose } from '@nn/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIdx, readIdx, readIdxFile } from './idx.js';

const SIZES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** An IDX file in memory: magic 00 00 code ndim, big-endian dims, big-endian values. */
function idxBytes(code: number, shape: number[], values: number[]): Uint8Array {
  const size = SIZES[code]!;
  const out = new Uint8Array(4 + 4 * shape.length + size * values.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, code, shape.length]);
  shape.forEach((d, k) => view.setUint32(4 + 4 * k, d));
  const writers: Record<number, (o: number, v: number) => void> = {
    0x08: (o, v) => view.setUint8(o, v),
    0x09: (o, v) => view.setInt8(o, v),
    0x0b: (o, v) => view.setInt16(o, v),
    0x0c: (o, v) => view.setInt32(o, v),
    0x0d: (o, v) => view.setFloat32(o, v),
    0x0e: (o, v) => view.setFloat64(o, v),
  };
  values.forEach((v, i) => writers[code]!(4 + 4 * shape.length + i * size, v));
  return out;
}

const pixels = idxBytes(0x08, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

describe('IDX reader', () => {
  it('parses uint8 data to int32 with the header shape', () => {
    const t = parseIdx(pixels);
    expect([t.shape, t.dtype]).toEqual([[2, 2, 3], 'int32']);
    expect(t.arraySync()).toEqual([[[0, 1, 2], [3, 4, 5]], [[250, 251, 252], [253, 254, 255]]]);
    t.dispose();
  });

  it('scales to float32, e.g. pixels to [0, 1]', () => {
    const t = parseIdx(pixels, { scale: 1 / 255 });
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255].map((v) => Math.fround(v / 255)));
    const f = parseIdx(pixels, { dtype: 'float32' });
    expect(Array.from(f.dataSync()).at(-1)).toBe(255);
    dispose([t, f]);
  });

  it.each([
    ['int8', 0x09, [-128, -1, 0, 127], 'int32'],
    ['int16', 0x0b, [-32768, -2, 300, 32767], 'int32'],
    ['int32', 0x0c, [-2147483648, -5, 70000, 2147483647], 'int32'],
    ['float32', 0x0d, [-1.5, 0.25, 3e38, -0], 'float32'],
    ['float64', 0x0e, [-1.5, 0.25, 1e-3, 2.5], 'float32'],
  ])('reads big-endian %s values', (_, code, values, dtype) => {
    const t = parseIdx(idxBytes(code as number, [2, 2], values as number[]));
    expect(t.dtype).toBe(dtype);
    expect(Array.from(t.dataSync())).toEqual(dtype === 'float32' ? (values as number[]).map(Math.fround) : values);
    t.dispose();
  });

  it('reads gzip data (detected by its magic), ArrayBuffers and views with an offset', async () => {
    const gz = new Uint8Array(gzipSync(pixels));
    const t = await readIdx(gz);
    expect(t.arraySync()).toEqual(parseIdx(pixels).arraySync());
    const framed = new Uint8Array(pixels.length + 10);
    framed.set(pixels, 7);
    const u = await readIdx(framed.subarray(7, 7 + pixels.length));
    const v = await readIdx(pixels.slice().buffer);
    expect(u.arraySync()).toEqual(t.arraySync());
    expect(v.arraySync()).toEqual(t.arraySync());
    expect(() => parseIdx(gz)).toThrow('parseIdx: the bytes are gzip-compressed; use `await readIdx(bytes)`, which decompresses them');
    dispose([t, u, v]);
  });

  it('rejects malformed files with messages that say what is wrong', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8]))).toThrow('parseIdx: truncated header: 3 bytes, but the IDX magic number alone needs 4');
    expect(() => parseIdx(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]))).toThrow(
      'parseIdx: bad magic number 0x504B0304: an IDX file starts with 0x0000, then a type code and the number of dims',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]))).toThrow(
      'parseIdx: unsupported data type code 0x0A in magic number 0x00000A01 (expected 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32 or 0x0E float64)',
    );
    expect(() => parseIdx(pixels.subarray(0, 10))).toThrow('parseIdx: truncated header: 3 dims need 16 header bytes, file has 10');
    const header = idxBytes(0x08, [60000, 28, 28], []);
    const short = new Uint8Array(header.length + 1000);
    short.set(header);
    expect(() => parseIdx(short)).toThrow(
      'parseIdx: truncated data: header says 60000×28×28 = 47040000 bytes, file has 1000 after the 16-byte header',
    );
    const ints = idxBytes(0x0c, [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(() => parseIdx(ints.subarray(0, ints.length - 2))).toThrow(
      'parseIdx: truncated data: header says 2×3 = 6 int32 values × 4 bytes = 24 bytes, file has 22 after the 12-byte header',
    );
    const long = new Uint8Array(pixels.length + 3);
    long.set(pixels);
    expect(() => parseIdx(long)).toThrow('parseIdx: 3 bytes of trailing data: header says 2×2×3 = 12 bytes, file has 15 after the 16-byte header');
  });

  it('rejects corrupt or truncated gzip data', async () => {
    const gz = new Uint8Array(gzipSync(idxBytes(0x08, [100], Array.from({ length: 100 }, (_, i) => i))));
    await expect(readIdx(gz.subarray(0, gz.length - 12))).rejects.toThrow(/^readIdx: corrupt gzip data: .+/);
    const bad = gz.slice();
    bad[bad.length - 6]! ^= 0xff; // the CRC-32 of the data
    await expect(readIdx(bad)).rejects.toThrow(/^readIdx: corrupt gzip data: .+/);
    await expect(readIdx(new Uint8Array([0x1f, 0x8b, 1, 2, 3]))).rejects.toThrow(/^readIdx: corrupt gzip data: .+/);
  });

  it('validates options', async () => {
    const floats = idxBytes(0x0d, [1], [0.5]);
    expect(() => parseIdx(floats, { dtype: 'int32' })).toThrow("parseIdx: dtype int32 cannot hold the file's float32 data; use dtype float32");
    expect(() => parseIdx(pixels, { dtype: 'int32', scale: 2 })).toThrow('parseIdx: scale needs dtype float32, got dtype int32');
    expect(() => parseIdx(pixels, { dtype: 'bool' } as never)).toThrow("parseIdx: dtype must be 'float32' or 'int32', got string \"bool\"");
    expect(() => parseIdx(pixels, { normalize: true } as never)).toThrow("parseIdx: unknown option 'normalize' (options: dtype, scale, device)");
    expect(() => parseIdx([0, 0, 8, 0, 1] as never)).toThrow('parseIdx: bytes must be a Uint8Array, got an array');
    await expect(readIdx('file.idx' as never)).rejects.toThrow('readIdx: bytes must be a Uint8Array or ArrayBuffer, got string "file.idx"');
  });

  describe('readIdxFile', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'nn-data-idx-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reads raw and gzip files, naming the file in errors', async () => {
      await writeFile(join(dir, 'a-idx3-ubyte'), pixels);
      await writeFile(join(dir, 'a-idx3-ubyte.gz'), gzipSync(pixels));
      await writeFile(join(dir, 'cut.gz'), gzipSync(pixels.subarray(0, 20)));
      const a = await readIdxFile(join(dir, 'a-idx3-ubyte'));
      const b = await readIdxFile(join(dir, 'a-idx3-ubyte.gz'), { scale: 1 / 255 });
      expect(a.arraySync()).toEqual(parseIdx(pixels).arraySync());
      expect(b.dtype).toBe('float32');
      await expect(readIdxFile(join(dir, 'cut.gz'))).rejects.toThrow(
        `readIdxFile: ${join(dir, 'cut.gz')}: truncated data: header says 2×2×3 = 12 bytes, file has 4 after the 16-byte header`,
      );
      await expect(readIdxFile(join(dir, 'missing'))).rejects.toThrow(`readIdxFile: cannot read ${join(dir, 'missing')}: ENOENT`);
      dispose([a, b]);
    });
  });

  const fashion = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(`${fashion}/t10k-labels-idx1-ubyte.gz`))('reads the real Fashion-MNIST test set: 10,000 labels, 1,000 per class', async () => {
    const labels = await readIdxFile(`${fashion}/t10k-labels-idx1-ubyte.gz`);
    expect([labels.shape, labels.dtype]).toEqual([[10000], 'int32']);
    const counts = new Array(10).fill(0);
    for (const v of labels.dataSync()) counts[v]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    const images = await readIdxFile(`${fashion}/t10k-images-idx3-ubyte.gz`, { scale: 1 / 255 });
    expect([images.shape, images.dtype]).toEqual([[10000, 28, 28], 'float32']);
    const px = images.dataSync();
    expect([Math.min(...px.subarray(0, 784 * 10)), Math.max(...px.subarray(0, 784 * 10))]).toEqual([0, 1]);
    dispose([labels, images]);
  });
});
