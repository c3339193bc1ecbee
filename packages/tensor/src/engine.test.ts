import { describe, expect, it } from 'vitest';
import { disposeBackend, getBackend, keep, memory, ones, setBackend, tensor, tidy, zeros, type Tensor } from '@nn/tensor';
import { collectGarbage } from '@nn/testing';

describe('engine', () => {
  it('rejects unknown backends with the registered names', async () => {
    await expect(setBackend('tpu' as never)).rejects.toThrow("setBackend: unknown backend 'tpu' (registered: cpu, webgpu)");
    expect(getBackend()).toBe('cpu');
  });

  it('refuses to dispose a backend that still holds tensors', () => {
    const t = zeros([2]);
    expect(() => disposeBackend('cpu')).toThrow(/disposeBackend: backend 'cpu' still holds \d+ live tensors/);
    t.dispose();
  });

  it('counts bytes per backend and frees shared storage once', () => {
    const base = memory();
    const a = zeros([4, 4]);
    const view = a.reshape(16);
    const det = a.detach();
    const m = memory();
    expect(m.numTensors - base.numTensors).toBe(3);
    expect(m.numDataBuffers - base.numDataBuffers).toBe(1);
    expect(m.numBytes - base.numBytes).toBe(64);
    a.dispose();
    view.dispose();
    expect(memory().numDataBuffers - base.numDataBuffers).toBe(1);
    expect(det.dataSync()).toHaveLength(16);
    det.dispose();
    expect(memory().numBytes).toBe(base.numBytes);
  });

  it('assign updates in place, keeping identity, and checks shape and dtype', () => {
    const p = zeros([3]);
    const before = memory().numDataBuffers;
    tidy(() => p.assign(p.add(ones([3])).mul(2)));
    expect(p.arraySync()).toEqual([2, 2, 2]);
    expect(memory().numDataBuffers).toBe(before);
    expect(() => p.assign(zeros([2]))).toThrow('assign: shape [2] does not match the target\'s shape [3]');
    expect(() => p.assign(zeros([3], { dtype: 'int32' }))).toThrow('assign: dtype int32 does not match the target\'s dtype float32');
    p.dispose();
  });

  it('tidy waits for an async function and frees on rejection', async () => {
    const before = memory().numTensors;
    const r = await tidy(async () => {
      zeros([1]);
      await Promise.resolve();
      return ones([1]);
    });
    expect(memory().numTensors).toBe(before + 1);
    r.dispose();
    await expect(tidy(async () => {
      zeros([1]);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(memory().numTensors).toBe(before);
  });

  it('`using` disposes at the end of the block', () => {
    const before = memory().numTensors;
    let escaped: Tensor;
    {
      using t = tensor([1, 2]);
      escaped = t;
      expect(memory().numTensors).toBe(before + 1);
    }
    expect(escaped.isDisposed).toBe(true);
    expect(memory().numTensors).toBe(before);
  });

  it('names disposed inputs in op errors', () => {
    const a = zeros([2]);
    a.dispose();
    expect(() => a.add(1)).toThrow(/add: .*has been disposed/);
    expect(() => a.item()).toThrow('item: tensor (shape [2], float32) has been disposed');
  });
});

describe('finalization safety net', () => {
  const collect = collectGarbage;

  it('frees the storage an assigned tensor holds now, not the one it was created with', async () => {
    await collect(); // earlier tests' garbage goes first, so only this test's tensors change the counts
    const base = memory();
    const src = ones([1000]);
    (() => {
      const t = zeros([1000]);
      t.assign(src); // t now shares src's storage; zeros' storage is freed
    })();
    // t was never disposed: only the safety net can release its reference to src's storage.
    await collect();
    expect(memory().numTensors).toBe(base.numTensors + 1);
    expect(src.dataSync()[0]).toBe(1);
    src.dispose();
    expect(memory().numBytes).toBe(base.numBytes);
  });

  it('covers tensors that leave every scope (returned from tidy, kept, retained) and are then dropped', async () => {
    await collect();
    const base = memory();
    (() => {
      const [inner, sum] = tidy(() => {
        keep(zeros([10]));
        const x = tidy(() => ones([4])); // moves to the outer scope; registered once it leaves that one too
        zeros([5]); // disposed by the tidy
        return [x, x.add(1)];
      });
      expect(memory().numTensors).toBe(base.numTensors + 3); // the kept one, inner and sum
      expect(Array.from(inner!.dataSync())).toEqual([1, 1, 1, 1]);
      sum!.dispose();
    })();
    await collect(); // the kept tensor and `inner` were never disposed: the safety net frees them
    expect(memory().numTensors).toBe(base.numTensors);
    expect(memory().numBytes).toBe(base.numBytes);
  });
});
