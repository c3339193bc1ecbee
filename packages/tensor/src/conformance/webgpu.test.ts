/**
 * WebGPU-specific behaviour: storage (readback, bool as u32, memory accounting, the buffer pool and its safety
 * across unsubmitted work), command batching, the pipeline cache, error reporting, transfers, and kernels
 * checked element for element against the CPU reference backend on awkward values and shapes. Kernel
 * semantics shared by both backends live in the other conformance suites.
 *
 * Skipped (not failed) where WebGPU cannot be initialised, unless CI=true (`useWebGpu` of @nn/testing).
 */
import { describe, expect, it } from 'vitest';
import { expectClose, useWebGpu, seededValues } from '@nn/testing';
import type { WebGpuBackend } from '../backends/webgpu/backend-webgpu.js';
import { bucketSize } from '../backends/webgpu/buffer-pool.js';
import { engine, kernelNames, memory, tensor, tidy, type Tensor, type TypedArray } from '../index.js';
import { KERNELS } from '../kernels.js';

const requireWebGpu = useWebGpu();
let gpu: WebGpuBackend | undefined;

/** A test that needs the WebGPU device. */
function itGpu(name: string, fn: (backend: WebGpuBackend) => Promise<void>): void {
  it(name, async (ctx) => {
    requireWebGpu(ctx);
    await fn((gpu ??= engine.backendFor('test', 'webgpu') as WebGpuBackend));
  });
}

const onGpu = (data: TypedArray | number[], shape: number[], dtype?: 'float32' | 'int32' | 'bool') =>
  tensor(data as TypedArray, { shape, dtype, device: 'webgpu' });
const onCpu = (data: TypedArray | number[], shape: number[], dtype?: 'float32' | 'int32' | 'bool') =>
  tensor(data as TypedArray, { shape, dtype, device: 'cpu' });

/** Runs kernel `name` on the CPU and on WebGPU with the same inputs and attrs; returns both results. */
async function both(name: string, inputs: { data: TypedArray; shape: number[] }[], attrs: Record<string, unknown> = {}) {
  return tidy(async () => {
    const cpu = engine.runKernel(name, inputs.map((x) => onCpu(x.data, x.shape, dtypeOf(x.data))), attrs);
    const gpuOut = engine.runKernel(name, inputs.map((x) => onGpu(x.data, x.shape, dtypeOf(x.data))), attrs);
    expect(gpuOut.shape).toEqual(cpu.shape);
    expect(gpuOut.dtype).toBe(cpu.dtype);
    return { cpu: await cpu.data(), gpu: await gpuOut.data() };
  });
}
/**
 * WGSL lets a device flush subnormal results of arithmetic to zero (SwiftShader does): where the CPU's result is
 * subnormal, a GPU zero counts as that value.
 */
function flushSubnormals(gpuValues: ArrayLike<number>, cpuValues: ArrayLike<number>): number[] {
  return Array.from(gpuValues, (v, i) => {
    const e = cpuValues[i]!;
    return v === 0 && e !== 0 && Math.abs(e) < 2 ** -126 ? e : v;
  });
}

const dtypeOf = (a: TypedArray) => (a instanceof Float32Array ? 'float32' : a instanceof Int32Array ? 'int32' : 'bool');

describe('webgpu backend: storage and readback', () => {
  itGpu('implements every kernel of the primitive set', async () => {
    const have = new Set(kernelNames('webgpu'));
    expect(KERNELS.filter((k) => !have.has(k))).toEqual([]);
  });

  itGpu('reads back every dtype; bool is stored as u32 but read as Uint8Array', async () => {
    const f = onGpu([1.5, -2, NaN, Infinity], [2, 2]);
    const i = onGpu([-2147483648, 0, 7], [3], 'int32');
    const b = onGpu([1, 0, 1], [3], 'bool');
    const fv = await f.data();
    expect(fv).toBeInstanceOf(Float32Array);
    expect(Array.from(fv)).toEqual([1.5, -2, NaN, Infinity]);
    expect(await i.data()).toEqual(new Int32Array([-2147483648, 0, 7]));
    const bv = await b.data();
    expect(bv).toBeInstanceOf(Uint8Array);
    expect(Array.from(bv)).toEqual([1, 0, 1]);
    expect(await b.array()).toEqual([true, false, true]);
    expect(await f.array()).toEqual([[1.5, -2], [NaN, Infinity]]);
    // 4 bytes per element on the GPU, bool included, bucketed.
    expect(gpu!.byteSize(b.dataId)).toBe(bucketSize(12));
    expect(await onGpu([], [0, 3]).data()).toEqual(new Float32Array(0));
    engine.dispose(f), engine.dispose(i), engine.dispose(b);
  });

  itGpu('dataSync, item and arraySync throw, naming the asynchronous forms', async () => {
    const x = onGpu([3], []);
    const expected = "dataSync: tensor is on 'webgpu', whose data can only be read asynchronously; use `await t.data()`";
    expect(() => x.dataSync()).toThrow(expected);
    expect(() => x.item()).toThrow(expected);
    expect(() => x.arraySync()).toThrow('`await t.array()`');
    expect(() => x.to('cpu')).toThrow("`await t.toAsync('cpu')`");
    expect((await x.data())[0]).toBe(3);
    x.dispose();
  });

  itGpu('moves tensors: to(webgpu) uploads from the CPU, toAsync(cpu) reads back', async () => {
    const c = onCpu([1, 2, 3, 4], [2, 2], 'int32');
    const g = c.to('webgpu');
    expect(g.device).toBe('webgpu');
    expect(g.dtype).toBe('int32');
    const doubled = engine.runKernel('Add', [g, g]);
    const back = await doubled.toAsync('cpu');
    expect(back.device).toBe('cpu');
    expect(back.arraySync()).toEqual([[2, 4], [6, 8]]);
    expect(await tensor([true, false], { device: 'cpu' }).to('webgpu').array()).toEqual([true, false]);
    for (const t of [c, g, doubled, back]) t.dispose();
  });

  itGpu('memory() counts the GPU bytes and returns to its baseline after dispose', async () => {
    const before = memory().backends.webgpu!;
    const a = onGpu(seededValues(1000, 1), [10, 100]);
    const b = engine.runKernel('Exp', [a]);
    const c = engine.runKernel('Reshape', [b], { shape: [1000] });
    const during = memory().backends.webgpu!;
    expect(during.numTensors).toBe(before.numTensors + 3);
    expect(during.numDataBuffers).toBe(before.numDataBuffers + 2);
    expect(during.numBytes).toBe(before.numBytes + 2 * bucketSize(4000));
    await c.data();
    for (const t of [a, b, c]) t.dispose();
    const after = memory().backends.webgpu!;
    expect(after).toEqual(before);
  });
});

describe('webgpu backend: buffer pool, batching and pipeline cache', () => {
  itGpu('a disposed buffer is reused for the next allocation of its size bucket', async (backend) => {
    const a = onGpu(seededValues(300, 2), [300]);
    await a.data(); // nothing left unsubmitted, so the buffer is reusable at once
    const buffer = (a.dataId as { buffer: GPUBuffer }).buffer;
    a.dispose();
    const { created, reused } = backend.getStats().pool;
    const b = onGpu(seededValues(290, 3), [290]); // same bucket as 300 elements
    expect((b.dataId as { buffer: GPUBuffer }).buffer).toBe(buffer);
    expect(backend.getStats().pool.reused).toBe(reused + 1);
    expect(backend.getStats().pool.created).toBe(created);
    expect(Array.from(await b.data())).toEqual(Array.from(seededValues(290, 3)));
    b.dispose();
  });

  itGpu('a buffer freed while queued work still reads it is not overwritten before that work runs', async () => {
    const a = onGpu([1, 2, 3, 4], [4]);
    const sum = engine.runKernel('Add', [a, a]); // recorded, not yet submitted
    a.dispose();
    // Same size: if a's buffer were handed out now, this upload would land before the Add runs.
    const b = onGpu([100, 100, 100, 100], [4]);
    expect(Array.from(await sum.data())).toEqual([2, 4, 6, 8]);
    expect(Array.from(await b.data())).toEqual([100, 100, 100, 100]);
    sum.dispose(), b.dispose();
  });

  itGpu('kernels are batched into one submit per read or per maxDispatchesPerSubmit dispatches', async (backend) => {
    const x = onGpu([0.5], [1]);
    await x.data();
    let y = x;
    const s0 = backend.getStats();
    const made: Tensor[] = [];
    for (let i = 0; i < 10; i++) made.push((y = engine.runKernel('Add', [y, x])));
    expect(backend.getStats().submits).toBe(s0.submits); // nothing submitted until the read
    expect((await y.data())[0]).toBe(5.5);
    expect(backend.getStats().submits).toBe(s0.submits + 1);
    expect(backend.getStats().dispatches).toBe(s0.dispatches + 10);
    const s1 = backend.getStats();
    for (let i = 0; i < backend.maxDispatchesPerSubmit; i++) made.push((y = engine.runKernel('Add', [y, x])));
    expect(backend.getStats().submits).toBe(s1.submits + 1);
    expect((await y.data())[0]).toBe(5.5 + 0.5 * backend.maxDispatchesPerSubmit);
    for (const t of [x, ...made]) t.dispose();
  });

  itGpu('a pipeline is compiled once per shader key; new shapes of the same kind reuse it', async (backend) => {
    const run = async (shape: number[]) => {
      const a = onGpu(seededValues(shape.reduce((p, q) => p * q, 1), 4), shape);
      const out = engine.runKernel('Sigmoid', [a]);
      await out.data();
      a.dispose(), out.dispose();
    };
    await run([7]);
    const s0 = backend.getStats();
    await run([7]);
    await run([1000]); // same program, different size: a uniform, not a recompile
    const s1 = backend.getStats();
    expect(s1.pipelinesCompiled).toBe(s0.pipelinesCompiled);
    expect(s1.pipelineCacheHits).toBe(s0.pipelineCacheHits + 2);
    // A different broadcast pattern is a different program.
    const a = onGpu(seededValues(6, 5), [2, 3]);
    const b = onGpu(seededValues(3, 6), [3]);
    const c = engine.runKernel('Mul', [a, b]);
    const d = engine.runKernel('Mul', [b, a]);
    await d.data();
    expect(backend.getStats().pipelinesCompiled).toBeGreaterThanOrEqual(s1.pipelinesCompiled + 1);
    const s2 = backend.getStats();
    const [p, q] = [onGpu(seededValues(20, 7), [4, 5]), onGpu(seededValues(5, 8), [5])];
    const e = engine.runKernel('Mul', [p, q]);
    await e.data();
    expect(backend.getStats().pipelinesCompiled).toBe(s2.pipelinesCompiled);
    for (const t of [a, b, c, d, e, p, q]) t.dispose();
  });

  itGpu('a shader that fails to compile is reported by the next read, naming its key; the backend recovers', async (backend) => {
    const x = onGpu([1, 2], [2]);
    const bad = {
      shaderKey: 'test:does-not-compile',
      workgroupSize: [1, 1, 1] as const,
      dispatch: [1, 1, 1] as const,
      uniforms: [2],
      getUserCode: () => '@compute @workgroup_size(1) fn main() { out[0] = undefined_name; }',
    };
    const out = backend.runProgram(bad, [{ dataId: x.dataId, shape: x.shape, dtype: x.dtype }], [2], 'float32');
    await expect(backend.read(out.dataId)).rejects.toThrow("shader 'test:does-not-compile");
    backend.disposeData(out.dataId);
    const y = engine.runKernel('Neg', [x]);
    expect(Array.from(await y.data())).toEqual([-1, -2]);
    x.dispose(), y.dispose();
  });
});

describe('webgpu backend: device errors', () => {
  itGpu('an uncaptured device error is reported by the next read, once', async (backend) => {
    const x = onGpu([1, 2], [2]);
    // Dawn prints an uncaptured error unless a listener cancels it; this one is provoked on purpose.
    const quiet = (ev: Event) => ev.preventDefault();
    backend.device.addEventListener('uncapturederror', quiet);
    backend.device.createBuffer({ size: 4, usage: 0x1 | 0x80 }); // MAP_READ | STORAGE: invalid
    await expect(x.data()).rejects.toThrow('data: an earlier WebGPU command failed: Buffer usages');
    backend.device.removeEventListener('uncapturederror', quiet);
    expect(Array.from(await x.data())).toEqual([1, 2]);
    x.dispose();
  });
});

describe('webgpu kernels against the CPU reference', () => {
  /** Awkward float32 values: signed zeros, infinities, NaN, tiny, huge, around integers and 1. */
  const special = new Float32Array([
    0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1e-30, -1e-30, 1e30, -1e30, Infinity, -Infinity, NaN, 0.1, -7.25, 1 + 2 ** -20,
    89, -89, 100, -104, 1e-4, 45.5, 16777217, 31, -31, 2e-38,
  ]);

  itGpu('every unary kernel matches the CPU on awkward values, NaN/Inf included', async () => {
    const wide = seededValues(200, 9, -20, 20);
    const x = new Float32Array([...special, ...wide]);
    for (const name of ['Neg', 'Abs', 'Sign', 'Exp', 'Log', 'Sqrt', 'Rsqrt', 'Sin', 'Cos', 'Tanh', 'Sigmoid', 'Relu', 'Erf', 'Square', 'Reciprocal']) {
      const { cpu, gpu: g } = await both(name, [{ data: x, shape: [x.length] }]);
      // Sin/Cos of 1e30 are meaningless in float32 (argument reduction); compare them where |x| < 1e4.
      const keep = (v: ArrayLike<number>) => Array.from(v).filter((_, i) => !['Sin', 'Cos'].includes(name) || Math.abs(x[i]!) < 1e4);
      try {
        expectClose(keep(g), keep(cpu), { atol: 1e-7, rtol: 4e-6 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    const { cpu: lc, gpu: lg } = await both('LeakyRelu', [{ data: x, shape: [x.length] }], { negativeSlope: 0.2 });
    expectClose(lg, lc);
    for (const approximate of ['none', 'tanh']) {
      const { cpu, gpu: g } = await both('Gelu', [{ data: x, shape: [x.length] }], { approximate });
      expectClose(g, cpu, { atol: 1e-6, rtol: 4e-6 });
    }
  });

  // On the CPU an int32 result outside int32 is an error; a GPU kernel cannot raise one, so there it wraps (as
  // PyTorch's kernels do): compare on values whose results fit.
  itGpu('int32 unary kernels match the CPU', async () => {
    const x = new Int32Array([0, 1, -1, 46340, -46340, 2147483647, -2147483647, 12345]);
    for (const name of ['Neg', 'Abs', 'Sign', 'Square', 'Relu']) {
      const data = name === 'Square' ? x.filter((v) => Math.abs(v) <= 46340) : x;
      const { cpu, gpu: g } = await both(name, [{ data, shape: [data.length] }]);
      expect(Array.from(g), name).toEqual(Array.from(cpu));
    }
  });

  itGpu('binary kernels match the CPU on every pair of awkward values (float32, int32, bool)', async () => {
    const n = special.length;
    // All pairs by broadcasting [n,1] against [n].
    for (const name of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum', 'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual']) {
      const { cpu, gpu: g } = await both(name, [{ data: special, shape: [n, 1] }, { data: special, shape: [n] }]);
      try {
        // Non-integer powers are exp2(b·log2 a) in float32: relative error grows with |b·log2 a| (≤ 1e-5 at 2^±127).
        expectClose(flushSubnormals(g, cpu), cpu, { atol: 0, rtol: name === 'Pow' ? 1e-5 : 2e-6 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    const ints = new Int32Array([0, 1, -1, 2, -2, 3, 7, -7, 31, 100000, -2147483648, 2147483647]);
    // Pairs whose int32 result fits (the CPU reports the others as errors; see the unary test above).
    const fitting = { Add: ints.slice(0, 10), Sub: ints.slice(0, 10), Mul: ints.slice(0, 9), Pow: ints.slice(0, 8) } as Record<string, Int32Array>;
    for (const name of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Maximum', 'Minimum', 'Equal', 'Less', 'GreaterEqual']) {
      const v = fitting[name] ?? ints;
      const { cpu, gpu: g } = await both(name, [{ data: v, shape: [v.length, 1] }, { data: v, shape: [v.length] }]);
      expect(Array.from(g), name).toEqual(Array.from(cpu));
    }
    const bools = new Uint8Array([0, 1]);
    for (const name of ['Add', 'Mul', 'Maximum', 'Minimum', 'Equal', 'NotEqual', 'Less']) {
      const { cpu, gpu: g } = await both(name, [{ data: bools, shape: [2, 1] }, { data: bools, shape: [2] }]);
      expect(Array.from(g), name).toEqual(Array.from(cpu));
    }
  });

  itGpu('Pow follows PyTorch for negative bases, zero, one and infinite exponents', async () => {
    const a = new Float32Array([-2, -2, -2, -8, 0, 0, -0, NaN, 1, -1, -1, 2, 0.5, -2, 10]);
    const b = new Float32Array([3, 2, -1, 1 / 3, 0, -1, -1, 0, NaN, Infinity, -Infinity, Infinity, Infinity, -Infinity, 8]);
    const { gpu: g } = await both('Pow', [{ data: a, shape: [a.length] }, { data: b, shape: [b.length] }]);
    expectClose(g, [-8, 4, -0.5, NaN, 1, Infinity, -Infinity, 1, 1, 1, 1, Infinity, 0, 0, 1e8]);
    expect(g[6]).toBe(-Infinity);
  });

  itGpu('a large broadcast (more than 65535 workgroups of 64) matches the CPU', async () => {
    // 4.2M outputs need a 2-D grid; [m,1,k] + [1,n,k] also exercises the strided index decode.
    const [m, n, k] = [1030, 64, 64];
    const { cpu, gpu: g } = await both('Sub', [{ data: seededValues(m * k, 10), shape: [m, 1, k] }, { data: seededValues(n * k, 11), shape: [1, n, k] }]);
    expect(g.length).toBe(m * n * k);
    expectClose(g, cpu, { atol: 0, rtol: 0 });
  });

  itGpu('Where, Cast and Clone match the CPU', async () => {
    const cond = new Uint8Array([1, 0, 0, 1, 1, 0]);
    const { cpu, gpu: g } = await both('Where', [{ data: cond, shape: [2, 3] }, { data: seededValues(3, 12), shape: [3] }, { data: seededValues(2, 13), shape: [2, 1] }]);
    expect(Array.from(g)).toEqual(Array.from(cpu));
    const wide = new Float32Array([0, -0, 0.9, -0.9, 2.5, -2.5, NaN, Infinity, -Infinity, 3e9, -3e9, 2147483648, -2147483648, 1e20]);
    for (const dtype of ['int32', 'bool', 'float32']) {
      // To int32 only the values that fit (the CPU refuses NaN, ±inf and the rest).
      const data = dtype === 'int32' ? new Float32Array([0, -0, 0.9, -0.9, 2.5, -2.5, 2147483520, -2147483648]) : wide;
      const r = await both('Cast', [{ data, shape: [data.length] }], { dtype });
      expect(Array.from(r.gpu), `float32 → ${dtype}`).toEqual(Array.from(r.cpu));
    }
    const ints = new Int32Array([0, -5, 16777217, 2147483647]);
    for (const dtype of ['float32', 'bool']) {
      const r = await both('Cast', [{ data: ints, shape: [4] }], { dtype });
      expect(Array.from(r.gpu), `int32 → ${dtype}`).toEqual(Array.from(r.cpu));
    }
    const r = await both('Cast', [{ data: new Uint8Array([1, 0]), shape: [2] }], { dtype: 'float32' });
    expect(Array.from(r.gpu)).toEqual([1, 0]);
    const c = await both('Clone', [{ data: new Int32Array([4, 5, 6]), shape: [3] }]);
    expect(Array.from(c.gpu)).toEqual([4, 5, 6]);
  });

  // Transposed operands are covered by the shared matmul suite; each variant is a separate (slow, on SwiftShader) compile.
  itGpu('MatMul with odd sizes 33×17 @ 17×65, and an aligned broadcast batch, matches the CPU', async () => {
    const a = seededValues(33 * 17, 20);
    const b = seededValues(17 * 65, 21);
    const plain = await both('MatMul', [{ data: a, shape: [33, 17] }, { data: b, shape: [17, 65] }], { transposeA: false, transposeB: false });
    expect(plain.gpu.length).toBe(33 * 65);
    expectClose(plain.gpu, plain.cpu, { atol: 1e-5, rtol: 1e-5 });
    // Aligned fast path (64×64 tiles, K a multiple of 16) with a broadcast batch.
    const batched = await both('MatMul', [{ data: seededValues(2 * 64 * 32, 22), shape: [2, 1, 64, 32] }, { data: seededValues(3 * 32 * 128, 23), shape: [3, 32, 128] }], { transposeA: false, transposeB: false });
    expectClose(batched.gpu, batched.cpu, { atol: 1e-5, rtol: 1e-5 });
    const empty = await both('MatMul', [{ data: new Float32Array(0), shape: [3, 0] }, { data: new Float32Array(0), shape: [0, 2] }], { transposeA: false, transposeB: false });
    expect(Array.from(empty.gpu)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  itGpu('Sum over a middle dim with keepdim, over several dims, and long rows (workgroup tree) match the CPU', async () => {
    const x = seededValues(3 * 40 * 5, 30);
    const mid = await both('Sum', [{ data: x, shape: [3, 40, 5] }], { dims: [1], keepdim: true });
    expectClose(mid.gpu, mid.cpu, { atol: 1e-5, rtol: 1e-5 });
    const outer = await both('Sum', [{ data: x, shape: [3, 40, 5] }], { dims: [0, 2], keepdim: false });
    expectClose(outer.gpu, outer.cpu, { atol: 1e-5, rtol: 1e-5 });
    const short = await both('Sum', [{ data: x, shape: [3, 40, 5] }], { dims: [2], keepdim: false });
    expectClose(short.gpu, short.cpu, { atol: 1e-5, rtol: 1e-5 });
    const all = await both('Sum', [{ data: seededValues(5000, 31), shape: [5000] }], { dims: [0], keepdim: false });
    expectClose(all.gpu, all.cpu, { atol: 1e-4, rtol: 1e-5 });
    const ints = await both('Sum', [{ data: new Int32Array([2147483640, 1, 5, 7]), shape: [2, 2] }], { dims: [0], keepdim: false });
    expect(Array.from(ints.gpu)).toEqual(Array.from(ints.cpu));
    const bools = await both('Sum', [{ data: new Uint8Array(100).fill(1), shape: [100] }], { dims: [0], keepdim: false });
    expect(Array.from(bools.gpu)).toEqual([100]);
    for (const name of ['Max', 'Min']) {
      const r = await both(name, [{ data: new Float32Array([1, NaN, 3, -2, 5, 0]), shape: [2, 3] }], { dims: [1], keepdim: false });
      expectClose(r.gpu, r.cpu);
      const long = await both(name, [{ data: x, shape: [3, 200] }], { dims: [1], keepdim: true });
      expect(Array.from(long.gpu)).toEqual(Array.from(long.cpu));
    }
    for (const name of ['ArgMax', 'ArgMin']) {
      const ties = new Float32Array(300).fill(1);
      ties[77] = name === 'ArgMax' ? 2 : 0;
      ties[200] = ties[77]!;
      const r = await both(name, [{ data: ties, shape: [3, 100] }], { dim: null, keepdim: false });
      expect(Array.from(r.gpu)).toEqual([77]);
      const cols = await both(name, [{ data: x, shape: [3, 40, 5] }], { dim: 1, keepdim: false });
      expect(Array.from(cols.gpu)).toEqual(Array.from(cols.cpu));
    }
  });

  itGpu('movement and indexing kernels match the CPU', async () => {
    const x = seededValues(2 * 3 * 4, 40);
    const cases: [string, { data: TypedArray; shape: number[] }[], Record<string, unknown>][] = [
      ['Transpose', [{ data: x, shape: [2, 3, 4] }], { perm: [2, 0, 1] }],
      ['Slice', [{ data: x, shape: [2, 3, 4] }], { begin: [1, 1, 0], size: [1, 2, 3] }],
      ['Pad', [{ data: x, shape: [2, 3, 4] }], { pad: [[0, 1], [2, 0], [1, 1]], value: -1.5 }],
      ['Concat', [{ data: x, shape: [2, 3, 4] }, { data: seededValues(2 * 2 * 4, 41), shape: [2, 2, 4] }], { dim: 1 }],
      ['Expand', [{ data: seededValues(3, 42), shape: [3, 1] }], { shape: [2, 3, 5] }],
      ['Gather', [{ data: x, shape: [2, 3, 4] }, { data: new Int32Array([2, 0, 1, 1, 0, 2]), shape: [2, 1, 3] }], { dim: 1 }],
      ['ScatterAdd', [{ data: x, shape: [2, 3, 4] }, { data: new Int32Array([2, 0, 2, 1, 0, 0]), shape: [2, 3, 1] }, { data: seededValues(6, 43), shape: [2, 3, 1] }], { dim: 1 }],
    ];
    for (const [name, inputs, attrs] of cases) {
      const { cpu, gpu: g } = await both(name, inputs, attrs);
      expect(Array.from(g), name).toEqual(Array.from(cpu));
    }
  });
});

// Last: disposing the backend makes it unusable for the rest of this file.
describe('webgpu backend: dispose', () => {
  itGpu('dispose() destroys the device; later use fails naming it', async (backend) => {
    const x = onGpu([1], [1]);
    backend.dispose();
    await expect(x.data()).rejects.toThrow('data: the webgpu backend has been disposed');
    expect(() => onGpu([1], [1])).toThrow('write: the webgpu backend has been disposed');
  });
});
