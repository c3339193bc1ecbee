/**
 * `Parameter` (torch.nn.Parameter): marks a tensor as a parameter, so that assigning it to a property of a
 * Module registers it under the property's name (`this.scale = new Parameter(ones([4]))`). There is no
 * wrapper object: `new Parameter(t)` returns `t` itself, a float32 leaf that requires gradients (unless
 * `requiresGrad` is false), remembered in a WeakSet. Tensors registered with `registerParameter` are
 * parameters too, so `decoder.weight = encoder.weight` ties weights as in PyTorch.
 */
import { fmtShape, Tensor } from '@nn/tensor';
import { checkBool, describe } from './args.js';

const parameters = new WeakSet<Tensor>();

/** A parameter is a Tensor; the type names the intent. */
export type Parameter = Tensor;

export interface ParameterConstructor {
  /** Marks `data` (float32) as a parameter and returns it, with `requiresGrad` set (default true). */
  new (data: Tensor, requiresGrad?: boolean): Parameter;
  (data: Tensor, requiresGrad?: boolean): Parameter;
  /** `t instanceof Parameter`: whether `t` was marked by `Parameter` or registered as a module's parameter. */
  [Symbol.hasInstance](t: unknown): t is Parameter;
}

function makeParameter(data: Tensor, requiresGrad = true): Parameter {
  const op = 'Parameter';
  if (!(data instanceof Tensor)) throw new Error(`${op}: data must be a Tensor, got ${describe(data)}`);
  if (data.isDisposed) throw new Error(`${op}: data (shape ${fmtShape(data.shape)}) has been disposed`);
  if (data.dtype !== 'float32') throw new Error(`${op}: data must be float32, got ${data.dtype}`);
  checkBool(op, 'requiresGrad', requiresGrad);
  data.requiresGrad = requiresGrad;
  parameters.add(data);
  return data;
}

/** `new Parameter(t)` (or `Parameter(t)`): see the file comment. */
export const Parameter = Object.defineProperty(
  function Parameter(data: Tensor, requiresGrad?: boolean) {
    return makeParameter(data, requiresGrad);
  },
  Symbol.hasInstance,
  { value: isParameter },
) as unknown as ParameterConstructor;

export function isParameter(t: unknown): t is Parameter {
  return t instanceof Tensor && parameters.has(t);
}

/** Marks `t` as a parameter without touching `requiresGrad` (what `registerParameter` does). */
export function markParameter(t: Tensor): void {
  parameters.add(t);
}
