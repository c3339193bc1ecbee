/**
 * MatMul: out[..., i, j] = Σ_p A[..., i, p] · B[..., p, j], where A is a (its last two dims swapped when
 * `transposeA`) and B likewise; batch dims broadcast. Float32 only, as on the CPU.
 *
 * Tiled: a 16×16 workgroup computes a 64×64 output tile, each thread a 4×4 block (rows lid.y + 16i, cols
 * lid.x + 16j). Per step the workgroup stages a 64×16 slice of A and a 16×64 slice of B in shared memory, each
 * element loaded once from global memory and reused 64 times. Transposes only change how tiles are loaded
 * (consecutive threads read consecutive addresses either way). When M, N are multiples of 64 and K of 16 the
 * `aligned` variant drops all bounds checks; that flag, the transposes and the batch rank are in the key.
 */
import type { TensorInfo } from '../../../backend.js';
import { registerKernel } from '../../../kernel-registry.js';
import type { MatMulAttrs } from '../../../kernels.js';
import { broadcastShapes, fmtShape, sizeOf, stridesOf } from '../../../shape.js';
import type { WebGpuBackend } from '../backend-webgpu.js';
import { broadcastStrides, collapseDims, decodeWgsl, dotWgsl } from '../indexing.js';
import type { Program } from '../program.js';

const BM = 64;
const BN = 64;
const BK = 16;
/** Workgroups per grid dimension (WebGPU's default maxComputeWorkgroupsPerDimension). */
const MAX_GROUPS = 65535;

class MatMulProgram implements Program {
  readonly shaderKey: string;
  readonly workgroupSize = [16, 16, 1] as const;
  readonly dispatch: [number, number, number];
  readonly uniforms: number[];
  private readonly aligned: boolean;

  constructor(
    private readonly transA: boolean,
    private readonly transB: boolean,
    m: number,
    n: number,
    k: number,
    private readonly batchRank: number,
    batchUniforms: readonly number[],
    batchStart: number,
    batchCount: number,
  ) {
    this.aligned = m % BM === 0 && n % BN === 0 && k % BK === 0;
    // Uniform layout: [M, N, K, batchStart, batch decode strides, A batch strides, B batch strides]
    this.uniforms = [m, n, k, batchStart, ...batchUniforms];
    this.dispatch = [Math.ceil(n / BN), Math.ceil(m / BM), batchCount];
    this.shaderKey = `matmul:tA${+transA}:tB${+transB}:b${batchRank}:${this.aligned ? 'aligned' : 'checked'}`;
  }

  getUserCode(): string {
    const { transA, transB, aligned, batchRank: br } = this;
    // Element (m, k) of A and (k, n) of B in their stored layouts.
    const aIndex = transA ? 'k * M + m' : 'm * K + k';
    const bIndex = transB ? 'n * K + k' : 'k * N + n';
    const guard = (cond: string) => (aligned ? '' : `if (${cond}) { return 0.0; }`);
    return `
const BM = ${BM}u;
const BN = ${BN}u;
const BK = ${BK}u;
var<workgroup> As: array<f32, ${BM * BK}>;
var<workgroup> Bs: array<f32, ${BK * BN}>;

fn loadA(off: u32, m: u32, k: u32) -> f32 {
  let M = u(0u); let K = u(2u);
  ${guard('m >= M || k >= K')}
  return in0[off + ${aIndex}];
}
fn loadB(off: u32, k: u32, n: u32) -> f32 {
  let N = u(1u); let K = u(2u);
  ${guard('k >= K || n >= N')}
  return in1[off + ${bIndex}];
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = u(0u); let N = u(1u); let K = u(2u);
  let batch = wid.z + u(3u);
  ${decodeWgsl('batch', br, 4, 'b')}
  let aOff = ${dotWgsl(br, 4 + br, 'b')};
  let bOff = ${dotWgsl(br, 4 + 2 * br, 'b')};
  let row0 = wid.y * BM;
  let col0 = wid.x * BN;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < K; k0 += BK) {
    for (var e = 0u; e < 4u; e++) {
      let idx = tid + e * 256u;
      let am = ${transA ? 'idx % BM' : 'idx / BK'};
      let ak = ${transA ? 'idx / BM' : 'idx % BK'};
      As[ak * BM + am] = loadA(aOff, row0 + am, k0 + ak);
      let bk = ${transB ? 'idx % BK' : 'idx / BN'};
      let bn = ${transB ? 'idx / BK' : 'idx % BN'};
      Bs[bk * BN + bn] = loadB(bOff, k0 + bk, col0 + bn);
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = As[k * BM + lid.y + i * 16u]; }
      for (var j = 0u; j < 4u; j++) { b[j] = Bs[k * BN + lid.x + j * 16u]; }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) { acc[i][j] = acc[i][j] + a[i] * b[j]; }
      }
    }
    workgroupBarrier();
  }
  let outOff = batch * M * N;
  for (var i = 0u; i < 4u; i++) {
    let r = row0 + lid.y + i * 16u;
    for (var j = 0u; j < 4u; j++) {
      let c = col0 + lid.x + j * 16u;
      ${aligned ? '' : 'if (r < M && c < N) '}{ out[outOff + r * N + c] = acc[i][j]; }
    }
  }
}`;
  }
}

registerKernel<WebGpuBackend>('webgpu', 'MatMul', ({ inputs: [a, b], attrs, backend }) => {
  const { transposeA, transposeB } = attrs as MatMulAttrs;
  if (a!.dtype !== 'float32' || b!.dtype !== 'float32')
    throw new Error(`MatMul: webgpu kernel needs float32 inputs, got ${a!.dtype} and ${b!.dtype}`);
  const ra = a!.shape.length;
  const rb = b!.shape.length;
  if (ra < 2 || rb < 2) throw new Error(`MatMul: inputs need rank >= 2, got ${fmtShape(a!.shape)} and ${fmtShape(b!.shape)}`);
  const [aRows, aCols] = a!.shape.slice(-2) as [number, number];
  const [bRows, bCols] = b!.shape.slice(-2) as [number, number];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const kb = transposeB ? bCols : bRows;
  const n = transposeB ? bRows : bCols;
  if (k !== kb) throw new Error(`MatMul: inner dimensions differ: ${fmtShape(a!.shape)} @ ${fmtShape(b!.shape)} (transposeA ${transposeA}, transposeB ${transposeB})`);
  const batch = broadcastShapes('MatMul', a!.shape.slice(0, -2), b!.shape.slice(0, -2));
  const outShape = [...batch, m, n];
  const out = backend.alloc(sizeOf(outShape), 'float32');
  const info: TensorInfo = { dataId: out, shape: outShape, dtype: 'float32' };
  const count = sizeOf(batch);
  if (m === 0 || n === 0 || count === 0) return info;
  // Batch offsets (in elements) of each operand, with broadcast dims at stride 0, collapsed.
  const matStrides = (shape: readonly number[], mat: number) => broadcastStrides(shape.slice(0, -2), batch).map((s) => s * mat);
  const { shape: bShape, strides } = collapseDims(batch, [stridesOf(batch), matStrides(a!.shape, aRows * aCols), matStrides(b!.shape, bRows * bCols)]);
  const batchUniforms = strides.flat();
  if (Math.ceil(n / BN) > MAX_GROUPS || Math.ceil(m / BM) > MAX_GROUPS)
    throw new Error(`MatMul: output matrix ${m}×${n} exceeds the webgpu dispatch limit of ${MAX_GROUPS * BM} rows and columns`);
  const buffers = [backend.data(a!).buffer, backend.data(b!).buffer];
  // Grids are limited to 65535 along z: larger batches are split over several dispatches.
  for (let start = 0; start < count; start += MAX_GROUPS) {
    const chunk = Math.min(MAX_GROUPS, count - start);
    const program = new MatMulProgram(transposeA, transposeB, m, n, k, bShape.length, batchUniforms, start, chunk);
    backend.encode(program, buffers, ['float32', 'float32'], out.buffer, 'float32');
  }
  return info;
});
