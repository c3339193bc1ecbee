/**
 * The deep plain ReLU MLP of the vanishing-gradient lecture: `depth` Linear layers with a ReLU between each two,
 * no normalisation, no residual connections. Only the weight initialisation differs between the runs: PyTorch's
 * default biases (uniform ±1/√fanIn) are kept, as after `init.kaimingNormal_(layer.weight)` in PyTorch.
 */
import { kaimingNormal, Linear, noGrad, ReLU, Sequential, xavierUniform, type Tensor } from '@nn/all';

/** The initialisations compared. */
export const INITS = ['he', 'half-he', 'xavier'] as const;
export type InitName = (typeof INITS)[number];

/** What each initialisation is, in words (for the printed table). */
export const INIT_DESCRIPTIONS: Record<InitName, string> = {
  he: 'kaimingNormal(fanIn, relu): std √(2/fanIn)',
  'half-he': 'half of He: std ½√(2/fanIn)',
  xavier: 'xavierUniform: std √(2/(fanIn+fanOut))',
};

/** A weight of shape [out, in] drawn from `init`. */
export function initWeight(init: InitName, shape: readonly number[]): Tensor {
  switch (init) {
    case 'he':
      return kaimingNormal(shape, { mode: 'fanIn', nonlinearity: 'relu' });
    case 'half-he':
      return noGrad(() => {
        const w = kaimingNormal(shape, { mode: 'fanIn', nonlinearity: 'relu' });
        const half = w.mul(0.5);
        w.dispose();
        return half;
      });
    case 'xavier':
      return xavierUniform(shape);
  }
}

export interface DeepMlpOptions {
  depth: number;
  width: number;
  inputs: number;
  classes: number;
  init: InitName;
}

/** Linear(inputs, width), ReLU, (depth − 2) × [Linear(width, width), ReLU], Linear(width, classes). */
export function deepMlp(o: DeepMlpOptions): Sequential {
  const modules = [];
  for (let i = 0; i < o.depth; i++) {
    const layer = new Linear(i === 0 ? o.inputs : o.width, i === o.depth - 1 ? o.classes : o.width);
    const w = initWeight(o.init, layer.weight.shape);
    noGrad(() => layer.weight.assign(w));
    w.dispose();
    modules.push(layer);
    if (i < o.depth - 1) modules.push(new ReLU());
  }
  return new Sequential(...modules);
}
