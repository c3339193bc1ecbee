import * as nn from '@nn/tensor';
import { backward } from '@nn/autograd';
import { Linear, ReLU, Sequential, crossEntropy } from '@nn/layers';
import { Adam } from '@nn/optim';
import { Session } from 'node:inspector/promises';
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
const s = new Session(); s.connect();
await s.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
const N = 20;
for (let i = 0; i < N; i++) step();
const { profile } = await s.post('HeapProfiler.stopSampling');
const bySelf = new Map();
function walk(node, stack) {
  const fr = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
  const self = node.selfSize;
  if (self) bySelf.set(fr, (bySelf.get(fr) ?? 0) + self);
  for (const c of node.children) walk(c, [...stack, fr]);
}
walk(profile.head, []);
let total = 0; for (const v of bySelf.values()) total += v;
console.log('total KB/step', (total / N / 1024).toFixed(0));
for (const [k, v] of [...bySelf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / N / 1024).toFixed(1).padStart(8), 'KB', k);
