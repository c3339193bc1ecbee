import { it } from 'vitest';
import { engine, initBackend, tensor } from '../index.js';
it('time', async () => {
  await initBackend('webgpu');
  const run = async (ash: number[], bsh: number[], tA: boolean, tB: boolean) => {
    const a = tensor(new Float32Array(ash.reduce((x, y) => x * y, 1)).fill(0.5), { shape: ash, device: 'webgpu' });
    const b = tensor(new Float32Array(bsh.reduce((x, y) => x * y, 1)).fill(0.5), { shape: bsh, device: 'webgpu' });
    let t0 = performance.now();
    const c = engine.runKernel('MatMul', [a, b], { transposeA: tA, transposeB: tB });
    await c.data();
    const t1 = performance.now() - t0;
    t0 = performance.now();
    const d = engine.runKernel('MatMul', [a, b], { transposeA: tA, transposeB: tB });
    await d.data();
    console.log(ash, bsh, 'first', t1.toFixed(0), 'second', (performance.now() - t0).toFixed(0));
  };
  await run([33, 17], [17, 65], false, false);
  await run([17, 33], [65, 17], true, true);
  await run([2, 1, 64, 32], [3, 32, 128], false, false);
  await run([256, 256], [256, 256], false, false);
});
