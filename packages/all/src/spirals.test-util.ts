/** Test fixtures: two interleaved spirals (a small classification problem) and a model and loader for them. */
import { DataLoader, TensorDataset } from '@nn/data';
import { Linear, ReLU, Sequential } from '@nn/layers';
import { AdamW } from '@nn/optim';
import { Generator, manualSeed, randn, tensor, type Tensor } from '@nn/tensor';

/** `n` points per class on two spirals with a little noise: features [2n, 2] float32, labels [2n] int32. */
export function spirals(n: number, seed: number): { x: Tensor; y: Tensor } {
  const noise = randn([2 * n, 2], { generator: new Generator(seed) }).dataSync();
  const xs = new Float32Array(4 * n);
  const ys = new Int32Array(2 * n);
  for (let c = 0; c < 2; c++)
    for (let i = 0; i < n; i++) {
      const r = (i / n) * 1.0 + 0.05;
      const t = (i / n) * 2.5 * Math.PI + c * Math.PI;
      const k = c * n + i;
      xs[2 * k] = r * Math.cos(t) + 0.02 * noise[2 * k]!;
      xs[2 * k + 1] = r * Math.sin(t) + 0.02 * noise[2 * k + 1]!;
      ys[k] = c;
    }
  return { x: tensor(xs, { shape: [2 * n, 2] }), y: tensor(ys) };
}

/** A fresh, seeded setup: the same seed gives bit-identical models, optimizers and loaders. */
export function setup(seed = 0, hidden = 32, lr = 0.01) {
  manualSeed(seed);
  const model = new Sequential(new Linear(2, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, 2));
  const optimizer = new AdamW(model.parameters(), { lr });
  return { model, optimizer };
}

export function loaderFor(data: { x: Tensor; y: Tensor }, batchSize: number, seed: number): DataLoader<Tensor[]> {
  return new DataLoader(new TensorDataset(data.x, data.y), { batchSize, shuffle: true, generator: new Generator(seed) });
}

/** An output sink that records what fit prints. */
export function sink(isTTY = false): { write(s: string): void; isTTY: boolean; text: string } {
  return {
    isTTY,
    text: '',
    write(s: string) {
      this.text += s;
    },
  };
}
