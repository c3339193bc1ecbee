/**
 * `Symbol.dispose` for the declarations we publish (`Tensor[Symbol.dispose]`, `using t = ...`), so a consumer
 * compiling with `lib: ["ES2022"]` (no `esnext.disposable`) and without skipLibCheck type-checks them. The same
 * declaration as TypeScript's lib and @types/node, so the three merge.
 */
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

export {};
