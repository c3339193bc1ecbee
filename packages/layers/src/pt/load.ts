/**
 * `loadPt(bytes)`: reads what `torch.save` writes (the zip format of PyTorch ≥ 1.6, and the legacy format before
 * it, legacy.ts) without executing anything.
 * The pickle is read by a restricted unpickler (unpickler.ts) whose only callables are an allow-list of globals:
 * `torch._utils._rebuild_tensor_v2` / `_rebuild_tensor` / `_rebuild_parameter`, `collections.OrderedDict` and
 * `Counter`, the `torch.*Storage` types, `builtins.set` / `frozenset` and `_codecs.encode` (bytes in protocol 2). Any other
 * global is an error naming it. Everything is read and checked (zip structure, CRC-32 of each entry read,
 * storages long enough for their tensors, int64 values within int32) before the first tensor is created, so a
 * bad file leaves nothing half-loaded.
 */
import { fromValues, type Device, type Tensor, type TypedArray } from '@nn/tensor';
import { checkOptions, describe } from '../args.js';
import { Parameter } from '../parameter.js';
import { readLegacy } from './legacy.js';
import { decodeStorage } from './storage-types.js';
import { checkpointContext, StorageRef, TensorSpec } from './tensor-globals.js';
import { PyDict, typeName, unpickle } from './unpickler.js';
import { ZipReader } from './zip.js';

export interface LoadPtOptions {
  /** Device of the loaded tensors (default: the current backend). As `torch.load(map_location=...)`. */
  device?: Device;
}

/**
 * The object `torch.save(obj, f)` wrote, with tensors as @nn Tensors: float32/float64/float16/bfloat16 load as
 * float32, int64/int32/int16/int8/uint8 as int32 (an error naming the storage for a value outside the int32
 * range), bool as bool; views (storage offsets, strides) as contiguous copies of what they show. dicts and
 * `OrderedDict`s with str keys become plain objects (key order kept, except that integer-like keys come first,
 * as for any JS object), dicts with other keys Maps (the int keys of an optimizer's `state`: `new Map([[0, ...]])`);
 * lists and tuples arrays, None null, bytes Uint8Array, sets Sets. An object reached twice (a tensor saved under
 * two keys) is one object here too. Parameters load as `Parameter`s. complex and quantized dtypes are errors,
 * naming the dtype. The tensors are ordinary (tracked by the enclosing `tidy`): dispose them when done.
 */
export function loadPt<T = unknown>(bytes: Uint8Array | ArrayBuffer, opts?: LoadPtOptions): T {
  const op = 'loadPt';
  const { device } = checkOptions(op, opts, ['device']);
  const buf = asBytes(op, bytes);
  if (buf[0] === 0x80) return toJs(op, ...readLegacy(op, buf), device) as T; // a pickle: the legacy format
  checkNotTar(op, buf);
  const zip = new ZipReader(op, buf);
  const first = zip.entries.keys().next().value as string | undefined;
  if (first === undefined) throw new Error(`${op}: the zip archive is empty: a PyTorch checkpoint holds <archive>/data.pkl`);
  // As PyTorch's reader: the archive's folder is the first entry's (torch.save names it after the file).
  const prefix = first.includes('/') ? first.slice(0, first.indexOf('/') + 1) : '';
  // Entries are named relative to that folder in errors ('data.pkl', 'data/0').
  const pklEntry = 'data.pkl';
  if (!zip.entries.has(prefix + pklEntry)) throw new Error(`${op}: the checkpoint has no entry '${prefix}${pklEntry}': not a file written by torch.save`);

  const storages = new Map<string, StorageRef>();
  const { value } = unpickle(zip.read(prefix + pklEntry, pklEntry), checkpointContext(op, pklEntry, storages));
  return toJs(op, value, (s) => readStorage(op, zip, prefix, s), device) as T;
}

function asBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new Error(`${op}: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer, got ${describe(bytes)}`);
}

/** The tar format of PyTorch before 0.4 is refused with what to do. */
function checkNotTar(op: string, buf: Uint8Array): void {
  if (buf.length > 262 && new TextDecoder('latin1').decode(buf.subarray(257, 262)) === 'ustar')
    throw new Error(`${op}: this is the tar checkpoint format of PyTorch before 0.4, which is not supported: re-save it with a recent torch.save`);
}

/** A storage's elements as @nn holds them, from its entry. */
function readStorage(op: string, zip: ZipReader, prefix: string, s: StorageRef): TypedArray {
  if (!zip.entries.has(prefix + s.entry)) throw new Error(`${op}: the checkpoint has no entry '${s.entry}', which the pickle refers to (a ${s.type.torchDtype} storage)`);
  const bytes = zip.read(prefix + s.entry, s.entry);
  const need = s.numel * s.type.itemSize;
  if (bytes.byteLength < need)
    throw new Error(`${op}: entry '${s.entry}' holds ${bytes.byteLength} bytes, but its ${s.numel} ${s.type.torchDtype} elements need ${need}: the file is truncated or corrupt`);
  return decodeStorage(op, s.entry, s.type, bytes, s.numel);
}

/**
 * The unpickled value as JS values, tensors made last (see loadPt). Shared and cyclic references are kept: each
 * object is converted once.
 */
function toJs(op: string, root: unknown, read: (s: StorageRef) => TypedArray, device: Device | undefined): unknown {
  const specs = new Map<TensorSpec, Tensor | undefined>();
  const done = new Map<object, unknown>();
  const convert = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object' || x instanceof Uint8Array) return x;
    if (done.has(x)) return done.get(x);
    if (x instanceof TensorSpec) {
      specs.set(x, undefined);
      done.set(x, x);
      return x;
    }
    if (Array.isArray(x)) {
      const out: unknown[] = [];
      done.set(x, out);
      for (const v of x) out.push(convert(v));
      return out;
    }
    if (x instanceof Set) {
      const out = new Set<unknown>();
      done.set(x, out);
      for (const v of x) out.add(convert(v));
      return out;
    }
    if (x instanceof PyDict) {
      const entries = [...x.items.values()];
      if (entries.every(([k]) => typeof k === 'string')) {
        const out: Record<string, unknown> = {};
        done.set(x, out);
        // defineProperty: a key such as '__proto__' is an ordinary entry.
        for (const [k, v] of entries) Object.defineProperty(out, k as string, { value: convert(v), enumerable: true, writable: true, configurable: true });
        return out;
      }
      const out = new Map<unknown, unknown>();
      done.set(x, out);
      for (const [k, v] of entries) out.set(convert(k), convert(v));
      return out;
    }
    if (x instanceof StorageRef) throw new Error(`${op}: the checkpoint holds a bare storage ('${x.entry}'), not a tensor; @nn has no storage objects`);
    throw new Error(`${op}: the checkpoint holds ${typeName(x)}, which @nn cannot represent`);
  };
  const converted = convert(root);
  // Read every tensor's values (the last checks; each storage once), then make the tensors (disposing them again
  // should one fail).
  const storages = new Map<StorageRef, TypedArray>();
  const storage = (s: StorageRef): TypedArray => storages.get(s) ?? storages.set(s, read(s)).get(s)!;
  const values = new Map([...specs.keys()].map((spec) => [spec, spec.values(storage(spec.storage))]));
  const made: Tensor[] = [];
  try {
    for (const spec of specs.keys()) {
      let t = fromValues(op, values.get(spec)!, spec.shape, spec.dtype, { device });
      made.push(t);
      if (spec.parameter && spec.dtype === 'float32') t = new Parameter(t, spec.requiresGrad);
      else if (spec.requiresGrad && spec.dtype === 'float32') t.requiresGrad = true;
      specs.set(spec, t);
    }
  } catch (e) {
    for (const t of made) t.dispose();
    throw e;
  }
  return replaceSpecs(converted, specs);
}

/** Puts each made tensor where its TensorSpec sits. */
function replaceSpecs(root: unknown, tensors: Map<TensorSpec, Tensor | undefined>): unknown {
  if (tensors.size === 0) return root;
  const seen = new Set<object>();
  const sub = (x: unknown): unknown => (x instanceof TensorSpec ? tensors.get(x) : x);
  const visit = (x: unknown): void => {
    if (x === null || typeof x !== 'object' || x instanceof TensorSpec || x instanceof Uint8Array || seen.has(x)) return;
    seen.add(x);
    if (Array.isArray(x)) x.forEach((v, i) => ((x[i] = sub(v)), visit(v)));
    else if (x instanceof Map) for (const [k, v] of x) (x.set(k, sub(v)), visit(v));
    else if (x instanceof Set) {
      const items = [...x];
      x.clear();
      for (const v of items) (x.add(sub(v)), visit(v));
    } else for (const [k, v] of Object.entries(x)) (((x as Record<string, unknown>)[k] = sub(v)), visit(v));
  };
  visit(root);
  return sub(root);
}
