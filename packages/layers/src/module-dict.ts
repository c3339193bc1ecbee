/** A record of child modules by name (torch.nn.ModuleDict). */
import { describe, isPlainObject } from './args.js';
import { Module, type AnyModule } from './module.js';

/**
 * Holds modules by key, registered under those keys so state-dict keys read `enc.weight`, as in PyTorch, in
 * insertion order. Setting an existing key replaces that module. It has no forward of its own.
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = isPlainObject(modules) ? Object.entries(modules as Record<string, M>) : modules;
    if (entries === null || typeof (entries as Iterable<[string, M]>)[Symbol.iterator] !== 'function')
      throw new Error(`ModuleDict: modules must be an object or an iterable of [key, Module] pairs, got ${describe(modules)}`);
    for (const [k, m] of entries as Iterable<[string, M]>) this.set(k, m);
  }

  /** Registers `module` under `key` (replacing the module held there). */
  set(key: string, module: M): this {
    if (!(module instanceof Module)) throw new Error(`ModuleDict.set: module '${key}' must be a Module, got ${describe(module)}`);
    this.registerModule(key, module);
    return this;
  }

  /** The module under `key`; an unknown key is an error that lists the keys. */
  get(key: string): M {
    const m = this.namedChildren().find(([k]) => k === key);
    if (!m) throw new Error(`ModuleDict.get: no module '${key}' (keys: ${this.keys().join(', ')})`);
    return m[1] as M;
  }

  has(key: string): boolean {
    return this.namedChildren().some(([k]) => k === key);
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  values(): M[] {
    return this.children() as M[];
  }

  entries(): [string, M][] {
    return this.namedChildren() as [string, M][];
  }

  get size(): number {
    return this.namedChildren().length;
  }

  [Symbol.iterator](): Iterator<[string, M]> {
    return this.entries()[Symbol.iterator]();
  }

  forward(): never {
    throw new Error('ModuleDict: a ModuleDict has no forward; look its modules up by key');
  }
}
