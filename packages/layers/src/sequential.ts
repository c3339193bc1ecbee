/** A chain of modules applied in order (torch.nn.Sequential). */
import { tidy, type Tensor } from '@nn/tensor';
import { checkInt, describe, isPlainObject } from './args.js';
import { Module } from './module.js';

/** A module from tensor to tensor: what Sequential chains. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Applies its children in order, each to the previous one's output. Children are named by position ('0', '1',
 * ...) as in PyTorch, so state-dict keys read `0.weight`, `1.running_mean`; or pass one object of named
 * modules (`new Sequential({ fc: new Linear(4, 2), act: new ReLU() })`, PyTorch's OrderedDict form).
 */
export class Sequential extends Module {
  constructor(...modules: TensorModule[] | [Record<string, TensorModule>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && isPlainObject(first)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, checkModule(`module '${name}'`, m));
    } else {
      (modules as TensorModule[]).forEach((m, i) => this.append(checkModule(`module ${i}`, m)));
    }
  }

  /** Adds `module` at the end, named by its position. */
  append(module: TensorModule): this {
    this.registerModule(String(this.length), checkModule('module', module));
    return this;
  }

  /** Number of children. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** The child at `index` (negative counts from the end). */
  at(index: number): TensorModule {
    const children = this.children() as TensorModule[];
    checkInt('Sequential.at', 'index', index, -children.length);
    if (index >= children.length)
      throw new Error(`Sequential.at: index ${index} is out of range for a Sequential of length ${children.length}`);
    return children.at(index)!;
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return (this.children() as TensorModule[])[Symbol.iterator]();
  }

  /** The output of the last child (x itself when empty); intermediate activations not kept by autograd are freed. */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      for (const m of this.children() as TensorModule[]) y = m.call(y);
      return y;
    });
  }
}

function checkModule(what: string, m: unknown): TensorModule {
  if (!(m instanceof Module)) throw new Error(`Sequential: ${what} must be a Module, got ${describe(m)}`);
  return m as TensorModule;
}
