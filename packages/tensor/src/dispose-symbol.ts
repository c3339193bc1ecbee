/**
 * What `Tensor[Symbol.dispose]` and `using t = ...` need from TypeScript's `esnext.disposable` lib, so a consumer
 * compiling with `lib: ["ES2022"]` and without skipLibCheck type-checks our declarations and can write `using`.
 * The same declarations as that lib and @types/node, so they merge.
 */
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
}

export {};
