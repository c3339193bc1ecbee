import { afterEach, describe, expect, it, vi } from 'vitest';
import { seededValues } from '@nn/testing';

/** A fresh module graph: its own engine, settings and worker pool (none started yet). */
async function fresh() {
  vi.resetModules();
  const nn = await import('../../../index.js');
  const threads = await import('../kernels/matmul-threads.js');
  return { nn, threads };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('setNumThreads / getNumThreads', () => {
  it.each([0, -2, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects %s, naming the function and the value', async (n) => {
    const { nn } = await fresh();
    expect(() => nn.setNumThreads(n)).toThrow(`setNumThreads: n must be a positive integer, got number ${n}`);
  });

  it('rejects a non-number', async () => {
    const { nn } = await fresh();
    expect(() => nn.setNumThreads('4' as unknown as number)).toThrow('setNumThreads: n must be a positive integer, got string "4"');
  });

  it('defaults to NN_NUM_THREADS, and setNumThreads overrides it (at most 16)', async () => {
    vi.stubEnv('NN_NUM_THREADS', '3');
    const { nn } = await fresh();
    expect(nn.getNumThreads()).toBe(3);
    nn.setNumThreads(5);
    expect(nn.getNumThreads()).toBe(5);
    nn.setNumThreads(100);
    expect(nn.getNumThreads()).toBe(16);
  });

  it('NN_NUM_THREADS=1 starts no workers', async () => {
    vi.stubEnv('NN_NUM_THREADS', '1');
    const { nn, threads } = await fresh();
    expect(nn.getNumThreads()).toBe(1);
    expect(await threads.whenThreadsReady()).toBe(0);
  });

  it('sizes the pool before it starts, then limits the workers a call uses; results stay bit-identical', async () => {
    const { nn, threads } = await fresh();
    nn.setNumThreads(3);
    expect(await threads.whenThreadsReady()).toBe(2);
    const [m, k, n] = [256, 192, 320];
    const a = nn.tensor(seededValues(m * k, 1), { shape: [m, k] });
    const b = nn.tensor(seededValues(k * n, 2), { shape: [k, n] });
    const run = (count: number) => {
      nn.setNumThreads(count);
      const before = threads.matmulStats.parallelCalls;
      const c = nn.matmul(a, b).dataSync();
      return { c, shared: threads.matmulStats.parallelCalls - before, threads: threads.matmulStats.threads };
    };
    const three = run(3);
    expect([three.shared, three.threads]).toEqual([1, 3]);
    const two = run(2);
    expect([two.shared, two.threads]).toEqual([1, 2]);
    const one = run(1);
    expect(one.shared).toBe(0);
    expect(two.c).toEqual(one.c);
    expect(three.c).toEqual(one.c);
    // The pool's size is fixed once it has started: asking for more gives its size.
    nn.setNumThreads(8);
    expect(nn.getNumThreads()).toBe(3);
    expect(run(8).threads).toBe(3);
  });
});
