/**
 * The fused optimizer updates of `assembly/optim.ts` (compiled at build time into `optim-wasm.generated.ts`):
 * AdamStep and SgdStep in WebAssembly SIMD, bit for bit the TypeScript kernels' results. Operands in the CPU backend's heap
 * (heap.ts) are updated in place of their copies; others stream through linear memory a block at a time (copy
 * in, update, copy out). Returns false, doing nothing, where the module is
 * unavailable (no WebAssembly SIMD, `NN_WASM=0`, or still compiling in a browser).
 */
import type { AdamStepAttrs, SgdStepAttrs } from '../../../kernels.js';
import { heapAddress } from './heap.js';
import { lazyWasmInstance } from './load.js';
import { OPTIM_WASM_BASE64, OPTIM_WASM_SHARED_BASE64 } from './optim-wasm.generated.js';

interface OptimExports {
  adamStep(
    p: number, g: number, m: number, v: number, vmax: number, po: number, mo: number, vo: number, vmaxo: number, n: number,
    b1: number, b2: number, omb1: number, omb2: number, negStep: number, bc2: number, eps: number, wd: number, decay: number, flags: number,
  ): void;
  sgdStep(p: number, g: number, b: number, po: number, bo: number, n: number, negLr: number, wd: number, mom: number, omd: number, flags: number): void;
}

/** Floats per operand block: nine blocks of 32 KiB (five in, four out) stay in L2. */
const BLOCK = 8192;

interface Optim {
  ex: OptimExports;
  onHeap: boolean;
  /** Byte address and view of each block: p, g, m, v, vmax in; p, m, v, vmax out. */
  at: number[];
  views: Float32Array[];
}

const instance = lazyWasmInstance<OptimExports, Optim>({ own: OPTIM_WASM_BASE64, shared: OPTIM_WASM_SHARED_BASE64 }, ({ ex, memory, onHeap, reserve }) => {
  const at = Array.from({ length: 9 }, () => reserve(4 * BLOCK));
  return { ex, onHeap, at, views: at.map((a) => new Float32Array(memory.buffer, a, BLOCK)) };
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
  stream(w, inputs, outputs, (x, len) =>
    w.ex.adamStep(
      x[0]!, x[1]!, x[2]!, x[3]!, x[4]!, x[5]!, x[6]!, x[7]!, x[8]!, len,
      a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, -a.stepSize, a.biasCorrection2Sqrt, a.eps, a.weightDecay, a.decay, flags,
    ),
  );
  return true;
}

const SGD_FLAGS = { maximize: 1, momentum: 2, first: 4, nesterov: 8, skipDampening: 16, momentumIsOne: 32, skipLr: 64, l2: 128, l2IsOne: 256 };

/** SgdStep (see kernels.ts) of `inputs` [param, grad(, momentumBuffer)] into `outputs` [param'(, momentumBuffer')]. */
export function wasmSgdStep(inputs: Float32Array[], outputs: Float32Array[], a: SgdStepAttrs): boolean {
  const w = instance.get();
  if (!w) return false;
  const F = SGD_FLAGS;
  const flags =
    (a.maximize ? F.maximize : 0) | (a.momentum !== 0 ? F.momentum : 0) | (inputs.length < 3 ? F.first : 0) | (a.nesterov ? F.nesterov : 0) |
    (1 - a.dampening === 1 ? F.skipDampening : 0) | (a.momentum === 1 ? F.momentumIsOne : 0) | (-a.lr === 1 ? F.skipLr : 0) |
    (a.weightDecay !== 0 ? F.l2 : 0) | (a.weightDecay === 1 ? F.l2IsOne : 0);
  stream(w, inputs, outputs, (x, len) => w.ex.sgdStep(x[0]!, x[1]!, x[2]!, x[5]!, x[6]!, len, -a.lr, a.weightDecay, a.momentum, 1 - a.dampening, flags));
  return true;
}

/**
 * Runs `call(addresses, len)` over the elements: addresses[k] of input k (k < 5) and of output k at 5 + k, in
 * place for heap operands (one call covers them all: the updates are elementwise), else a block of BLOCK
 * elements at a time through the scratch blocks. Unused slots point at idle blocks.
 */
function stream(w: Optim, inputs: Float32Array[], outputs: Float32Array[], call: (addresses: number[], len: number) => void): void {
  const n = inputs[0]!.length;
  const { at, views } = w;
  const inHeap = [...inputs, ...outputs].map((x) => (w.onHeap ? heapAddress(x) : -1));
  const block = inHeap.every((p) => p >= 0) ? n : BLOCK;
  const addr = at.slice();
  for (let s = 0; s < n; s += block) {
    const len = Math.min(block, n - s);
    inputs.forEach((x, k) => {
      if (inHeap[k]! >= 0) addr[k] = inHeap[k]! + 4 * s;
      else {
        views[k]!.set(x.subarray(s, s + len));
        addr[k] = at[k]!;
      }
    });
    outputs.forEach((_, k) => (addr[5 + k] = inHeap[inputs.length + k]! >= 0 ? inHeap[inputs.length + k]! + 4 * s : at[5 + k]!));
    call(addr, len);
    outputs.forEach((y, k) => {
      if (inHeap[inputs.length + k]! < 0) y.set(views[5 + k]!.subarray(0, len), s);
    });
  }
}
