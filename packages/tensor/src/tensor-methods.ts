/**
 * Method forms of the ops: `x.add(y)` is `add(x, y)`. Installed on Tensor.prototype from one table, so a method
 * cannot drift from its function.
 */
import type { DType } from './dtype.js';
import * as ops from './ops/index.js';
import type { TensorLike } from './ops/util.js';
import type { Index, IndexPutOptions, SortOptions, SortResult, TopkOptions } from './ops/index.js';
import { Tensor } from './tensor.js';

export type Dims = number | readonly number[] | null;
export interface VarOptions {
  /** Bessel-style correction: divide by N - correction (PyTorch default 1). */
  correction?: number;
  keepdim?: boolean;
}

declare module './tensor.js' {
  interface Tensor {
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    erf(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    gelu(opts?: { approximate?: 'none' | 'tanh' }): Tensor;

    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    eq(b: TensorLike): Tensor;
    ne(b: TensorLike): Tensor;
    lt(b: TensorLike): Tensor;
    le(b: TensorLike): Tensor;
    gt(b: TensorLike): Tensor;
    ge(b: TensorLike): Tensor;
    /** `where(cond, this, other)`. */
    where(cond: Tensor, other: TensorLike): Tensor;
    clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor;
    cast(dtype: DType): Tensor;
    clone(): Tensor;

    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    max(dim?: Dims, keepdim?: boolean): Tensor;
    min(dim?: Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    var(dim?: Dims, keepdim?: boolean | VarOptions, opts?: VarOptions): Tensor;
    std(dim?: Dims, keepdim?: boolean | VarOptions, opts?: VarOptions): Tensor;
    logsumexp(dim?: Dims, keepdim?: boolean): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;

    matmul(b: Tensor): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    expand(...shape: number[] | [readonly number[]]): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    slice(dim: number, start?: number, end?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    pad(pad: readonly number[], value?: number): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    oneHot(numClasses?: number): Tensor;
    /** `x[...]` in PyTorch: numbers, null (`:`), [start, end, step] slices, '...', int32 and bool tensors. */
    index(...indices: Index[]): Tensor;
    /** A copy with `this[...indices]` set to (or, with accumulate, increased by) `values` (torch.index_put). */
    indexPut(indices: readonly Index[], values: TensorLike, opts?: IndexPutOptions): Tensor;
    sort(dim?: number, opts?: SortOptions): SortResult;
    argsort(dim?: number, opts?: SortOptions): Tensor;
    topk(k: number, dim?: number, opts?: TopkOptions): SortResult;
    /** The 2-D transpose (0-d and 1-D tensors come back as they are). */
    t(): Tensor;
    /** `reshape` (every tensor is contiguous, so it can always be viewed); one entry may be -1. */
    view(...shape: number[] | [readonly number[]]): Tensor;
    /** `cast('float32')`. */
    float(): Tensor;
    /** `cast('float16')` (PyTorch's `half()`). */
    half(): Tensor;
    /** `cast('int32')` (floats truncate toward zero). */
    int(): Tensor;
    /** `cast('bool')` (non-zero is true). */
    bool(): Tensor;
    /** Reverse-mode gradient of this tensor into every leaf's `.grad`; installed by `@nn/autograd`. */
    backward(gradOutput?: Tensor | BackwardOptions | null, opts?: BackwardOptions): void;
    /**
     * Calls `fn` with this tensor's gradient during backward; `fn` may return a replacement. Installed by
     * `@nn/autograd` (see its `registerHook`).
     */
    registerHook(fn: TensorHook): RemovableHandle;
  }
}

/** A gradient hook: called with the gradient, returns a replacement of the same shape or nothing. */
export type TensorHook = (grad: Tensor) => Tensor | null | undefined | void;

/** What registering a hook returns: `remove()` unregisters it (also on `using` scope exit). */
export interface RemovableHandle {
  remove(): void;
  [Symbol.dispose](): void;
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

/** Methods whose function takes the tensor first: `x.name(...rest)` → `name(x, ...rest)`. */
export const TENSOR_FIRST_METHODS = [
  'neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'erf', 'square',
  'reciprocal', 'leakyRelu', 'gelu',
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'clamp', 'cast', 'clone',
  'sum', 'mean', 'max', 'min', 'argmax', 'argmin', 'var', 'std', 'logsumexp', 'softmax', 'logSoftmax',
  'matmul', 'transpose', 'flatten', 'squeeze', 'unsqueeze', 'slice', 'narrow', 'pad', 'gather', 'scatterAdd',
  'indexSelect', 'oneHot', 'index', 'indexPut', 'sort', 'argsort', 'topk', 't',
] as const;

/** Methods taking a variadic shape or dim list: `x.reshape(2, 3)` and `x.reshape([2, 3])` both work. */
export const VARIADIC_METHODS = ['reshape', 'expand', 'permute'] as const;

const table = ops as unknown as Record<string, (...args: unknown[]) => Tensor>;
const proto = Tensor.prototype as unknown as Record<string, unknown>;
for (const name of TENSOR_FIRST_METHODS) {
  const fn = table[name];
  if (fn) proto[name] = function (this: Tensor, ...args: unknown[]) { return fn(this, ...args); };
}
for (const name of VARIADIC_METHODS) {
  const fn = table[name];
  if (fn) proto[name] = function (this: Tensor, ...args: unknown[]) {
    return fn(this, args.length === 1 && Array.isArray(args[0]) ? args[0] : args);
  };
}
proto.backward = function () {
  throw new Error("backward: import '@nn/autograd' to compute gradients");
};
proto.registerHook = function () {
  throw new Error("registerHook: import '@nn/autograd' to use gradient hooks");
};
proto.where = function (this: Tensor, cond: Tensor, other: TensorLike) {
  return ops.where(cond, this, other);
};
proto.view = function (this: Tensor, ...args: unknown[]) {
  if (this.isDisposed) throw new Error(`view: tensor (shape ${JSON.stringify(this.shape)}, ${this.dtype}) has been disposed`);
  return ops.reshape(this, (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[]);
};
proto.float = function (this: Tensor) {
  return ops.cast(this, 'float32');
};
proto.half = function (this: Tensor) {
  return ops.cast(this, 'float16');
};
proto.int = function (this: Tensor) {
  return ops.cast(this, 'int32');
};
proto.bool = function (this: Tensor) {
  return ops.cast(this, 'bool');
};
