import { readFileSync } from 'node:fs';
import { memory, tensor, tidy, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm1d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, isParameter, loadPt, type Module,
} from '../index.js';
import { ZipReader, writeZip } from './zip.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const golden = (name: string): any => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
const num = (v: any): number => (typeof v === 'object' && v !== null ? (typeof v.$float === 'string' ? SPECIAL[v.$float]! : v.$float) : v);

/** Asserts that `actual` (what loadPt returned) is the value golden_pt.py encoded, tensors bit for bit. */
function expectEncoded(actual: unknown, expected: any, at = 'obj'): void {
  if (expected !== null && typeof expected === 'object' && '$tensor' in expected) {
    const e = expected.$tensor;
    const t = actual as Tensor;
    expect(t.constructor.name, at).toBe('Tensor');
    expect([t.dtype, t.shape], at).toEqual([e.dtype, e.shape]);
    expect([t.requiresGrad, isParameter(t)], `${at} requiresGrad, parameter`).toEqual([e.requiresGrad, e.parameter]);
    const values = Array.from(t.dataSync());
    const want = e.data.map((v: any) => (e.dtype === 'bool' ? Number(v) : e.dtype === 'float32' ? Math.fround(num(v)) : v));
    // toEqual tells NaN from numbers and -0 from 0.
    expect(values, at).toEqual(want);
  } else if (expected !== null && typeof expected === 'object' && '$int' in expected) {
    expect(actual, at).toBe(BigInt(expected.$int));
  } else if (expected !== null && typeof expected === 'object' && '$bytes' in expected) {
    expect(actual, at).toEqual(new Uint8Array(expected.$bytes));
  } else if (expected !== null && typeof expected === 'object' && '$set' in expected) {
    expect(actual, at).toBeInstanceOf(Set);
    expect([...(actual as Set<unknown>)].sort(), at).toEqual(expected.$set);
  } else if (expected !== null && typeof expected === 'object' && '$float' in expected) {
    expect(actual, at).toBe(num(expected));
  } else if (expected !== null && typeof expected === 'object' && '$map' in expected) {
    expect(actual, at).toBeInstanceOf(Map);
    const entries = [...(actual as Map<unknown, unknown>)];
    expect(entries.map(([k]) => k), at).toEqual(expected.$map.map(([k]: [unknown]) => k));
    entries.forEach(([k, v], i) => expectEncoded(v, expected.$map[i][1], `${at}[${String(k)}]`));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), at).toBe(true);
    expect((actual as unknown[]).length, at).toBe(expected.length);
    expected.forEach((e, i) => expectEncoded((actual as unknown[])[i], e, `${at}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.getPrototypeOf(actual), at).toBe(Object.prototype);
    expect(Object.keys(actual as object), at).toEqual(Object.keys(expected));
    for (const k of Object.keys(expected)) expectEncoded((actual as Record<string, unknown>)[k], expected[k], `${at}.${k}`);
  } else expect(actual, at).toBe(expected);
}

describe('loadPt: files written by PyTorch 1.13 (scripts/golden_pt.py)', () => {
  it.each(['dtypes', 'nested', 'nested-protocol4', 'views', 'shared', 'ordered', 'exact', 'legacy', 'counter'])('%s.pt loads with every value', (name) => {
    tidy(() => expectEncoded(loadPt(fixture(`${name}.pt`)), golden(name)));
  });

  it('reads a Node Buffer at any offset of a larger buffer', () => {
    const file = readFileSync(new URL('./fixtures/exact.pt', import.meta.url));
    const shifted = Buffer.concat([Buffer.from([1, 2, 3]), file]).subarray(3); // byteOffset 3: unaligned, shared memory
    tidy(() => expectEncoded(loadPt(shifted), golden('exact')));
  });

  it('converts each dtype to the nearest @nn dtype', () => {
    tidy(() => {
      const d = loadPt<Record<string, Tensor>>(fixture('dtypes.pt'));
      const dtypes = Object.fromEntries(Object.entries(d).map(([k, t]) => [k, t.dtype]));
      expect(dtypes).toEqual({
        float32: 'float32', float64: 'float32', float16: 'float32', bfloat16: 'float32', int64: 'int32', int32: 'int32',
        int16: 'int32', int8: 'int32', uint8: 'int32', bool: 'bool', scalar: 'float32', empty: 'float32',
      });
      expect(d.float16!.dataSync()[10]).toBe(Math.fround(2 ** -24 * 1)); // 6e-8 is the smallest subnormal half
      expect(Array.from(d.int64!.dataSync())).toEqual([0, -1, 2 ** 31 - 1, -(2 ** 31), 12345]);
    });
  });

  it('keeps shared objects shared: one tensor saved under two keys is one Tensor', () => {
    tidy(() => {
      const s = loadPt<{ a: Tensor; b: Tensor; c: Tensor[]; param: Tensor; frozen: Tensor }>(fixture('shared.pt'));
      expect(s.b).toBe(s.a);
      expect(s.c[0]).toBe(s.a);
      expect(Array.from(s.c[1]!.dataSync())).toEqual(Array.from(s.a.dataSync()).slice(1)); // a view at offset 1
      expect([isParameter(s.param), s.param.requiresGrad, isParameter(s.frozen), s.frozen.requiresGrad]).toEqual([true, true, true, false]);
    });
  });

  it("reads a collections.Counter (MultiStepLR's milestones) as the dict it holds: milestone → count", () => {
    const c = loadPt<{ scheduler: { milestones: Map<number, number> }; words: Record<string, number> }>(fixture('counter.pt'));
    expect(c.scheduler.milestones).toEqual(new Map([[2, 1], [5, 2]])); // MultiStepLR(milestones=[2, 5, 5])
    expect(c.words).toEqual({ a: 5, b: 2, r: 2, c: 1, d: 1 });
  });

  it('reads views (offsets, strides, expanded) as contiguous copies of what they show', () => {
    tidy(() => {
      const v = loadPt<Record<string, Tensor>>(fixture('views.pt'));
      const base = v.base!.arraySync() as number[][];
      expect(v.transposed!.arraySync()).toEqual(base[0]!.map((_, j) => base.map((row) => row[j])));
      expect(v.strided!.arraySync()).toEqual([[7, 9, 11], [19, 21, 23]]);
      expect(v.expanded!.arraySync()).toEqual([[0, 0], [0, 0], [0, 0]]);
    });
  });

  const models: [string, () => Module][] = [
    ['mlp', () => new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 3))],
    ['cnn', () => new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(36, 2))],
  ];
  it.each(models)("a PyTorch %s's state_dict loads strictly into the @nn model, which then gives PyTorch's outputs", (name, make) => {
    const g = golden(name);
    tidy(() => {
      const sd = loadPt<Record<string, Tensor>>(fixture(`${name}.pt`));
      expectEncoded(sd, g.stateDict);
      const model = make().eval();
      model.loadStateDict(sd);
      const x = tensor(Float32Array.from(g.x.$tensor.data.map(num)), { shape: g.x.$tensor.shape });
      const y = Array.from((model as unknown as { call(x: Tensor): Tensor }).call(x).dataSync());
      const want = g.y.$tensor.data as number[];
      y.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5 + 1e-5 * Math.abs(want[i]!)));
    });
  });
});

describe('loadPt: pickle protocols 0 to 5 (the opcodes beyond those torch.save uses)', () => {
  const { value, pickles } = golden('protocols') as { value: unknown; pickles: Record<string, string> };
  it.each(Object.keys(pickles))('protocol %s', (protocol) => {
    const data = new Uint8Array(Buffer.from(pickles[protocol]!, 'base64'));
    const loaded = loadPt<{ shared: unknown[] }>(writeZip('test', [{ name: 'archive/data.pkl', data }]));
    expectEncoded(loaded, value);
    expect(loaded.shared[0]).toBe(loaded.shared[1]); // [[7]] * 2: one list, twice
  });
});

describe('loadPt: bad input is a clear error, and nothing is half-loaded', () => {
  const mlp = fixture('mlp.pt');
  /** The entries of mlp.pt, to rebuild variants of it. */
  const entries = () => {
    const z = new ZipReader('test', mlp);
    return [...z.entries.keys()].map((name) => ({ name, data: z.read(name).slice() }));
  };
  const without = (name: string) => writeZip('test', entries().filter((e) => e.name !== name));
  const replacing = (name: string, data: Uint8Array) => writeZip('test', entries().map((e) => (e.name === name ? { name, data } : e)));

  it('refuses pickles that name arbitrary globals, naming the global', () => {
    expect(() => loadPt(fixture('malicious.pt'))).toThrow("loadPt: refusing to load global 'os.system' (data.pkl)");
  });

  it('refuses every global outside the allow-list, whatever its name', () => {
    for (const name of ['torch\ntoString', 'builtins\neval', 'torch._utils\n_rebuild_qtensor', 'collections\ndefaultdict']) {
      const pkl = new Uint8Array([0x80, 2, 0x63, ...new TextEncoder().encode(`${name}\n`), 0x29, 0x52, 0x2e]); // GLOBAL, (), REDUCE
      expect(() => loadPt(writeZip('test', [{ name: 'a/data.pkl', data: pkl }]))).toThrow(`loadPt: refusing to load global '${name.replace('\n', '.')}' (data.pkl)`);
    }
  });

  it('names unsupported dtypes and int64 values outside int32', () => {
    expect(() => loadPt(fixture('complex64.pt'))).toThrow('loadPt: unsupported dtype complex64 (torch.ComplexFloatStorage) in data.pkl');
    expect(() => loadPt(fixture('int64-overflow.pt'))).toThrow("loadPt: storage 'data/0' (int64) holds 1099511627776 at index 1, outside the int32 range");
  });

  it('names the problems of legacy (pre-1.6) files', () => {
    const legacy = fixture('legacy.pt');
    expect(() => loadPt(legacy.subarray(0, legacy.length - 5))).toThrow('loadPt: the file is truncated: storage');
    expect(() => loadPt(legacy.subarray(0, 40))).toThrow('loadPt: the pickle ends in the middle of an opcode (truncated) at byte');
    expect(() => loadPt(new Uint8Array([0x80, 2, 0x4b, 1, 0x2e]))).toThrow("loadPt: not a PyTorch checkpoint: a pickle without PyTorch's magic number");
  });

  it('detects truncation and corruption, naming the entry', () => {
    expect(() => loadPt(mlp.subarray(0, mlp.length - 30))).toThrow('loadPt: not a zip file, or a truncated one');
    expect(() => loadPt(new Uint8Array(0))).toThrow('not a zip file');
    const corrupt = mlp.slice();
    const at = new ZipReader('test', mlp).read('mlp/data/0').byteOffset;
    corrupt[at + 3]! ^= 1;
    expect(() => loadPt(corrupt)).toThrow("loadPt: CRC-32 mismatch in entry 'data/0': the file is corrupt");
  });

  it('names a missing data.pkl or storage entry, and a storage shorter than its tensor', () => {
    expect(() => loadPt(without('mlp/data.pkl'))).toThrow("loadPt: the checkpoint has no entry 'mlp/data.pkl'");
    expect(() => loadPt(without('mlp/data/3'))).toThrow("loadPt: the checkpoint has no entry 'data/3', which the pickle refers to (a float32 storage)");
    expect(() => loadPt(replacing('mlp/data/3', new Uint8Array(12)))).toThrow("loadPt: entry 'data/3' holds 12 bytes, but its 8 float32 elements need 32");
  });

  it('names unknown opcodes and truncated pickles with their position', () => {
    expect(() => loadPt(replacing('mlp/data.pkl', new Uint8Array([0x80, 2, 0xff])))).toThrow(
      'loadPt: unknown pickle opcode 0xff: the file is corrupt or not a PyTorch checkpoint at byte 2 of data.pkl',
    );
    const pkl = new ZipReader('test', mlp).read('mlp/data.pkl');
    expect(() => loadPt(replacing('mlp/data.pkl', pkl.slice(0, 100)))).toThrow('truncated');
  });

  it('creates no tensor when a later part of the file is bad', () => {
    const before = memory().numTensors;
    expect(() => loadPt(without('mlp/data/8'))).toThrow("no entry 'data/8'");
    expect(() => loadPt(fixture('int64-overflow.pt'))).toThrow('outside the int32 range');
    expect(memory().numTensors).toBe(before);
  });

  it('rejects bad arguments', () => {
    expect(() => loadPt('x' as never)).toThrow("loadPt: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer, got 'x'");
    expect(() => loadPt(mlp, { map: 'cpu' } as never)).toThrow("loadPt: unknown option 'map' (options: device)");
  });
});
