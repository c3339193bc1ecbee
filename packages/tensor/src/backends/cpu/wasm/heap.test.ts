import { afterEach, describe, expect, it, vi } from 'vitest';
import { add, memory, randn, tensor } from '../../../index.js';
import { allocArray, heapAddress, heapStats, isHeapArray, releaseArray, sizeClass } from './heap.js';

describe('CPU heap (tensor storage in shared WebAssembly memory)', () => {
  it('size classes: 64-byte steps up to 1 KiB, then four per power of two (at most 25% slack)', () => {
    expect([1, 64, 65, 1024].map(sizeClass)).toEqual([64, 64, 128, 1024]);
    expect([1025, 1280, 1281, 2048, 2049, 4 * 2 ** 20 + 1].map(sizeClass)).toEqual([1280, 1280, 1536, 2048, 2560, 5 * 2 ** 20]);
    for (let b = 1; b < 1e7; b = Math.ceil(b * 1.37)) {
      const c = sizeClass(b);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c % 64).toBe(0);
      if (b > 1024) expect(c / b).toBeLessThanOrEqual(1.25);
    }
  });

  it('hands out zero-filled, 64-byte aligned heap arrays and recycles a released block for the next request of its class', () => {
    const a = allocArray('float32', 1000) as Float32Array;
    expect(isHeapArray(a)).toBe(true);
    expect(heapAddress(a) % 64).toBe(0);
    a.fill(7);
    const at = heapAddress(a);
    releaseArray(a);
    expect(isHeapArray(a)).toBe(false);
    const b = allocArray('int32', 990) as Int32Array; // same class (4000 → 4096 bytes vs 3960 → 4096)
    expect(heapAddress(b)).toBe(at);
    expect(b.every((v) => v === 0)).toBe(true);
    const c = allocArray('float32', 1000, false);
    expect(heapAddress(c)).not.toBe(at);
    releaseArray(b);
    releaseArray(c);
  });

  it('releases only arrays it made: a subarray, a foreign array or a second release change nothing', () => {
    const a = allocArray('float32', 64);
    const inUse = heapStats().bytesInUse;
    releaseArray(a.subarray(1));
    releaseArray(new Float32Array(64));
    expect(heapStats().bytesInUse).toBe(inUse);
    releaseArray(a);
    releaseArray(a);
    expect(heapStats().bytesInUse).toBe(inUse - 256);
  });

  it("a disposed tensor's storage goes back to the heap; the caller's array given to tensor() is copied, never recycled", () => {
    const mine = new Float32Array([1, 2, 3, 4]);
    const t = tensor(mine);
    expect(isHeapArray(mine)).toBe(false);
    mine[0] = 100;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3, 4]);
    const [x, s] = [randn([256]), t.sum()];
    const inUse = heapStats().bytesInUse;
    const y = add(x, s);
    expect(heapStats().bytesInUse).toBe(inUse + 1024);
    y.dispose();
    expect(heapStats().bytesInUse).toBe(inUse);
    expect(memory().backends.cpu!.numBytesReserved).toBe(heapStats().bytesReserved);
    for (const z of [x, s, t]) z.dispose();
  });

  describe('the growth limit (NN_CPU_HEAP_MB)', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    it('past the limit, storage is ordinary arrays (which the garbage collector sees) and kernels still work', async () => {
      vi.stubEnv('NN_CPU_HEAP_MB', '2');
      vi.resetModules();
      const nn = await import('../../../index.js');
      const heap = await import('./heap.js');
      const kept = Array.from({ length: 8 }, () => nn.randn([100_000])); // 400 KB each: 3.2 MB in all
      const cpu = nn.engine.backendFor('test', 'cpu') as unknown as { values(t: unknown): Float32Array };
      const inHeap = kept.filter((t) => heap.heapAddress(cpu.values(t)) >= 0);
      expect(inHeap.length).toBeGreaterThan(0);
      expect(inHeap.length).toBeLessThan(kept.length);
      expect(heap.heapStats().bytesReserved).toBeLessThanOrEqual(2 * 2 ** 20);
      const sum = kept.reduce((a, b) => nn.add(a, b));
      expect(sum.shape).toEqual([100_000]);
      expect(Number.isFinite(sum.sum().item())).toBe(true);
    });
  });

  describe('without WebAssembly (NN_WASM=0)', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.resetModules();
    });

    it('kernels and tensors use ordinary arrays', async () => {
      vi.stubEnv('NN_WASM', '0');
      vi.resetModules();
      const nn = await import('../../../index.js');
      const heap = await import('./heap.js');
      const a = heap.allocArray('float32', 100);
      expect(heap.isHeapArray(a)).toBe(false);
      expect(a.buffer).toBeInstanceOf(ArrayBuffer);
      expect(Array.from(nn.add(nn.tensor([1, 2]), 1).dataSync())).toEqual([2, 3]);
      expect(heap.heapStats()).toEqual({ bytesInUse: 0, bytesReserved: 0 });
    });
  });
});
