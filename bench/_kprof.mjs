import * as nn from '@nn/tensor';
import { OURS } from './_cases.mjs';
const [name, steps = '100'] = process.argv.slice(2);
const stats = new Map();
for (const k of nn.kernelNames('cpu')) {
  const f = nn.getKernel('cpu', k);
  nn.registerKernel('cpu', k, (args) => { const t0 = performance.now(); const r = f(args); const dt = performance.now() - t0; const s = stats.get(k) ?? {n:0,ms:0}; s.n++; s.ms += dt; stats.set(k, s); return r; });
}
const step = OURS[name]();
for (let i = 0; i < 20; i++) step();
stats.clear();
const N = Number(steps);
const t0 = performance.now();
for (let i = 0; i < N; i++) step();
const total = (performance.now() - t0) / N;
let ksum = 0, kn = 0;
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms);
for (const [, s] of rows) { ksum += s.ms / N; kn += s.n / N; }
console.log(`${name}: ${total.toFixed(3)} ms/step, kernels ${ksum.toFixed(3)} ms in ${kn} calls; outside kernels ${(total - ksum).toFixed(3)} ms`);
for (const [k, s] of rows.slice(0, 25)) console.log(`  ${k.padEnd(20)} ${(s.ms / N).toFixed(3)} ms  ${(s.n / N)} calls  ${(1000 * s.ms / s.n).toFixed(1)} us/call`);
