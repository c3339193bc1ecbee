/**
 * Times square matmuls and the three products of a Linear(784, 256) layer at batch 128 (forward, and the
 * input and weight gradients, as @nn/autograd runs them) on the CPU backend: with every thread available
 * (Web Workers on a cross-origin-isolated page) and with setNumThreads(1).
 */
import { engine, getNumThreads, setNumThreads, tensor, type Tensor } from '@nn/tensor';
import { whenThreadsReady } from '../../../packages/tensor/src/backends/cpu/kernels/matmul-threads.js';

/** name, m, k, n, transposeA, transposeB: C[m, n] = op(A)[m, k] · op(B)[k, n], a transposed operand stored as its transpose. */
const CASES: [string, number, number, number, boolean, boolean][] = [
  ['matmul 256²', 256, 256, 256, false, false],
  ['matmul 512²', 512, 512, 512, false, false],
  ['matmul 1024²', 1024, 1024, 1024, false, false],
  ['MLP forward x·Wᵀ 128×784 @ 784×256', 128, 784, 256, false, true],
  ['MLP input grad dY·W 128×256 @ 256×784', 128, 256, 784, false, false],
  ['MLP weight grad dYᵀ·x 256×128 @ 128×784', 256, 128, 784, true, false],
];
/** How long to measure: `repeats` samples of at least `sampleMs` each. */
export interface BenchOptions {
  repeats: number;
  sampleMs: number;
}

const values = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 2000) / 1000 - 1);

/**
 * GFLOP/s with all threads and with one: the median and the fastest of `repeats` samples of each, taken in turns
 * so both see the same machine; a sample is enough calls to last `sampleMs`. On a shared machine other processes
 * come and go, and the fastest sample is the one they disturbed least (as Python's timeit reports).
 */
function gflops(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean, flops: number, { repeats, sampleMs }: BenchOptions) {
  const call = () => engine.runKernel('MatMul', [a, b], { transposeA, transposeB }).dispose();
  const threads = getNumThreads();
  let calls = 1;
  for (let t0 = performance.now(), t = 0; t < sampleMs; t = performance.now() - t0) {
    call(); // warm-up, which also sizes the samples
    calls++;
  }
  const sample = (n: number) => {
    setNumThreads(n);
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) call();
    return (flops * calls) / ((performance.now() - t0) * 1e6);
  };
  const all: number[] = [];
  const one: number[] = [];
  for (let r = 0; r < repeats; r++) {
    all.push(sample(threads));
    one.push(sample(1));
  }
  setNumThreads(threads);
  const stats = (x: number[]) => {
    x.sort((p, q) => p - q);
    return { median: x[x.length >> 1]!, best: x.at(-1)! };
  };
  return { threads: stats(all), one: stats(one) };
}

/** Waits for the worker pool, then measures every case with all threads and with one. */
export async function runBench(options: BenchOptions) {
  const workers = await whenThreadsReady(20_000);
  const threads = getNumThreads();
  const results = CASES.map(([name, m, k, n, tA, tB]) => {
    const a = tensor(values(m * k), { shape: tA ? [k, m] : [m, k] });
    const b = tensor(values(k * n), { shape: tB ? [n, k] : [k, n] });
    const rates = gflops(a, b, tA, tB, 2 * m * k * n, options);
    a.dispose();
    b.dispose();
    return { name, ...rates };
  });
  return { isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, workers, threads, results };
}
