/**
 * warmup(): a real training step (MLP with BatchNorm and Dropout, Adam) warmed up on WebGPU (Dawn on SwiftShader)
 * compiles every pipeline the step needs, changes nothing, and leaves the next step bit-identical. The layers,
 * autograd and optimizer are imported here (as the layers tests import @nn/optim) because the point is the whole step.
 */
import { backward } from '@nn/autograd';
import { Adam } from '@nn/optim';
import { BatchNorm1d, crossEntropy, Dropout, Linear, ReLU, Sequential } from '@nn/layers';
import { useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import type { WebGpuBackend } from './backends/webgpu/backend-webgpu.js';
import { defaultGenerator, engine, manualSeed, memory, randint, randn, tidy, warmup, type Tensor } from './index.js';

const gpu = () => engine.backendFor('test', 'webgpu') as WebGpuBackend;

function setup(seed = 0) {
  manualSeed(seed);
  const device = 'webgpu' as const;
  const model = new Sequential(
    new Linear(12, 16, { device }), new BatchNorm1d(16, { device }), new ReLU(), new Dropout(0.25), new Linear(16, 4, { device }),
  );
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const x = randn([8, 12], { device });
  const y = randint(0, 4, [8], { device });
  const step = () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = crossEntropy(model.call(x), y);
      backward(loss);
      opt.step();
      return loss;
    });
  return { model, opt, x, y, step };
}

/** Everything a step could change: tensor values (read back), grads, optimizer state, RNG, live tensors. */
async function snapshot({ model, opt }: ReturnType<typeof setup>) {
  const values = async (ts: readonly (Tensor | null)[]) => Promise.all(ts.map(async (t) => (t ? Array.from(await t.data()) : null)));
  const sd = opt.stateDict();
  const state = await Promise.all(
    Object.entries(sd.state).map(async ([k, s]) => [k, s.step, await values(Object.values(s).filter((v): v is Tensor => typeof v === 'object'))]),
  );
  for (const s of Object.values(sd.state)) for (const v of Object.values(s)) if (typeof v === 'object') (v as Tensor).dispose();
  return {
    model: await values(Object.values(model.stateDict({ keepVars: true }))),
    grads: await values(model.parameters().map((p) => p.grad)),
    state,
    rng: defaultGenerator.getState(),
    tensors: memory().numTensors,
  };
}

// First: the WebGPU suite below initialises the backend in its beforeAll.
describe('warmup without webgpu', () => {
  it('does not call the function and resolves with zeros when no WebGPU backend was initialised', async () => {
    expect(() => engine.backendFor('test', 'webgpu')).toThrow('not initialised');
    let called = false;
    expect(await warmup(() => (called = true))).toEqual({ pipelines: 0, cached: 0, ms: 0 });
    expect(called).toBe(false);
  });
});

describe('warmup on webgpu', () => {
  const requireWebGpu = useWebGpu();

  it('compiles every pipeline of a training step, changes nothing, and the next step compiles none and is bit-identical', async (ctx) => {
    requireWebGpu(ctx);
    const a = setup();
    const before = await snapshot(a);
    const stats0 = gpu().getStats();
    const r = await warmup(a.step, { restore: [a.model, a.opt] });
    expect(r.pipelines + r.cached).toBeGreaterThan(15);
    expect(gpu().getStats().pipelinesCompiled - stats0.pipelinesCompiled).toBe(r.pipelines);
    expect(gpu().getStats().dispatches).toBe(stats0.dispatches); // compiled, not run
    expect(r.ms).toBeGreaterThan(0);
    expect(await snapshot(a)).toEqual(before);
    expect(a.opt.state.size).toBe(0);

    const stats1 = gpu().getStats();
    const lossA = a.step();
    expect(gpu().getStats().pipelinesCompiled).toBe(stats1.pipelinesCompiled);
    const afterA = await snapshot(a);
    const lossAValue = Array.from(await lossA.data());

    // The same model, seed and step without a warm-up.
    const b = setup();
    const lossB = b.step();
    expect(Array.from(await lossB.data())).toEqual(lossAValue);
    const afterB = await snapshot(b);
    expect({ ...afterA, tensors: 0 }).toEqual({ ...afterB, tensors: 0 });

    // A second warm-up of the same step compiles nothing, and a warm-up mid-training (state, grads present) changes nothing.
    const mid = await snapshot(a);
    const r2 = await warmup(a.step, { restore: [a.model, a.opt] });
    expect(r2).toMatchObject({ pipelines: 0, cached: r.pipelines + r.cached });
    expect(await snapshot(a)).toEqual(mid);
    lossA.dispose(), lossB.dispose();
  });

  it('rejects a step that updates state it was not told to restore, naming the tensor (here BatchNorm\'s num_batches_tracked); the tensors are put back', async (ctx) => {
    requireWebGpu(ctx);
    const a = setup(1);
    const before = await snapshot(a);
    await expect(warmup(a.step, { restore: [a.opt] })).rejects.toThrow(
      /^warmup: the function wrote into a tensor that existed before it \(int32 \[\]\) and belongs to no object in options.restore/,
    );
    expect(await snapshot(a)).toEqual(before);
    // Inference only (no writes) needs nothing restored.
    a.model.eval();
    await expect(warmup(() => a.model.call(a.x))).resolves.toMatchObject({ pipelines: expect.any(Number) });
  });

  it('rejects with the cause when the function throws, and puts everything back', async (ctx) => {
    requireWebGpu(ctx);
    const a = setup(2);
    const before = await snapshot(a);
    const cause = new Error('boom');
    const failing = () => {
      a.step();
      throw cause;
    };
    const err = await warmup(failing, { restore: [a.model, a.opt] }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('warmup: the function threw: boom');
    expect((err as Error).cause).toBe(cause);
    expect(await snapshot(a)).toEqual(before);
    await expect(warmup(async () => a.step(), { restore: [a.model, a.opt] })).rejects.toThrow('warmup: fn must be synchronous');
    let read: Promise<unknown> | undefined;
    await warmup(() => void (read = a.x.data()));
    await expect(read).rejects.toThrow('data: tensors cannot be read inside warmup(): its kernels are compiled, not run');
    expect(await snapshot(a)).toEqual(before);
  });

  it('a shader that fails to compile rejects the warm-up naming its key; the backend recovers', async (ctx) => {
    requireWebGpu(ctx);
    const { x } = setup(3);
    const bad = {
      shaderKey: 'test:warmup-does-not-compile',
      workgroupSize: [1, 1, 1] as const,
      dispatch: [1, 1, 1] as const,
      uniforms: [2],
      getUserCode: () => '@compute @workgroup_size(1) fn main() { out[0] = undefined_name; }',
    };
    const run = () => gpu().runProgram(bad, [{ dataId: x.dataId, shape: x.shape, dtype: x.dtype }], [2], 'float32');
    await expect(warmup(run)).rejects.toThrow("shader 'test:warmup-does-not-compile");
    // As without a warm-up: the real launch fails again, reported by the next read.
    const out = run();
    await expect(gpu().read(out.dataId)).rejects.toThrow("shader 'test:warmup-does-not-compile");
    gpu().disposeData(out.dataId);
    expect(Array.from(await x.neg().data())).toEqual(Array.from(await x.data()).map((v) => -v));
  });

  it('validates its arguments', async () => {
    await expect(warmup(42 as never)).rejects.toThrow('warmup: fn must be a function, got number 42');
    await expect(warmup(() => {}, { restore: [{}] as never })).rejects.toThrow('warmup: options.restore[0] must have stateDict() and loadStateDict()');
    await expect(warmup(() => {}, { nope: 1 } as never)).rejects.toThrow("warmup: unknown option 'nope'");
  });
});
