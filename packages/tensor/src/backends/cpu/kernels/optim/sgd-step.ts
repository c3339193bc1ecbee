import { registerKernel } from '../../../../kernel-registry.js';
import type { SgdStepAttrs } from '../../../../kernels.js';
import type { CpuBackend } from '../../backend-cpu.js';
import { wasmSgdStep } from '../../wasm/optim-wasm.js';

const f = Math.fround;

/**
 * SgdStep (see kernels.ts): the whole update in one loop, rounded where the composite's kernels round, so the
 * result is the same bits. The same loop runs in WebAssembly SIMD (../../wasm/optim-wasm.ts) where available;
 * this one is the reference and fallback.
 */
registerKernel<CpuBackend>('cpu', 'SgdStep', ({ inputs, attrs, backend }) => {
  const a = attrs as SgdStepAttrs;
  const [p, g, buf] = inputs.map((t) => backend.values(t) as Float32Array) as [Float32Array, Float32Array, Float32Array?];
  const n = p.length;
  const shape = inputs[0]!.shape;
  // Every element of each output is written.
  const pOut = backend.alloc('float32', n, false) as Float32Array;
  const bOut = a.momentum !== 0 ? (backend.alloc('float32', n, false) as Float32Array) : null;
  const outs = bOut ? [pOut, bOut] : [pOut];
  if (!wasmSgdStep(buf ? [p, g, buf] : [p, g], outs, a)) {
    const wd = f(a.weightDecay), mom = f(a.momentum), omd = f(1 - a.dampening), negLr = f(-a.lr);
    for (let i = 0; i < n; i++) {
      const theta = p[i]!;
      let d = a.maximize ? -g[i]! : g[i]!;
      if (a.weightDecay !== 0) d = f(d + (a.weightDecay === 1 ? theta : f(theta * wd)));
      if (bOut) {
        const b = buf ? f(f(buf[i]! * mom) + (1 - a.dampening === 1 ? d : f(d * omd))) : d;
        bOut[i] = b;
        d = a.nesterov ? f(d + (a.momentum === 1 ? b : f(b * mom))) : b;
      }
      pOut[i] = f(theta + (-a.lr === 1 ? d : f(d * negLr)));
    }
  }
  return outs.map((values) => backend.make(values, shape, 'float32'));
});
