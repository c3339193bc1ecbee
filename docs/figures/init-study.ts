/**
 * The initialisation study of docs/initialization.md: a plain 30-layer MLP (width 256, zero biases, no
 * normalisation) at initialisation, one forward and backward pass on a batch of standard-normal inputs, recorded
 * with @nn's own diagnostics (`watchActivations` + `recordDiagnostics`): each Linear layer's output std and its
 * weight's gradient norm, for Xavier and He initialisation under tanh and ReLU.
 */
import {
  backward, crossEntropy, kaimingNormal, Linear, manualSeed, noGrad, randint, randn, recordDiagnostics, ReLU, Sequential, Tanh,
  tidy, watchActivations, xavierNormal, type Module,
} from '@nn/all';

export const RUNS = {
  'tanh, Xavier': { act: 'tanh', init: 'xavier' },
  'tanh, He': { act: 'tanh', init: 'he' },
  'ReLU, Xavier': { act: 'relu', init: 'xavier' },
  'ReLU, He': { act: 'relu', init: 'he' },
} as const;

export type RunName = keyof typeof RUNS;

export interface Study {
  /** Per run: each layer's output std, layer 1 (input side) first. */
  activationStd: Record<RunName, number[]>;
  /** Per run: each layer's weight gradient norm. */
  gradNorm: Record<RunName, number[]>;
}

/** `depth` Linear(width, width) layers, each followed by the nonlinearity (the last feeds the loss directly). */
function mlp(act: 'tanh' | 'relu', init: 'xavier' | 'he', depth: number, width: number): Sequential {
  const modules: Module[] = [];
  for (let i = 0; i < depth; i++) {
    const layer = new Linear(width, width);
    noGrad(() => {
      const w = init === 'he' ? kaimingNormal(layer.weight.shape, { nonlinearity: 'relu' }) : xavierNormal(layer.weight.shape);
      layer.weight.assign(w);
      layer.bias!.zero_();
      w.dispose();
    });
    modules.push(layer);
    if (i < depth - 1) modules.push(act === 'tanh' ? new Tanh() : new ReLU());
  }
  return new Sequential(...modules);
}

export async function initStudy({ depth = 30, width = 256, batch = 256, seed = 0 } = {}): Promise<Study> {
  const study: Study = { activationStd: {} as Study['activationStd'], gradNorm: {} as Study['gradNorm'] };
  for (const [name, { act, init }] of Object.entries(RUNS) as [RunName, (typeof RUNS)[RunName]][]) {
    manualSeed(seed);
    const model = mlp(act, init, depth, width);
    const x = randn([batch, width]);
    const y = randint(0, width, [batch]);
    const probe = watchActivations(model);
    tidy(() => backward(crossEntropy(model.call(x), y)));
    const record = await recordDiagnostics(model, { activations: probe });
    probe.remove();
    study.activationStd[name] = record.layers.map((l) => l.activation!.std);
    study.gradNorm[name] = record.layers.map((l) => l.params.weight!.gradNorm!);
    for (const t of [x, y, ...model.parameters()]) t.dispose();
  }
  return study;
}
