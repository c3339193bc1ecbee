import * as nn from '@nn/tensor';
const t0 = () => performance.now();
function time(name, f, flops) { for (let i = 0; i < 3; i++) f().dispose(); const ts = []; for (let i = 0; i < 10; i++) { const t = t0(); f().dispose(); ts.push(t0() - t); } ts.sort((a, b) => a - b); console.log(name.padEnd(40), ts[5].toFixed(2), 'ms', (flops / ts[5] / 1e6).toFixed(1), 'GFLOP/s'); }
const W = nn.randn([64, 288]), cols = nn.randn([288, 12544]), dy = nn.randn([64, 12544]);
const mm = (a, b, ta, tb) => () => nn.engine.runKernel('MatMul', [a, b], { transposeA: ta, transposeB: tb });
const F = 2 * 64 * 288 * 12544;
time('fwd W@cols', mm(W, cols, false, false), F);
time('dW dy@colsT', mm(dy, cols, false, true), F);
time('dcols WT@dy', mm(W, dy, true, false), F);
const W1 = nn.randn([32, 9]), cols1 = nn.randn([9, 50176]), dy1 = nn.randn([32, 50176]);
time('conv1 fwd', mm(W1, cols1, false, false), 2 * 32 * 9 * 50176);
time('conv1 dW', mm(dy1, cols1, false, true), 2 * 32 * 9 * 50176);
const a = nn.randn([512, 512]);
time('512^2', mm(a, a, false, false), 2 * 512 ** 3);
