/**
 * float16 storage on WebGPU: two IEEE halves per u32 word (element 2k in the low 16 bits, the layout of
 * `array<f16>`), so a float16 tensor takes 2 bytes an element on every device, with or without `shader-f16`.
 * These two programs convert between that and f32, by integer arithmetic (round to nearest, ties to even;
 * beyond ±65504 to ±inf; NaN stays NaN), the same bits as the CPU backend's float16.ts on every adapter (WGSL's
 * pack2x16float leaves the rounding and overflow to the implementation). The Cast kernel uses them; every other
 * kernel sees float16 inputs widened to f32 (float16-dispatch.ts).
 */
import type { TensorInfo } from '../../../backend.js';
import { sizeOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { flatProgram } from '../program.js';

const HALF_WGSL = /* wgsl */ `
fn f32_to_half(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  let sign = (b >> 16u) & 0x8000u;
  let exp = i32((b >> 23u) & 0xffu);
  let mant = b & 0x7fffffu;
  if (exp == 255) { return sign | 0x7c00u | select(0u, 0x200u, mant != 0u); }
  let e = exp - 112;
  if (e >= 31) { return sign | 0x7c00u; }
  if (e <= 0) {
    if (e < -10) { return sign; }
    let full = mant | 0x800000u;
    let shift = u32(14 - e);
    let m = full >> shift;
    let rem = full & ((1u << shift) - 1u);
    let halfway = 1u << (shift - 1u);
    return sign | select(m, m + 1u, rem > halfway || (rem == halfway && (m & 1u) != 0u));
  }
  let h = sign | (u32(e) << 10u) | (mant >> 13u);
  let rem = mant & 0x1fffu;
  return select(h, h + 1u, rem > 0x1000u || (rem == 0x1000u && (h & 1u) != 0u));
}

fn half_to_f32(h: u32) -> f32 {
  let sign = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) { return bitcast<f32>(sign | bitcast<u32>(f32(m) * 5.9604644775390625e-8)); }
  if (e == 31u) { return bitcast<f32>(sign | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(sign | ((e + 112u) << 23u) | (m << 13u));
}`;

/** x (float16) as float32. */
export function halfToFloat(backend: WebGpuBackend, x: TensorInfo): TensorInfo {
  // One thread per element: out[i] is the half in word i / 2 of in0.
  const n = sizeOf(x.shape);
  const body = 'if (i >= u(0u)) { return; }\n  out[i] = half_to_f32((in0[i / 2u] >> (16u * (i % 2u))) & 0xffffu);';
  return backend.runProgram(flatProgram('half>f32', n, [n], body, HALF_WGSL), [x], x.shape, 'float32');
}

/** x (float32) rounded to float16. */
export function floatToHalf(backend: WebGpuBackend, x: TensorInfo): TensorInfo {
  backend.noteFloat16();
  // One thread per word: out[i] holds in0[2i] (low half) and in0[2i + 1] (high half, zero past the end).
  const n = sizeOf(x.shape);
  const body = `let n = u(0u);
  if (2u * i >= n) { return; }
  var word = f32_to_half(in0[2u * i]);
  if (2u * i + 1u < n) { word = word | (f32_to_half(in0[2u * i + 1u]) << 16u); }
  out[i] = word;`;
  return backend.runProgram(flatProgram('f32>half', Math.ceil(n / 2), [n], body, HALF_WGSL), [x], x.shape, 'float16');
}
