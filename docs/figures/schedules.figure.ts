/**
 * The learning-rate schedules of docs/schedules.md, each drawn by running the real scheduler for 100 steps on a
 * bare `{paramGroups}` object (schedulers need nothing else), plus a DataLoader whose batch size grows by epoch.
 */
import {
  ConstantLR, CosineAnnealingLR, CosineAnnealingWarmRestarts, CyclicLR, DataLoader, ExponentialLR, LinearLR, MultiStepLR, OneCycleLR,
  PolynomialLR, ReduceLROnPlateau, SequentialLR, StepLR, TensorDataset, plotCurves, zeros, type SchedulerParamGroup,
} from '@nn/all';

const STEPS = 100;

type Optimizer = { paramGroups: SchedulerParamGroup[] };
const optimizer = (lr = 0.1, extra: Record<string, unknown> = {}): Optimizer => ({ paramGroups: [{ lr, ...extra }] });

/** The lr in effect at each of the first `STEPS` steps: read, then `step()`, as a training loop does. */
function trace(make: (opt: Optimizer) => { step(): void }, opt = optimizer(), key: 'lr' | 'momentum' = 'lr'): number[] {
  const scheduler = make(opt);
  const out: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    out.push(opt.paramGroups[0]![key] as number);
    scheduler.step();
  }
  return out;
}

/** Smith et al.'s alternative to decay: the batch size a DataLoader actually uses in each epoch. */
function batchSizes(epochs: number): number[] {
  const data = new TensorDataset(zeros([4096, 1]));
  const loader = new DataLoader(data, { batchSize: (epoch) => 32 * 5 ** [30, 60, 80].filter((m) => epoch >= m).length });
  const out: number[] = [];
  for (let e = 0; e < epochs; e++) {
    let first = 0;
    for (const [x] of loader) first ||= x!.shape[0]!; // draws the epoch's batches; each step's tensors are freed by the loader
    out.push(first);
  }
  data.tensors.forEach((t) => t.dispose());
  return out;
}

export default async function figures(): Promise<Record<string, string>> {
  const lr = { title: 'learning rate', xLabel: 'step' };
  // A validation loss that improves, then stalls around 0.3 with a little noise.
  const plateauLoss = Array.from({ length: STEPS }, (_, t) => 0.3 + 0.7 * Math.exp(-t / 8) + 0.01 * Math.sin(t));
  return {
    'schedules-step.svg': plotCurves({ 'StepLR(30, 0.1)': trace((o) => new StepLR(o, { stepSize: 30, gamma: 0.1 })) }, { ...lr, logScale: true }),
    'schedules-multistep.svg': plotCurves(
      { 'MultiStepLR([50, 80])': trace((o) => new MultiStepLR(o, { milestones: [50, 80], gamma: 0.1 })) },
      { ...lr, logScale: true },
    ),
    'schedules-exponential.svg': plotCurves(
      {
        'γ = 0.97': trace((o) => new ExponentialLR(o, { gamma: 0.97 })),
        'γ = 0.95': trace((o) => new ExponentialLR(o, { gamma: 0.95 })),
      },
      lr,
    ),
    'schedules-polynomial.svg': plotCurves(
      {
        'power 1': trace((o) => new PolynomialLR(o, { totalIters: STEPS, power: 1 })),
        'power 2': trace((o) => new PolynomialLR(o, { totalIters: STEPS, power: 2 })),
        'power 0.5': trace((o) => new PolynomialLR(o, { totalIters: STEPS, power: 0.5 })),
      },
      lr,
    ),
    'schedules-cosine.svg': plotCurves({ 'CosineAnnealingLR(100)': trace((o) => new CosineAnnealingLR(o, { tMax: STEPS, etaMin: 0.001 })) }, lr),
    'schedules-warm-restarts.svg': plotCurves(
      { 't0 = 15, tMult = 2': trace((o) => new CosineAnnealingWarmRestarts(o, { t0: 15, tMult: 2, etaMin: 0.001 })) },
      lr,
    ),
    'schedules-linear.svg': plotCurves(
      {
        'LinearLR(0.1 → 1, 20)': trace((o) => new LinearLR(o, { startFactor: 0.1, totalIters: 20 })),
        'LinearLR(1 → 0, 100)': trace((o) => new LinearLR(o, { startFactor: 1, endFactor: 0, totalIters: STEPS })),
      },
      lr,
    ),
    'schedules-constant.svg': plotCurves({ 'ConstantLR(1/3, 20)': trace((o) => new ConstantLR(o, { factor: 1 / 3, totalIters: 20 })) }, lr),
    'schedules-warmup-cosine.svg': plotCurves(
      {
        'warmup 10 + cosine 90': trace(
          (o) =>
            new SequentialLR(o, {
              schedulers: [new LinearLR(o, { startFactor: 0.01, endFactor: 1, totalIters: 10 }), new CosineAnnealingLR(o, { tMax: 90 })],
              milestones: [10],
            }),
        ),
      },
      lr,
    ),
    'schedules-cyclic.svg': plotCurves(
      Object.fromEntries(
        (['triangular', 'triangular2', 'exp_range'] as const).map((mode) => [
          mode,
          trace((o) => new CyclicLR(o, { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 10, mode, gamma: 0.97 }), optimizer(0.1, { momentum: 0.9 })),
        ]),
      ),
      lr,
    ),
    'schedules-one-cycle.svg': plotCurves(
      {
        'cos (default)': trace((o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: STEPS }), optimizer(0.1, { momentum: 0.9 })),
        'linear, three phases': trace(
          (o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: STEPS, annealStrategy: 'linear', threePhase: true }),
          optimizer(0.1, { momentum: 0.9 }),
        ),
      },
      lr,
    ),
    'schedules-one-cycle-momentum.svg': plotCurves(
      { 'cos (default)': trace((o) => new OneCycleLR(o, { maxLr: 0.1, totalSteps: STEPS }), optimizer(0.1, { momentum: 0.9 }), 'momentum') },
      { title: 'momentum', xLabel: 'step' },
    ),
    'schedules-plateau.svg': plotCurves(
      {
        'lr': (() => {
          const opt = optimizer();
          const scheduler = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 5 });
          return plateauLoss.map((loss) => {
            const now = opt.paramGroups[0]!.lr;
            scheduler.step(loss);
            return now;
          });
        })(),
        'validation loss': plateauLoss,
      },
      { title: 'ReduceLROnPlateau(factor 0.5, patience 5)', xLabel: 'epoch', logScale: true },
    ),
    'schedules-batch-size.svg': plotCurves({ 'batch size': batchSizes(STEPS) }, { title: 'batch size (× 5 at epochs 30, 60, 80)', xLabel: 'epoch', logScale: true }),
  };
}
