/**
 * Interleaved spirals: `classes` arms of points, one class per arm, that no straight line separates. A small
 * MLP (2 → hidden → hidden → classes, ReLU) learns them with full-batch Adam, on the CPU or on WebGPU; after any
 * step, `regions()` classifies a grid over the plane so the page can paint the decision regions as they form.
 */
import '@nn/autograd';
import { Linear, ReLU, Sequential, crossEntropy } from '@nn/layers';
import { Adam } from '@nn/optim';
import { Generator, randn, stack, tensor, tidy, type Tensor } from '@nn/tensor';

export interface SpiralOptions {
  classes: number;
  /** Points per class. */
  points: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  noise: number;
  seed: number;
}

export const SPIRAL_DEFAULTS: SpiralOptions = { classes: 3, points: 100, noise: 0.04, seed: 0 };

/** The plane the points lie in, and the grid painted: [-EXTENT, EXTENT]². */
export const EXTENT = 1.1;

/** Points [classes·points, 2] and their int32 labels; arm c starts at angle 2πc/classes and turns 1.5 times. */
export function makeSpirals({ classes, points, noise, seed }: SpiralOptions): { x: Float32Array; y: Int32Array } {
  const n = classes * points;
  // Made on the CPU whatever the backend, so the points are the same everywhere and readable synchronously.
  const jitter = tidy(() => randn([n, 2], { generator: new Generator(seed), device: 'cpu' }).dataSync());
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < points; i++) {
      const k = c * points + i;
      const r = 0.05 + 0.95 * (i / points);
      const t = (2 * Math.PI * c) / classes + 3 * Math.PI * (i / points);
      x[2 * k] = r * Math.cos(t) + noise * jitter[2 * k]!;
      x[2 * k + 1] = r * Math.sin(t) + noise * jitter[2 * k + 1]!;
      y[k] = c;
    }
  }
  return { x, y };
}

export interface StepResult {
  loss: number;
  /** Fraction of the training points classified correctly before this step. */
  accuracy: number;
}

export class SpiralsTrainer {
  readonly points: { x: Float32Array; y: Int32Array };
  readonly model: Sequential;
  private readonly x: Tensor;
  private readonly y: Tensor;
  private readonly optimizer: Adam;
  steps = 0;

  constructor(
    readonly options: SpiralOptions = SPIRAL_DEFAULTS,
    { hidden = 64, lr = 0.02 }: { hidden?: number; lr?: number } = {},
  ) {
    this.points = makeSpirals(options);
    this.x = tensor(this.points.x, { shape: [this.points.y.length, 2] });
    this.y = tensor(this.points.y);
    this.model = new Sequential(new Linear(2, hidden), new ReLU(), new Linear(hidden, hidden), new ReLU(), new Linear(hidden, options.classes));
    this.optimizer = new Adam(this.model.parameters(), { lr });
  }

  /** One full-batch Adam step; reads back the loss and accuracy (the one sync point, which WebGPU needs). */
  async step(): Promise<StepResult> {
    const stats = tidy(() => {
      this.optimizer.zeroGrad();
      const logits = this.model.forward(this.x);
      const loss = crossEntropy(logits, this.y);
      loss.backward();
      this.optimizer.step();
      const correct = logits.argmax(1).eq(this.y).cast('float32').mean();
      return stack([loss, correct]);
    });
    const [loss, accuracy] = await stats.data();
    stats.dispose();
    this.steps++;
    return { loss: loss!, accuracy: accuracy! };
  }

  /** The predicted class at the centre of each cell of a side × side grid over the plane, row by row from the top. */
  async regions(side: number): Promise<Int32Array> {
    const grid = new Float32Array(2 * side * side);
    for (let row = 0; row < side; row++)
      for (let col = 0; col < side; col++) {
        const k = row * side + col;
        grid[2 * k] = -EXTENT + ((col + 0.5) / side) * 2 * EXTENT;
        grid[2 * k + 1] = EXTENT - ((row + 0.5) / side) * 2 * EXTENT;
      }
    const classes = tidy(() => this.model.forward(tensor(grid, { shape: [side * side, 2] })).argmax(1));
    const out = (await classes.data()) as Int32Array;
    classes.dispose();
    return out;
  }

  dispose(): void {
    for (const t of [this.x, this.y, ...this.model.parameters()]) t.dispose();
  }
}
