import * as nn from '@nn/tensor';
import { backward } from '@nn/autograd';
import { Linear, ReLU, Sequential, crossEntropy } from '@nn/layers';
import { Adam } from '@nn/optim';
const BATCH = 128, SIZES = [784, 256, 256, 10];
const g = new nn.Generator(0);
const x = nn.randn([BATCH, SIZES[0]], { generator: g });
const y = nn.randint(0, 10, [BATCH], { generator: g });
const layers = [];
for (let i = 0; i + 1 < SIZES.length; i++) { layers.push(new Linear(SIZES[i], SIZES[i + 1], { generator: g })); if (i + 2 < SIZES.length) layers.push(new ReLU()); }
const model = new Sequential(...layers);
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const step = () => nn.tidy(() => { opt.zeroGrad(); const loss = crossEntropy(model.call(x), y); backward(loss); opt.step(); });
for (let i = 0; i < 30; i++) step();
const N = 40;
let t0 = performance.now();
for (let i = 0; i < N; i++) step();
console.log('plain ms/step', ((performance.now() - t0) / N).toFixed(2));
// kernel timing
const stats = new Map();
let phase = '';
for (const name of nn.kernelNames('cpu')) {
  const f = nn.getKernel('cpu', name);
  nn.registerKernel('cpu', name, (args) => {
    const t = performance.now();
    const r = f(args);
    const dt = performance.now() - t;
    const key = `${name} ${args.inputs.map((i) => '[' + i.shape + ']' + (i.dtype[0])).join(' ')} ${JSON.stringify(args.attrs)}`;
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++; s.ms += dt; stats.set(key, s);
    return r;
  });
}
const orig = nn.engine.runKernel.bind(nn.engine);
let rkMs = 0, rkN = 0;
nn.engine.runKernel = (...a) => { const t = performance.now(); const r = orig(...a); rkMs += performance.now() - t; rkN++; return r; };
for (let i = 0; i < 10; i++) step();
stats.clear(); rkMs = 0; rkN = 0;
t0 = performance.now();
for (let i = 0; i < N; i++) step();
const tot = (performance.now() - t0) / N;
let kms = 0;
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [, s] of rows) kms += s.ms;
console.log('instrumented ms/step', tot.toFixed(2), 'kernel ms/step', (kms / N).toFixed(2), 'runKernel ms/step', (rkMs / N).toFixed(2), 'kernels/step', rkN / N);
const byName = new Map();
for (const [k, s] of rows) { const n = k.split(' ')[0]; const b = byName.get(n) ?? { n: 0, ms: 0 }; b.n += s.n; b.ms += s.ms; byName.set(n, b); }
for (const [n, s] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(n.padEnd(14), (s.n / N).toFixed(0).padStart(4), (s.ms / N * 1000).toFixed(0).padStart(7), 'us');
console.log('---top signatures');
for (const [k, s] of rows.slice(0, 40)) console.log((s.ms / N * 1000).toFixed(0).padStart(6), 'us', (s.n / N).toFixed(0).padStart(3), k.slice(0, 150));
