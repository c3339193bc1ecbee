/**
 * The trainer's models: an MLP of Linear → BatchNorm1d/LayerNorm → ReLU → Dropout blocks, or a CNN of
 * Conv2d → BatchNorm2d → ReLU → MaxPool2d blocks, both with He initialisation.
 */
import { noGrad } from '@nn/autograd';
import { kaimingNormal } from '@nn/init';
import {
  BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, LayerNorm, Linear, MaxPool2d, ReLU, Sequential, Unflatten, type TensorModule,
} from '@nn/layers';
import { tidy, zerosLike } from '@nn/tensor';

export interface MlpOptions {
  inputs: number;
  hidden: readonly number[];
  classes: number;
  norm: 'batch' | 'layer';
  dropout: number;
}

/**
 * He (Kaiming) normal initialisation of a Linear or Conv2d followed by a ReLU: W ~ N(0, 2/fanIn) (fanIn =
 * inputs × kernel area), b = 0, so the activations keep their variance through the layers (He et al. 2015).
 * Assigned in place, keeping the parameters' identity.
 */
export function heInit(layer: Linear | Conv2d): void {
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

export interface CnnOptions {
  /** Image side (square, one channel). */
  side: number;
  /** Output channels of each conv block. */
  channels: readonly number[];
  classes: number;
  dropout: number;
}

/**
 * Flat images [N, side²] → [Conv2d 3×3 (padding 1, no bias) → BatchNorm2d → ReLU → MaxPool2d 2×2] per channel
 * count → Flatten → Dropout → Linear → class logits. Each block halves the image (28 → 14 → 7).
 */
export function buildCnn(o: CnnOptions): Sequential {
  const layers: TensorModule[] = [new Unflatten(1, [1, o.side, o.side])];
  let inChannels = 1;
  let side = o.side;
  for (const c of o.channels) {
    const conv = new Conv2d(inChannels, c, 3, { padding: 1, bias: false });
    heInit(conv);
    layers.push(conv, new BatchNorm2d(c), new ReLU(), new MaxPool2d(2));
    inChannels = c;
    side = Math.floor(side / 2);
  }
  if (side < 1) throw new Error(`buildCnn: ${o.channels.length} blocks halve a ${o.side}×${o.side} image to nothing; use fewer --channels`);
  layers.push(new Flatten());
  if (o.dropout > 0) layers.push(new Dropout(o.dropout));
  const head = new Linear(inChannels * side * side, o.classes);
  heInit(head);
  layers.push(head);
  return new Sequential(...layers);
}

/** `conv32-BN-ReLU-pool-conv64-BN-ReLU-pool-Drop(0.1)-10`. */
export function describeCnn(o: CnnOptions): string {
  const blocks = o.channels.map((c) => `conv${c}-BN-ReLU-pool`);
  return [...blocks, ...(o.dropout > 0 ? [`Drop(${o.dropout})`] : []), o.classes].join('-');
}
