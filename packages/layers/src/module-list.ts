/** A list of child modules (torch.nn.ModuleList). */
import { checkInt, describe } from './args.js';
import { Module, type AnyModule } from './module.js';

/**
 * Holds modules in a list, registered under their positions ('0', '1', ...) so their parameters appear in
 * `parameters()` and their state-dict keys read `0.weight`, `1.bias`, as in PyTorch. It has no forward of its
 * own: the owning module iterates over it.
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  constructor(modules: Iterable<M> = []) {
    super();
    if (modules === null || typeof (modules as Iterable<M>)[Symbol.iterator] !== 'function')
      throw new Error(`ModuleList: modules must be an iterable of Modules, got ${describe(modules)}`);
    this.extend(modules);
  }

  /** Adds `module` at the end, named by its position. */
  append(module: M): this {
    if (!(module instanceof Module)) throw new Error(`ModuleList.append: module must be a Module, got ${describe(module)}`);
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends every module of `modules`. */
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  get length(): number {
    return this.namedChildren().length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): M {
    const children = this.children() as M[];
    checkInt('ModuleList.at', 'index', index, -children.length);
    if (index >= children.length) throw new Error(`ModuleList.at: index ${index} is out of range for a ModuleList of length ${children.length}`);
    return children.at(index)!;
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  forward(): never {
    throw new Error('ModuleList: a ModuleList has no forward; iterate over its modules');
  }
}
