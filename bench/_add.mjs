import * as nn from '@nn/tensor';
const g = new nn.Generator(0);
const [a, b] = [nn.randn([1 << 20], { generator: g }), nn.randn([1 << 20], { generator: g })];
for (let rep = 0; rep < 3; rep++) {
  const ts = [];
  for (let i = 0; i < 200; i++) { const t0 = performance.now(); nn.add(a, b).dispose(); ts.push(performance.now() - t0); }
  ts.sort((x, y) => x - y); console.log('add med', ts[100].toFixed(3), 'min', ts[0].toFixed(3));
}
const fa = new Float32Array(1<<20), fb = new Float32Array(1<<20);
for (let rep = 0; rep < 3; rep++) {
  const ts = [];
  for (let i = 0; i < 200; i++) { const t0 = performance.now(); const o = new Float32Array(1<<20); for (let j=0;j<o.length;j++) o[j]=fa[j]+fb[j]; ts.push(performance.now() - t0); }
  ts.sort((x, y) => x - y); console.log('raw fresh med', ts[100].toFixed(3));
}
const o = new Float32Array(1<<20);
for (let rep = 0; rep < 3; rep++) {
  const ts = [];
  for (let i = 0; i < 200; i++) { const t0 = performance.now(); for (let j=0;j<o.length;j++) o[j]=fa[j]+fb[j]; ts.push(performance.now() - t0); }
  ts.sort((x, y) => x - y); console.log('raw reuse med', ts[100].toFixed(3));
}
