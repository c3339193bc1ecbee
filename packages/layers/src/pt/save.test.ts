import { readFileSync } from 'node:fs';
import { dispose, ones, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { Linear, Parameter, isParameter, loadPt, savePt, savePtAsync } from '../index.js';
import { encodeLong } from './pickle-writer.js';
import { ZipReader } from './zip.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const values = (t: unknown) => Array.from((t as Tensor).dataSync());

describe('savePt', () => {
  it("writes what PyTorch's torch.save writes, byte for byte (exact.pt: a state dict, a tied tensor, a Parameter, numbers, strings, lists)", () => {
    const bytes = fixture('exact.pt');
    tidy(() => expect(savePt(loadPt(bytes))).toEqual(bytes));
  });

  it('round-trips through loadPt: every dtype, nested containers, numbers, strings, Maps with int keys', () => {
    tidy(() => {
      const obj = {
        f: tensor([[1.5, -2], [NaN, Infinity]]),
        i: tensor(new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0])),
        b: tensor([true, false, true]),
        scalar: tensor(3),
        empty: zeros([0, 4]),
        numbers: [0, -1, 255, 256, 65536, -(2 ** 31), 2 ** 40, -(2 ** 50), 0.1, -0, NaN, -Infinity],
        big: 2n ** 70n,
        strings: ['', 'héllo ✓', 'a'.repeat(300)],
        flags: [true, false, null],
        nested: { a: { b: { c: [[], {}] } } },
        state: new Map<unknown, unknown>([[0, { step: 3 }], [1, 'x']]),
        long: Array.from({ length: 2500 }, (_, i) => i), // APPENDS in batches of 1000
      };
      const back = loadPt<typeof obj>(savePt(obj));
      expect(Object.keys(back)).toEqual(Object.keys(obj));
      for (const k of ['f', 'i', 'b', 'scalar', 'empty'] as const) {
        expect([back[k].dtype, back[k].shape], k).toEqual([obj[k].dtype, obj[k].shape]);
        expect(values(back[k]), k).toEqual(values(obj[k]));
      }
      expect(back.numbers).toEqual(obj.numbers); // toEqual tells -0 and NaN apart
      expect([back.big, back.strings, back.flags, back.nested, back.long]).toEqual([obj.big, obj.strings, obj.flags, obj.nested, obj.long]);
      expect(back.state).toEqual(obj.state);
    });
  });

  it('writes a shared storage once and keeps a tensor reached twice one tensor; Parameters stay Parameters', () => {
    tidy(() => {
      const lin = new Linear(3, 2);
      const w = lin.weight;
      const snapshot = w.detach(); // shares w's storage
      const bytes = savePt({ w, again: w, snapshot, sd: lin.stateDict() });
      const zip = new ZipReader('test', bytes);
      expect([...zip.entries.keys()]).toEqual(['archive/data.pkl', 'archive/data/0', 'archive/data/1', 'archive/version']);
      const back = loadPt<{ w: Tensor; again: Tensor; snapshot: Tensor; sd: Record<string, Tensor> }>(bytes);
      expect(back.again).toBe(back.w);
      expect([isParameter(back.w), back.w.requiresGrad, isParameter(back.snapshot), back.snapshot.requiresGrad]).toEqual([true, true, false, false]);
      expect(values(back.sd.weight)).toEqual(values(w));
      expect(values(back.sd.bias)).toEqual(values(lin.bias!));
      lin.dispose();
    });
  });

  it("lays out the zip as PyTorch's writer does: STORED entries, data 64-byte aligned, version 3, protocol-2 pickle", () => {
    tidy(() => {
      const bytes = savePt({ a: ones([3]), b: tensor(new Int32Array([7, -7])), c: tensor([true]) });
      const zip = new ZipReader('test', bytes);
      const names = [...zip.entries.keys()];
      expect(names).toEqual(['archive/data.pkl', 'archive/data/0', 'archive/data/1', 'archive/data/2', 'archive/version']);
      for (const name of names) {
        const data = zip.read(name);
        expect(zip.entries.get(name)!.method, name).toBe(0);
        expect(data.byteOffset % 64, name).toBe(0);
      }
      expect(new TextDecoder().decode(zip.read('archive/version'))).toBe('3\n');
      const pkl = zip.read('archive/data.pkl');
      expect([pkl[0], pkl[1], pkl[pkl.length - 1]]).toEqual([0x80, 2, 0x2e]); // PROTO 2 ... STOP
      expect(new TextDecoder('latin1').decode(pkl)).toContain('ccollections\nOrderedDict\n'); // a state dict is an OrderedDict
      expect(Array.from(zip.read('archive/data/0'))).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f]); // 1.0f LE
      expect(Array.from(zip.read('archive/data/1'))).toEqual([7, 0, 0, 0, 0xf9, 0xff, 0xff, 0xff]);
      expect(Array.from(zip.read('archive/data/2'))).toEqual([1]);
      // The zip64 end records are always there, as PyTorch writes them.
      const dv = new DataView(bytes.buffer, bytes.byteOffset);
      expect(dv.getUint32(bytes.length - 22, true)).toBe(0x06054b50);
      expect(dv.getUint32(bytes.length - 42, true)).toBe(0x07064b50);
    });
  });

  it('writes plain objects of tensors as OrderedDict, other objects as dict', () => {
    tidy(() => {
      // The opcode after PROTO 2: GLOBAL (collections.OrderedDict) or EMPTY_DICT.
      const first = (obj: unknown) => new ZipReader('t', savePt(obj)).read('archive/data.pkl')[2];
      expect([first({ w: ones([1]) }), first({ w: ones([1]), step: 1 }), first({})]).toEqual([0x63, 0x7d, 0x7d]);
    });
  });

  it('savePtAsync gives the same bytes', async () => {
    const obj = { w: ones([2, 2]), n: 1 };
    expect(await savePtAsync(obj)).toEqual(savePt(obj));
    dispose(obj.w);
  });

  it('names unsupported values and where they sit', () => {
    const t = ones([2]);
    t.dispose();
    expect(() => savePt({ a: [1, undefined] })).toThrow('savePt: unsupported value at obj.a[1]: undefined, which Python has no value for');
    expect(() => savePt({ f: () => 1 })).toThrow('savePt: unsupported value at obj.f: a function (f)');
    expect(() => savePt({ s: new Set([1]) })).toThrow('savePt: unsupported value at obj.s: a Set; convert it with [...set]');
    expect(() => savePt({ m: new Linear(1, 1) })).toThrow('savePt: unsupported value at obj.m: an instance of Linear; save its stateDict() instead');
    expect(() => savePt({ x: new Float32Array(2) })).toThrow('a Float32Array; wrap it in a tensor');
    expect(() => savePt({ t })).toThrow('savePt: the tensor at obj.t (shape [2]) has been disposed');
    expect(() => savePt(new Map([[{}, 1]]))).toThrow('savePt: unsupported value at obj: a Map key of type object');
  });

  it("encodes ints beyond 32 bits as Python's encode_long does", () => {
    const hex = (x: bigint) => Array.from(encodeLong(x), (b) => b.toString(16).padStart(2, '0')).join('');
    expect([0n, 1n, 127n, 128n, 255n, -1n, -128n, -129n, 2n ** 40n].map(hex)).toEqual(['', '01', '7f', '8000', 'ff00', 'ff', '80', '7fff', '000000000001']);
  });

  it('saves a bare tensor or number as the whole object', () => {
    tidy(() => {
      const t = loadPt<Tensor>(savePt(tensor([[1, 2]])));
      expect([t.shape, values(t)]).toEqual([[1, 2], [1, 2]]);
      expect(loadPt(savePt(2.5))).toBe(2.5);
    });
  });

  it('keeps a Parameter a Parameter and requiresGrad of plain tensors', () => {
    tidy(() => {
      const p = new Parameter(ones([2]));
      const g = ones([1]);
      g.requiresGrad = true;
      const back = loadPt<Tensor[]>(savePt([p, g]));
      expect([isParameter(back[0]), back[0]!.requiresGrad, isParameter(back[1]), back[1]!.requiresGrad]).toEqual([true, true, false, true]);
    });
  });
});
