/**
 * The CPU backend's heap: one shared `WebAssembly.Memory` that holds tensor storage and that every WebAssembly
 * kernel module imports, so a kernel whose operands and output live here runs on them in place — no copy into
 * the module's memory and back (the copies cost more than the arithmetic of an add or an Adam update) — and a
 * training step that frees what it made allocates nothing new: blocks are recycled by size class, so no fresh
 * backing stores are zero-filled, faulted in and later garbage-collected.
 *
 * Why shared memory: growing a memory replaces its buffer, and an ordinary (non-shared) buffer is detached,
 * which would invalidate every tensor's view; the views of a shared buffer stay valid after growth. Where
 * shared memory is unavailable (a browser page that is not cross-origin isolated), WebAssembly is off
 * (`NN_WASM=0`) or the heap is full (heapLimit: 1 GiB by default), `allocArray` falls back to ordinary typed arrays, which every kernel
 * also accepts (the WebAssembly ones stream those through their scratch blocks, as before).
 *
 * Blocks are 64-byte aligned (cache lines; SIMD loads), in size classes of 64 bytes up to 1 KiB and four per
 * power of two above (at most 25% slack). Freed blocks go to their class's free list and are never returned to
 * the system, so the heap stays at the high-water mark of a loop, which is flat once the loop repeats. Only
 * arrays that `allocArray` handed out can be freed (`releaseArray` ignores others, and subarrays), so an
 * array that a user passed to `tensor()` is never recycled.
 */
import type { DType, TypedArray } from '../../../dtype.js';
import { bytesPerElement, makeArray } from '../../../dtype.js';
import { wasmEnabled } from './load.js';

/** The memory's limit in 64 KiB pages: 2 GiB, the most that every build's i32 addresses reach safely. */
export const HEAP_MAX_PAGES = 32768;
/**
 * How far the heap grows (bytes): 1 GiB by default, `NN_CPU_HEAP_MB` to change it (at most 2048). Past it,
 * allocations fall back to ordinary typed arrays. The limit also bounds a loop that never frees its tensors
 * (no `tidy`, no `dispose`): the garbage collector does not see heap blocks, only the views on them, so storage
 * left to the FinalizationRegistry piles up in the heap until the collector runs for other reasons; ordinary
 * arrays past the limit are memory it sees, so it runs, and the finalizers return the heap's blocks.
 */
function heapLimit(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const mb = Number.parseInt(env?.NN_CPU_HEAP_MB ?? '', 10);
  return Math.min(HEAP_MAX_PAGES * 65536, mb > 0 ? mb * 2 ** 20 : 2 ** 30);
}

/** Bytes below this address stay unused: the modules' (empty) static data and stack sit under 1 KiB. */
const HEAP_START = 65536;
const ALIGN = 64;

interface Heap {
  memory: WebAssembly.Memory;
  /** Next never-used byte. */
  top: number;
  /** Free blocks by class size in bytes. */
  free: Map<number, number[]>;
  /** Every buffer object the memory has had (one per growth): views on any of them are heap views. */
  buffers: WeakSet<ArrayBufferLike>;
  /** Arrays handed out by allocArray and not yet released, with their class size. */
  owned: WeakMap<TypedArray, number>;
  /** Bytes in blocks handed out and not yet released. */
  inUse: number;
  /** The most bytes the memory may grow to (heapLimit). */
  limit: number;
}

let heap: Heap | null | undefined;

/** The heap, created on first use; null where shared WebAssembly memory is unavailable or WebAssembly is off. */
function getHeap(): Heap | null {
  if (heap !== undefined) return heap;
  heap = null;
  if (!wasmEnabled() || typeof SharedArrayBuffer !== 'function') return null;
  try {
    const limit = heapLimit();
    const memory = new WebAssembly.Memory({ initial: Math.min(64, limit / 65536), maximum: HEAP_MAX_PAGES, shared: true });
    heap = { memory, top: HEAP_START, free: new Map(), buffers: new WeakSet([memory.buffer]), owned: new WeakMap(), inUse: 0, limit };
  } catch {
    heap = null; // shared memory refused (e.g. a page that is not cross-origin isolated)
  }
  return heap;
}

/** The heap's memory, for instantiating the modules that import it; null where there is no heap. */
export function heapMemory(): WebAssembly.Memory | null {
  return getHeap()?.memory ?? null;
}

/** The block size that serves a request of `bytes`. */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.ceil(Math.log2(bytes)) - 3); // a quarter of the power of two below
  return Math.ceil(bytes / step) * step;
}

/** Byte address of a block of at least `bytes`, or -1 when the heap is full. Its content is arbitrary. */
function allocBlock(h: Heap, bytes: number): number {
  const size = sizeClass(bytes);
  const list = h.free.get(size);
  if (list && list.length > 0) {
    h.inUse += size;
    return list.pop()!;
  }
  const at = h.top;
  const end = at + size;
  if (end > h.limit) return -1;
  const have = h.memory.buffer.byteLength;
  if (end > have) {
    // Grow by at least an eighth of the heap, so a growing workload asks the system rarely.
    const pages = Math.min(h.limit / 65536 - have / 65536, Math.max(Math.ceil((end - have) / 65536), have / 65536 / 8) | 0);
    try {
      h.memory.grow(pages);
    } catch {
      return -1;
    }
    h.buffers.add(h.memory.buffer);
  }
  h.top = end;
  h.inUse += size;
  return at;
}

function view(h: Heap, dtype: DType, at: number, size: number): TypedArray {
  const buffer = h.memory.buffer;
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, at, size);
    case 'float16':
      return new Uint16Array(buffer, at, size);
    case 'int32':
      return new Int32Array(buffer, at, size);
    case 'bool':
      return new Uint8Array(buffer, at, size);
  }
}

/**
 * A new array of `size` elements of `dtype` for a kernel's output: in the heap where there is one (zero-filled
 * unless `zero` is false, for kernels that write every element), else an ordinary zero-filled array. Release it
 * with `releaseArray` when its storage is freed.
 */
export function allocArray(dtype: DType, size: number, zero = true): TypedArray {
  const h = getHeap();
  if (!h || size === 0) return makeArray(dtype, size);
  const bytes = bytesPerElement(dtype) * size;
  const at = allocBlock(h, bytes);
  if (at < 0) return makeArray(dtype, size);
  const out = view(h, dtype, at, size);
  if (zero) out.fill(0);
  h.owned.set(out, sizeClass(bytes));
  return out;
}

/** Returns `x`'s block to the heap if `allocArray` made it; does nothing for any other array. */
export function releaseArray(x: TypedArray): void {
  const h = heap;
  if (!h) return;
  const size = h.owned.get(x);
  if (size === undefined) return;
  h.owned.delete(x);
  freeBlock(h, x.byteOffset, size);
}

function freeBlock(h: Heap, at: number, size: number): void {
  h.inUse -= size;
  let list = h.free.get(size);
  if (!list) h.free.set(size, (list = []));
  list.push(at);
}

/**
 * A raw block of at least `bytes` (a module's scratch blocks; a kernel's staging area); returns its byte address,
 * or -1 where there is no heap or it is full. Return it with `freeHeap(at, bytes)`, or keep it for good.
 */
export function allocHeap(bytes: number): number {
  const h = getHeap();
  return h ? allocBlock(h, bytes) : -1;
}

/** Returns a block from `allocHeap` (the same `bytes`). */
export function freeHeap(at: number, bytes: number): void {
  if (heap) freeBlock(heap, at, sizeClass(bytes));
}

/** Whether `x` is an array that `allocArray` made in the heap and that has not been released. */
export function isHeapArray(x: TypedArray): boolean {
  return heap ? heap.owned.has(x) : false;
}

/** The byte address of `x`'s first element if it lies in the heap, else -1. */
export function heapAddress(x: TypedArray): number {
  return heap && heap.buffers.has(x.buffer) ? x.byteOffset : -1;
}

/** How much of the heap is in use and reserved (for memory tests and benchmarks); zeros where there is none. */
export function heapStats(): { bytesInUse: number; bytesReserved: number } {
  const h = heap;
  return h ? { bytesInUse: h.inUse, bytesReserved: h.memory.buffer.byteLength } : { bytesInUse: 0, bytesReserved: 0 };
}
