import * as nn from '@nn/tensor';
const g = new nn.Generator(0);
function med(f, n=60) { for (let i=0;i<10;i++) f(); const ts=[]; for (let i=0;i<n;i++){const t0=performance.now(); f(); ts.push(performance.now()-t0);} ts.sort((x,y)=>x-y); return ts[n>>1]; }
const cases = [
 ['fwd x@W^T 128x784 · 256x784^T', [128,784],[256,784], {transposeB:true}],
 ['dX dY@W 128x256 · 256x784', [128,256],[256,784], {}],
 ['dW dY^T@X 256x128 · 128x784', [128,256],[128,784], {transposeA:true}],
 ['fwd 128x256·256x256^T', [128,256],[256,256], {transposeB:true}],
 ['512x512', [512,512],[512,512], {}],
];
for (const [name, sa, sb, opts] of cases) {
  const a = nn.randn(sa, {generator:g}), b = nn.randn(sb, {generator:g});
  const ms = med(() => nn.engine.runKernel('MatMul', [a,b], {transposeA: !!opts.transposeA, transposeB: !!opts.transposeB}).dispose());
  const m = opts.transposeA ? sa[1] : sa[0], k = opts.transposeA ? sa[0] : sa[1], n = opts.transposeB ? sb[0] : sb[1];
  console.log(name.padEnd(32), ms.toFixed(3), 'ms', (2*m*n*k/ms/1e6).toFixed(1), 'GFLOP/s');
}
