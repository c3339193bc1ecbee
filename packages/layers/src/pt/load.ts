/**
 * `loadPt(bytes)`: reads what `torch.save` writes (the zip format of PyTorch ≥ 1.6) without executing anything.
 * The pickle is read by a restricted unpickler (unpickler.ts) whose only callables are an allow-list of globals:
 * `torch._utils._rebuild_tensor_v2` / `_rebuild_tensor` / `_rebuild_parameter`, `collections.OrderedDict`, the
 * `torch.*Storage` types, `builtins.set` / `frozenset` and `_codecs.encode` (bytes in protocol 2). Any other
 * global is an error naming it. Everything is read and checked (zip structure, CRC-32 of each entry read,
 * storages long enough for their tensors, int64 values within int32) before the first tensor is created, so a
 * bad file leaves nothing half-loaded.
 */
import { fromValues, type Device, type DType, type Tensor, type TypedArray } from '@nn/tensor';
import { checkOptions, describe } from '../args.js';
import { Parameter } from '../parameter.js';
import { STORAGE_TYPES, UNSUPPORTED_STORAGE_TYPES, decodeStorage, type StorageType } from './storage-types.js';
import { isTuple, PyDict, PyGlobal, typeName, unpickle } from './unpickler.js';
import { ZipReader } from './zip.js';

export interface LoadPtOptions {
  /** Device of the loaded tensors (default: the current backend). As `torch.load(map_location=...)`. */
  device?: Device;
}

/** A storage named by a persistent id; its bytes are read and decoded when a tensor first needs them. */
class StorageRef {
  values?: TypedArray;
  constructor(
    readonly key: string,
    readonly entry: string,
    readonly type: StorageType,
    readonly numel: number,
  ) {}
}

/** A tensor, fully decoded, made into a Tensor once the whole file has been read. */
class TensorSpec {
  parameter = false;
  constructor(
    readonly values: TypedArray,
    readonly shape: number[],
    readonly dtype: DType,
    public requiresGrad: boolean,
  ) {}
}

/**
 * The object `torch.save(obj, f)` wrote, with tensors as @nn Tensors: float32/float64/float16/bfloat16 load as
 * float32, int64/int32/int16/int8/uint8 as int32 (an error naming the storage for a value outside the int32
 * range), bool as bool; views (storage offsets, strides) as contiguous copies of what they show. dicts and
 * `OrderedDict`s with str keys become plain objects (key order kept, except that integer-like keys come first,
 * as for any JS object), dicts with other keys Maps (the int keys of an optimizer's `state`: `new Map([[0, ...]])`);
 * lists and tuples arrays, None null, bytes Uint8Array, sets Sets. An object reached twice (a tensor saved under
 * two keys) is one object here too. Parameters load as `Parameter`s. complex and quantized dtypes, and the
 * pre-1.6 format, are errors. The tensors are ordinary (tracked by the enclosing `tidy`): dispose them when done.
 */
export function loadPt<T = unknown>(bytes: Uint8Array | ArrayBuffer, opts?: LoadPtOptions): T {
  const op = 'loadPt';
  const { device } = checkOptions(op, opts, ['device']);
  const buf = asBytes(op, bytes);
  checkNotLegacy(op, buf);
  const zip = new ZipReader(op, buf);
  const first = zip.entries.keys().next().value as string | undefined;
  if (first === undefined) throw new Error(`${op}: the zip archive is empty: a PyTorch checkpoint holds <archive>/data.pkl`);
  // As PyTorch's reader: the archive's folder is the first entry's (torch.save names it after the file).
  const prefix = first.includes('/') ? first.slice(0, first.indexOf('/') + 1) : '';
  // Entries are named relative to that folder in errors ('data.pkl', 'data/0').
  const pklEntry = 'data.pkl';
  if (!zip.entries.has(prefix + pklEntry)) throw new Error(`${op}: the checkpoint has no entry '${prefix}${pklEntry}': not a file written by torch.save`);

  const storages = new Map<string, StorageRef>();
  const globals = allowedGlobals(op, (s) => readStorage(op, zip, prefix, s));
  const ctx = {
    op,
    entry: pklEntry,
    findGlobal(module: string, name: string): PyGlobal {
      const qualname = `${module}.${name}`;
      const g = globals.get(qualname);
      if (g) return g;
      if (module === 'torch' && name in UNSUPPORTED_STORAGE_TYPES)
        throw new Error(
          `${op}: unsupported dtype ${UNSUPPORTED_STORAGE_TYPES[name]} (torch.${name}) in ${pklEntry}: @nn loads float, integer and bool tensors`,
        );
      throw new Error(`${op}: refusing to load global '${qualname}' (${pklEntry}): a checkpoint may only hold tensors, numbers, strings and containers`);
    },
    persistentLoad: (pid: unknown) => persistentLoad(op, pklEntry, storages, pid),
  };
  const { value } = unpickle(zip.read(prefix + pklEntry, pklEntry), ctx);
  return toJs(op, value, device) as T;
}

function asBytes(op: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new Error(`${op}: bytes must be a Uint8Array (a Node Buffer works) or an ArrayBuffer, got ${describe(bytes)}`);
}

function checkNotLegacy(op: string, buf: Uint8Array): void {
  const isTar = buf.length > 262 && new TextDecoder('latin1').decode(buf.subarray(257, 262)) === 'ustar';
  if (buf[0] === 0x80 || isTar)
    throw new Error(
      `${op}: this is PyTorch's legacy checkpoint format (torch.save before 1.6, or _use_new_zipfile_serialization=False), ` +
        `which is not supported: re-save it in PyTorch with torch.save(torch.load(path), path)`,
    );
}

/** The globals a checkpoint may name, each building a plain value from its arguments. */
function allowedGlobals(op: string, read: (s: StorageRef) => TypedArray): Map<string, PyGlobal> {
  const g = new Map<string, PyGlobal>();
  const add = (qualname: string, call?: (args: unknown[]) => unknown) => g.set(qualname, new PyGlobal(qualname, call));
  const rebuildTensor = (name: string) => (args: unknown[]) => {
    const [storage, offset, size, stride, requiresGrad = false] = args;
    return rebuild(op, name, read, storage, offset, size, stride, requiresGrad);
  };
  add('torch._utils._rebuild_tensor_v2', rebuildTensor('_rebuild_tensor_v2'));
  add('torch._utils._rebuild_tensor', rebuildTensor('_rebuild_tensor'));
  add('torch._utils._rebuild_parameter', ([data, requiresGrad]) => {
    if (!(data instanceof TensorSpec) || typeof requiresGrad !== 'boolean')
      throw new Error(`${op}: _rebuild_parameter(data, requires_grad, ...) got ${typeName(data)} and ${typeName(requiresGrad)}`);
    data.parameter = true;
    data.requiresGrad = requiresGrad;
    return data;
  });
  const orderedDict = (args: unknown[]) => {
    const d = new PyDict();
    const [items] = args;
    if (items instanceof PyDict) for (const [k, e] of items.items) d.items.set(k, e);
    else if (items !== undefined) throw new Error(`${op}: OrderedDict(...) of ${typeName(items)} is not supported`);
    return d;
  };
  add('collections.OrderedDict', orderedDict);
  for (const module of ['builtins', '__builtin__'])
    for (const name of ['set', 'frozenset'])
      add(`${module}.${name}`, ([items]) => {
        if (items !== undefined && !Array.isArray(items)) throw new Error(`${op}: ${name}(...) of ${typeName(items)} is not supported`);
        return new Set(items ?? []);
      });
  // Protocol 2 pickles bytes as _codecs.encode(<str of code points 0-255>, 'latin1').
  add('_codecs.encode', ([s, encoding]) => {
    if (typeof s !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1'))
      throw new Error(`${op}: _codecs.encode is allowed only for latin1 bytes, got encoding ${typeName(encoding)}`);
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  });
  for (const name of Object.keys(STORAGE_TYPES)) add(`torch.${name}`);
  return g;
}

/** `('storage', torch.FloatStorage, '<key>', '<location>', numel)`: the storage in entry data/<key>. */
function persistentLoad(op: string, entry: string, storages: Map<string, StorageRef>, pid: unknown): StorageRef {
  if (!Array.isArray(pid) || !isTuple(pid) || pid[0] !== 'storage' || pid.length < 5)
    throw new Error(`${op}: unsupported persistent id in ${entry}: expected ('storage', type, key, location, numel), got ${typeName(pid)}`);
  const [, type, key, location, numel] = pid;
  const storageType = type instanceof PyGlobal ? STORAGE_TYPES[type.qualname.replace(/^torch\./, '')] : undefined;
  if (!storageType) throw new Error(`${op}: the persistent id of a storage in ${entry} names ${typeName(type)}, not a storage type`);
  if (typeof key !== 'string' || typeof location !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0)
    throw new Error(`${op}: the persistent id of a storage in ${entry} is malformed (key, location or size)`);
  const seen = storages.get(key);
  if (seen) {
    if (seen.type !== storageType || seen.numel !== numel)
      throw new Error(`${op}: storage '${seen.entry}' is described two ways in ${entry} (${seen.type.torchDtype}[${seen.numel}] and ${storageType.torchDtype}[${numel}])`);
    return seen;
  }
  const ref = new StorageRef(key, `data/${key}`, storageType, numel);
  storages.set(key, ref);
  return ref;
}

/** A storage's elements as @nn holds them, read from its entry once. */
function readStorage(op: string, zip: ZipReader, prefix: string, s: StorageRef): TypedArray {
  if (s.values) return s.values;
  if (!zip.entries.has(prefix + s.entry)) throw new Error(`${op}: the checkpoint has no entry '${s.entry}', which the pickle refers to (a ${s.type.torchDtype} storage)`);
  const bytes = zip.read(prefix + s.entry, s.entry);
  const need = s.numel * s.type.itemSize;
  if (bytes.byteLength < need)
    throw new Error(`${op}: entry '${s.entry}' holds ${bytes.byteLength} bytes, but its ${s.numel} ${s.type.torchDtype} elements need ${need}: the file is truncated or corrupt`);
  s.values = decodeStorage(op, s.entry, s.type, bytes, s.numel);
  return s.values;
}

const isIntTuple = (x: unknown): x is number[] =>
  Array.isArray(x) && x.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);

/** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, ...)`: the elements the view shows, in order. */
function rebuild(
  op: string,
  fn: string,
  read: (s: StorageRef) => TypedArray,
  storage: unknown,
  offset: unknown,
  size: unknown,
  stride: unknown,
  requiresGrad: unknown,
): TensorSpec {
  if (!(storage instanceof StorageRef)) throw new Error(`${op}: ${fn} expects a storage, got ${typeName(storage)}`);
  const where = `entry '${storage.entry}'`;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || !isIntTuple(size) || !isIntTuple(stride) || size.length !== stride.length)
    throw new Error(`${op}: ${fn} for the tensor in ${where} has a malformed offset, size or stride`);
  if (typeof requiresGrad !== 'boolean') throw new Error(`${op}: ${fn} for the tensor in ${where} has requires_grad ${typeName(requiresGrad)}`);
  const numel = size.reduce((a, d) => a * d, 1);
  const last = numel === 0 ? -1 : size.reduce((a, d, i) => a + (d - 1) * stride[i]!, offset);
  if (last >= storage.numel)
    throw new Error(
      `${op}: a tensor of size [${size.join(',')}] with offset ${offset} and stride [${stride.join(',')}] needs element ${last} of ${where}, which holds ${storage.numel}`,
    );
  const data = read(storage);
  const type = storage.type;
  let values: TypedArray;
  if (numel === 0) values = new (data.constructor as { new (n: number): TypedArray })(0);
  else if (isContiguous(size, stride)) values = data.slice(offset, offset + numel);
  else values = gather(data, offset, size, stride, numel);
  return new TensorSpec(values, size.slice(), type.dtype, requiresGrad);
}

function isContiguous(size: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d]!;
  }
  return true;
}

/** The elements of a strided view, row-major. */
function gather(data: TypedArray, offset: number, size: number[], stride: number[], numel: number): TypedArray {
  const out = new (data.constructor as { new (n: number): TypedArray })(numel);
  const rank = size.length;
  const index = new Array<number>(rank).fill(0);
  let src = offset;
  for (let i = 0; i < numel; i++) {
    out[i] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      src += stride[d]!;
      if (++index[d]! < size[d]!) break;
      src -= stride[d]! * size[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/**
 * The unpickled value as JS values, tensors made last (see loadPt). Shared and cyclic references are kept: each
 * object is converted once.
 */
function toJs(op: string, root: unknown, device: Device | undefined): unknown {
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
  // Every check has passed: now make the tensors (disposing them again should one fail).
  const made: Tensor[] = [];
  try {
    for (const spec of specs.keys()) {
      let t = fromValues(op, spec.values, spec.shape, spec.dtype, { device });
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
