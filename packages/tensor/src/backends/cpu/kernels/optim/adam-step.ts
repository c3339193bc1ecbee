import { registerKernel } from '../../../../kernel-registry.js';
import type { AdamStepAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmAdamStep } from '../../wasm/optim-wasm.js';

const f = Math.fround;

/**
 * AdamStep (see kernels.ts): the whole update in one loop, every operation rounded to float32 exactly where the
 * composite's kernels round (each computes in float64 and rounds on store), so the result is the same bits. The
 * same loop runs in WebAssembly SIMD (../../wasm/optim-wasm.ts) where available; this one is the reference and
 * fallback.
 */
registerKernel<CpuBackend>('cpu', 'AdamStep', ({ inputs, attrs, backend }) => {
  const a = attrs as AdamStepAttrs;
  const [p, g, m, v, vmax] = inputs.map((t) => backend.values(t) as Float32Array) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array?];
  const n = p.length;
  // Every element of each output is written.
  const [pOut, mOut, vOut] = [0, 0, 0].map(() => backend.alloc('float32', n, false) as Float32Array) as [Float32Array, Float32Array, Float32Array];
  const vmaxOut = a.amsgrad ? (backend.alloc('float32', n, false) as Float32Array) : null;
  const shape = inputs[0]!.shape;
  const outs = [pOut, mOut, vOut, ...(vmaxOut ? [vmaxOut] : [])];
  if (wasmAdamStep([p, g, m, v, ...(vmax ? [vmax] : [])], outs, a)) return outs.map((values) => backend.make(values, shape, 'float32'));
  const beta1 = f(a.beta1), beta2 = f(a.beta2), eps = f(a.eps), wd = f(a.weightDecay), decay = f(a.decay);
  const oneMinusBeta1 = f(1 - a.beta1), oneMinusBeta2 = f(1 - a.beta2);
  const bc2 = f(a.biasCorrection2Sqrt), negStep = f(-a.stepSize);
  for (let i = 0; i < n; i++) {
    let theta = p[i]!;
    if (a.decay !== 1) theta = f(theta * decay);
    let d = a.maximize ? -g[i]! : g[i]!;
    if (a.weightDecay !== 0) d = f(d + (a.weightDecay === 1 ? theta : f(theta * wd)));
    const mi = f(f(m[i]! * beta1) + (1 - a.beta1 === 1 ? d : f(d * oneMinusBeta1)));
    const vi = f(f(v[i]! * beta2) + f((1 - a.beta2 === 1 ? d : f(d * oneMinusBeta2)) * d));
    let second = vi;
    if (vmaxOut) second = vmaxOut[i] = Math.max(vmax![i]!, vi);
    const denom = f(f(f(Math.sqrt(second)) / bc2) + eps);
    pOut[i] = f(theta + f((a.stepSize === -1 ? mi : f(negStep * mi)) / denom));
    mOut[i] = mi;
    vOut[i] = vi;
  }
  return outs.map((values) => backend.make(values, shape, 'float32'));
});
