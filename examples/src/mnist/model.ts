/** The trainer's model: an MLP of Linear → BatchNorm1d/LayerNorm → ReLU → Dropout blocks with He initialisation. */
import { noGrad } from '@nn/autograd';
import { kaimingNormal } from '@nn/init';
import { BatchNorm1d, Dropout, LayerNorm, Linear, ReLU, Sequential, type TensorModule } from '@nn/layers';
import { tidy, zerosLike } from '@nn/tensor';

export interface MlpOptions {
  inputs: number;
  hidden: readonly number[];
  classes: number;
  norm: 'batch' | 'layer';
  dropout: number;
}

/**
 * He (Kaiming) normal initialisation of a Linear followed by a ReLU: W ~ N(0, 2/fanIn), b = 0, so the
 * activations keep their variance through the layers (He et al. 2015). Assigned in place, keeping the
 * parameters' identity.
 */
export function heInit(layer: Linear): void {
  noGrad(() =>
    tidy(() => {
      layer.weight.assign(kaimingNormal(layer.weight.shape, { mode: 'fanIn', nonlinearity: 'relu' }));
      if (layer.bias) layer.bias.assign(zerosLike(layer.bias));
    }),
  );
}

/**
 * inputs → [Linear → Norm → ReLU → Dropout] per hidden size → Linear → class logits. Linears followed by
 * BatchNorm have no bias (BatchNorm's shift replaces it).
 */
export function buildMlp(o: MlpOptions): Sequential {
  const layers: TensorModule[] = [];
  let width = o.inputs;
  for (const h of o.hidden) {
    const linear = new Linear(width, h, { bias: o.norm !== 'batch' });
    heInit(linear);
    layers.push(linear, o.norm === 'batch' ? new BatchNorm1d(h) : new LayerNorm(h), new ReLU());
    if (o.dropout > 0) layers.push(new Dropout(o.dropout));
    width = h;
  }
  const head = new Linear(width, o.classes);
  heInit(head);
  layers.push(head);
  return new Sequential(...layers);
}

/** `784-256-BN-ReLU-Drop(0.2)-256-BN-ReLU-Drop(0.2)-10`. */
export function describeMlp(o: MlpOptions): string {
  const block = `${o.norm === 'batch' ? 'BN' : 'LN'}-ReLU${o.dropout > 0 ? `-Drop(${o.dropout})` : ''}`;
  return [o.inputs, ...o.hidden.map((h) => `${h}-${block}`), o.classes].join('-');
}
