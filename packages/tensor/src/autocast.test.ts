import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  add, autocast, exp, getAutocastDtype, isAutocastEnabled, log, logSoftmax, logsumexp, matmul, mean, memory, pow, relu, rsqrt,
  softmax, sum, tanh, tensor, tidy, engine, type Tensor,
} from './index.js';

const f32 = (shape: number[]) => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7) / 7 + 0.1), { shape });
const f16 = (shape: number[]) => f32(shape).half();

describe('autocast', () => {
  afterEach(() => expect(isAutocastEnabled()).toBe(false));

  // PyTorch's CUDA float16 lists (torch.amp "Autocast Op Reference"): matmul on the lower-precision list; exp,
  // log, pow, rsqrt, sum, softmax, log_softmax on the float32 list; everything else in its inputs' promoted dtype.
  const cases: [string, () => Tensor, string][] = [
    ['matmul(f32, f32)', () => matmul(f32([2, 3]), f32([3, 4])), 'float16'],
    ['matmul(f16, f32)', () => matmul(f16([2, 3]), f32([3, 4])), 'float16'],
    ['exp(f16)', () => exp(f16([3])), 'float32'],
    ['log(f16)', () => log(f16([3])), 'float32'],
    ['rsqrt(f16)', () => rsqrt(f16([3])), 'float32'],
    ['pow(f16, 2)', () => pow(f16([3]), 2), 'float32'],
    ['sum(f16)', () => sum(f16([2, 3]), 1), 'float32'],
    ['softmax(f16)', () => softmax(f16([2, 3]), 1), 'float32'],
    ['logSoftmax(f16)', () => logSoftmax(f16([2, 3]), 1), 'float32'],
    ['logsumexp(f16)', () => logsumexp(f16([2, 3]), 1), 'float32'],
    ['relu(f16)', () => relu(f16([3])), 'float16'],
    ['tanh(f16)', () => tanh(f16([3])), 'float16'],
    ['mean(f16)', () => mean(f16([2, 3])), 'float16'],
    ['add(f16, f16)', () => add(f16([3]), f16([3])), 'float16'],
    ['add(f16, f32)', () => add(f16([3]), f32([3])), 'float32'],
    ['relu(f32)', () => relu(f32([3])), 'float32'],
  ];
  it.each(cases)('%s → %s', (_name, op, dtype) => {
    expect(autocast(op).dtype).toBe(dtype);
  });

  it('leaves ops alone outside the scope, and when disabled inside it', () => {
    expect(matmul(f32([2, 3]), f32([3, 4])).dtype).toBe('float32');
    expect(exp(f16([3])).dtype).toBe('float16');
    autocast(() => {
      expect([isAutocastEnabled(), getAutocastDtype()]).toEqual([true, 'float16']);
      const inner = autocast(() => matmul(f32([2, 3]), f32([3, 4])), { enabled: false });
      expect(inner.dtype).toBe('float32');
      expect(isAutocastEnabled()).toBe(true);
    });
    expect(autocast({ dtype: 'float16' }, () => matmul(f32([1, 2]), f32([2, 1])).dtype)).toBe('float16');
  });

  it("PyTorch's form autocast(deviceType, fn) applies to that device's ops only", () => {
    expect(autocast('cpu', () => matmul(f32([2, 3]), f32([3, 4]))).dtype).toBe('float16');
    expect(autocast('webgpu', () => matmul(f32([2, 3]), f32([3, 4]))).dtype).toBe('float32');
    expect(autocast('cpu', () => [isAutocastEnabled('cpu'), isAutocastEnabled('webgpu'), isAutocastEnabled()])).toEqual([true, false, true]);
    expect(autocast('cpu', () => matmul(f32([1, 2]), f32([2, 1])), { enabled: false }).dtype).toBe('float32');
    expect(() => autocast('cuda' as 'cpu', () => 1)).toThrow("autocast: deviceType must be 'cpu' or 'webgpu', got cuda");
  });

  it('matmul in float16 is the float32 product of the halves, rounded once', () => {
    const a = tensor([[1.0001, 2.3], [0.1, -4]]);
    const b = tensor([[3.3, 0.7], [1.9, 5]]);
    const y = autocast(() => matmul(a, b));
    const exact = matmul(a.half().float(), b.half().float()).half();
    expect(Array.from(y.dataSync())).toEqual(Array.from(exact.dataSync()));
  });

  it('restores the mode after a throw, and keeps it until an async fn settles', async () => {
    expect(() => autocast(() => { throw new Error('boom'); })).toThrow('boom');
    let seen = false;
    const p = autocast(async () => {
      await Promise.resolve();
      seen = isAutocastEnabled();
    });
    expect(isAutocastEnabled()).toBe(true);
    await p;
    expect(seen).toBe(true);
  });

  it('validates its arguments', () => {
    expect(() => autocast(() => 1, { dtype: 'bfloat16' as 'float16' })).toThrow("autocast: dtype must be 'float16', got bfloat16 (bfloat16 is not supported)");
    expect(() => autocast(() => 1, { enabeld: true } as never)).toThrow("autocast: unknown option 'enabeld' (expected enabled, dtype)");
    expect(() => autocast(42 as never)).toThrow('autocast: fn must be a function, got undefined');
  });

  it('frees its casts: no tensor outlives the ops but their results', () => {
    const a = f32([4, 4]);
    const before = memory().numTensors;
    const y = tidy(() => autocast(() => softmax(matmul(a, a), 1)));
    expect(memory().numTensors).toBe(before + 1);
    expect(y.dtype).toBe('float32');
    y.dispose();
  });
});

describe('float16 on WebGPU without shader-f16', () => {
  it('says once that it computes in float32', async (ctx) => {
    const { backendUnavailable } = await import('@nn/testing');
    if ((await backendUnavailable('webgpu')) !== null) return ctx.skip();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // This file's first float16 on WebGPU (each test file has its own backend).
    const x = tensor([1, 2], { device: 'webgpu', dtype: 'float16' });
    const y = add(x, add(x, x));
    expect(Array.from(await y.data())).toEqual([3, 6]);
    const calls = warn.mock.calls.filter(([m]) => String(m).includes('shader-f16'));
    warn.mockRestore();
    const { hasShaderF16 } = engine.backendFor('test', 'webgpu') as unknown as { hasShaderF16: boolean };
    expect(calls.length).toBe(hasShaderF16 ? 0 : 1);
    if (!hasShaderF16) expect(String(calls[0]![0])).toContain("no 'shader-f16' feature, so float16 falls back to float32 arithmetic");
  });
});
