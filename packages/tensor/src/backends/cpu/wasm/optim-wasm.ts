/**
 * The fused optimizer update of `assembly/optim.ts` (compiled at build time into `optim-wasm.generated.ts`):
 * AdamStep in WebAssembly SIMD, bit for bit the TypeScript kernel's result. The operands stream through linear
 * memory a block at a time (copy in, update, copy out). Returns false, doing nothing, where the module is
 * unavailable (no WebAssembly SIMD, `NN_WASM=0`, or still compiling in a browser).
 */
import type { AdamStepAttrs } from '../../../kernels.js';
import { lazyWasmInstance, reserveMemory } from './load.js';
import { OPTIM_WASM_BASE64 } from './optim-wasm.generated.js';

interface OptimExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  adamStep(
    p: number, g: number, m: number, v: number, vmax: number, po: number, mo: number, vo: number, vmaxo: number, n: number,
    b1: number, b2: number, omb1: number, omb2: number, negStep: number, bc2: number, eps: number, wd: number, decay: number, flags: number,
  ): void;
}

/** Floats per operand block: nine blocks of 32 KiB (five in, four out) stay in L2. */
const BLOCK = 8192;

interface Optim {
  ex: OptimExports;
  /** Byte address and view of each block: p, g, m, v, vmax in; p, m, v, vmax out. */
  at: number[];
  views: Float32Array[];
}

const instance = lazyWasmInstance(OPTIM_WASM_BASE64, (module): Optim => {
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as OptimExports;
  const base = Math.ceil(ex.heapBase() / 16) * 16;
  const at = Array.from({ length: 9 }, (_, k) => base + 4 * BLOCK * k);
  const end = at[8]! + 4 * BLOCK;
  reserveMemory(ex.memory, end);
  // The memory never grows again, so these views stay valid.
  return { ex, at, views: at.map((a) => new Float32Array(ex.memory.buffer, a, BLOCK)) };
});

const FLAGS = { maximize: 1, amsgrad: 2, l2: 4, l2IsOne: 8, decay: 16, skipB1: 32, skipB2: 64 };

/**
 * AdamStep (see kernels.ts) of `inputs` [param, grad, expAvg, expAvgSq(, maxExpAvgSq)] into `outputs` [param',
 * expAvg', expAvgSq'(, maxExpAvgSq')].
 */
export function wasmAdamStep(inputs: Float32Array[], outputs: Float32Array[], a: AdamStepAttrs): boolean {
  const w = instance.get();
  if (!w) return false;
  const flags =
    (a.maximize ? FLAGS.maximize : 0) | (a.amsgrad ? FLAGS.amsgrad : 0) | (a.weightDecay !== 0 ? FLAGS.l2 : 0) |
    (a.weightDecay === 1 ? FLAGS.l2IsOne : 0) | (a.decay !== 1 ? FLAGS.decay : 0) | (1 - a.beta1 === 1 ? FLAGS.skipB1 : 0) |
    (1 - a.beta2 === 1 ? FLAGS.skipB2 : 0);
  const n = inputs[0]!.length;
  const { ex, at, views } = w;
  for (let s = 0; s < n; s += BLOCK) {
    const len = Math.min(BLOCK, n - s);
    inputs.forEach((x, k) => views[k]!.set(x.subarray(s, s + len)));
    ex.adamStep(
      at[0]!, at[1]!, at[2]!, at[3]!, at[4]!, at[5]!, at[6]!, at[7]!, at[8]!, len,
      a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, -a.stepSize, a.biasCorrection2Sqrt, a.eps, a.weightDecay, a.decay, flags,
    );
    outputs.forEach((y, k) => y.set(views[5 + k]!.subarray(0, len), s));
  }
  return true;
}
