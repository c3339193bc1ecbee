import { runBench, type BenchOptions } from './bench.js';

onmessage = async (e: MessageEvent<BenchOptions>) => postMessage(await runBench(e.data));
