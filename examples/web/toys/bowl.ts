/**
 * The 2-D quadratic bowl of the lecture: f(w) = ½ (a·w₀² + b·w₁²) with a ≪ b, an ill-conditioned valley
 * (condition number b/a). Plain gradient descent must keep its step below 2/b to stay stable along the steep
 * axis, so it crawls along the shallow one; momentum and Adam do not. Each optimizer from @nn/optim moves its
 * own 2-element parameter tensor from the same start.
 */
import '@nn/autograd';
import { Adam, SGD } from '@nn/optim';
import { tensor, tidy, type Tensor } from '@nn/tensor';

export interface Bowl {
  /** Curvature along w₀ (the shallow axis). */
  a: number;
  /** Curvature along w₁ (the steep axis). */
  b: number;
}

export const BOWL: Bowl = { a: 1, b: 50 };
export const START: readonly [number, number] = [-4.5, 1.5];

/** f(w) at a point, for the contours. */
export const bowlValue = ({ a, b }: Bowl, x: number, y: number): number => 0.5 * (a * x * x + b * y * y);

export type OptimizerName = 'sgd' | 'momentum' | 'adam';
export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'momentum', 'adam'];

/** Step sizes. SGD's is just under its stability limit 2/b = 0.04: any larger and it diverges along w₁. */
export const LR: Record<OptimizerName, number> = { sgd: 0.038, momentum: 0.02, adam: 0.3 };

/** Steps the page takes (and the test checks). */
export const STEPS = 80;

/** One optimizer walking down the bowl; `path` holds every point visited, the start first. */
export class Walker {
  readonly path: [number, number][];
  private readonly w: Tensor;
  private readonly opt: SGD | Adam;
  private readonly curvature: Tensor;

  constructor(
    readonly name: OptimizerName,
    bowl: Bowl = BOWL,
    start: readonly [number, number] = START,
  ) {
    this.w = tensor([...start], { requiresGrad: true });
    this.curvature = tensor([bowl.a, bowl.b]);
    this.path = [[start[0], start[1]]];
    const lr = LR[name];
    this.opt = name === 'adam' ? new Adam([this.w], { lr }) : new SGD([this.w], { lr, momentum: name === 'momentum' ? 0.9 : 0 });
  }

  /** One optimizer step on f(w) = ½ Σ curvature·w²; records and returns the new point. */
  async step(): Promise<[number, number]> {
    tidy(() => {
      this.opt.zeroGrad();
      this.w.mul(this.w).mul(this.curvature).sum().mul(0.5).backward();
      this.opt.step();
    });
    const [x, y] = await this.w.data();
    const point: [number, number] = [x!, y!];
    this.path.push(point);
    return point;
  }

  /** Euclidean distance from the current point to the minimum at the origin. */
  get distance(): number {
    const [x, y] = this.path[this.path.length - 1]!;
    return Math.hypot(x, y);
  }

  dispose(): void {
    this.w.dispose();
    this.curvature.dispose();
  }
}
