/**
 * The fused optimizer updates in WebAssembly SIMD (AssemblyScript) for the CPU backend's AdamStep and SgdStep
 * kernels. Each
 * f32x4 operation rounds to float32 as the TypeScript kernel's Math.fround after each float64 operation does
 * (for + − × ÷ and √ the two are the same bits), so the results match it, and the composite, exactly. The
 * caller (src/backends/cpu/wasm/optim-wasm.ts) streams blocks of the operands through linear memory; this
 * module allocates nothing. Pointers are byte addresses.
 */

/** First free byte after this module's static data: the caller's layout starts here. */
export function heapBase(): usize {
  return __heap_base;
}

// Flag bits of adamStep (the options that change which operations run).
const MAXIMIZE = 1;
const AMSGRAD = 2;
const L2 = 4;
const L2_IS_ONE = 8;
const DECAY = 16;
const SKIP_B1 = 32;
const SKIP_B2 = 64;

/**
 * AdamStep over n elements (see kernels.ts): p, g, m, v (and vmax with AMSGRAD) in; po, mo, vo (and vmaxo) out.
 * Scalars are float32: β1, β2, 1 − β1, 1 − β2, −stepSize, √(1 − β2^t), eps, the L2 penalty and the decay factor.
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, po: usize, mo: usize, vo: usize, vmaxo: usize, n: i32,
  b1: f32, b2: f32, omb1: f32, omb2: f32, negStep: f32, bc2: f32, eps: f32, wd: f32, decay: f32, flags: i32,
): void {
  const vb1 = f32x4.splat(b1), vb2 = f32x4.splat(b2), vomb1 = f32x4.splat(omb1), vomb2 = f32x4.splat(omb2);
  const vstep = f32x4.splat(negStep), vbc2 = f32x4.splat(bc2), veps = f32x4.splat(eps), vwd = f32x4.splat(wd), vdecay = f32x4.splat(decay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let theta = v128.load(p + o);
    if (flags & DECAY) theta = f32x4.mul(theta, vdecay);
    let d = v128.load(g + o);
    if (flags & MAXIMIZE) d = f32x4.neg(d);
    if (flags & L2) d = f32x4.add(d, flags & L2_IS_ONE ? theta : f32x4.mul(theta, vwd));
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), vb1), flags & SKIP_B1 ? d : f32x4.mul(d, vomb1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), vb2), f32x4.mul(flags & SKIP_B2 ? d : f32x4.mul(d, vomb2), d));
    let second = vi;
    if (flags & AMSGRAD) {
      second = f32x4.max(v128.load(vmax + o), vi);
      v128.store(vmaxo + o, second);
    }
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(second), vbc2), veps);
    v128.store(po + o, f32x4.add(theta, f32x4.div(f32x4.mul(vstep, mi), denom)));
    v128.store(mo + o, mi);
    v128.store(vo + o, vi);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let theta = load<f32>(p + o);
    if (flags & DECAY) theta *= decay;
    let d = load<f32>(g + o);
    if (flags & MAXIMIZE) d = -d;
    if (flags & L2) d += flags & L2_IS_ONE ? theta : theta * wd;
    const mi = load<f32>(m + o) * b1 + (flags & SKIP_B1 ? d : d * omb1);
    const vi = load<f32>(v + o) * b2 + (flags & SKIP_B2 ? d : d * omb2) * d;
    let second = vi;
    if (flags & AMSGRAD) {
      second = max(load<f32>(vmax + o), vi);
      store<f32>(vmaxo + o, second);
    }
    store<f32>(po + o, theta + (negStep * mi) / (sqrt(second) / bc2 + eps));
    store<f32>(mo + o, mi);
    store<f32>(vo + o, vi);
  }
}

// Flag bits of sgdStep (optim-wasm.ts holds the same table).
const S_MAXIMIZE = 1;
const MOMENTUM = 2;
const FIRST = 4;
const NESTEROV = 8;
const SKIP_DAMPENING = 16;
const MOMENTUM_IS_ONE = 32;
const SKIP_LR = 64;
const S_L2 = 128;
const S_L2_IS_ONE = 256;

/**
 * SgdStep over n elements (see kernels.ts): p, g (and the momentum buffer b unless FIRST) in; po (and bo with
 * MOMENTUM) out. Scalars are float32: −lr, the L2 penalty, μ and 1 − dampening.
 */
export function sgdStep(p: usize, g: usize, b: usize, po: usize, bo: usize, n: i32, negLr: f32, wd: f32, mom: f32, omd: f32, flags: i32): void {
  const vlr = f32x4.splat(negLr), vwd = f32x4.splat(wd), vmom = f32x4.splat(mom), vomd = f32x4.splat(omd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const theta = v128.load(p + o);
    let d = v128.load(g + o);
    if (flags & S_MAXIMIZE) d = f32x4.neg(d);
    if (flags & S_L2) d = f32x4.add(d, flags & S_L2_IS_ONE ? theta : f32x4.mul(theta, vwd));
    if (flags & MOMENTUM) {
      const bi = flags & FIRST ? d : f32x4.add(f32x4.mul(v128.load(b + o), vmom), flags & SKIP_DAMPENING ? d : f32x4.mul(d, vomd));
      v128.store(bo + o, bi);
      d = flags & NESTEROV ? f32x4.add(d, flags & MOMENTUM_IS_ONE ? bi : f32x4.mul(bi, vmom)) : bi;
    }
    v128.store(po + o, f32x4.add(theta, flags & SKIP_LR ? d : f32x4.mul(d, vlr)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const theta = load<f32>(p + o);
    let d = load<f32>(g + o);
    if (flags & S_MAXIMIZE) d = -d;
    if (flags & S_L2) d += flags & S_L2_IS_ONE ? theta : theta * wd;
    if (flags & MOMENTUM) {
      const bi = flags & FIRST ? d : load<f32>(b + o) * mom + (flags & SKIP_DAMPENING ? d : d * omd);
      store<f32>(bo + o, bi);
      d = flags & NESTEROV ? d + (flags & MOMENTUM_IS_ONE ? bi : bi * mom) : bi;
    }
    store<f32>(po + o, theta + (flags & SKIP_LR ? d : d * negLr));
  }
}
