/**
 * The benchmark page for bench/web-threads.js: runs bench.ts on the page's main thread, or with `?worker` inside a
 * dedicated worker (where a training app runs), and writes the results as JSON into the result element.
 */
import { runBench, type BenchOptions } from './bench.js';

const params = new URLSearchParams(location.search);
const options: BenchOptions = { repeats: Number(params.get('repeats') ?? 7), sampleMs: Number(params.get('sampleMs') ?? 60) };
const result = params.has('worker')
  ? await new Promise((resolve) => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e) => resolve(e.data);
    w.postMessage(options);
  })
  : await runBench(options);
document.querySelector('[data-testid=result]')!.textContent = JSON.stringify(result);
