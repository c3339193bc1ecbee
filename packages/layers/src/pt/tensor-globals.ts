/**
 * What the pickle of a checkpoint may build: the allow-list of globals (`torch._utils._rebuild_tensor_v2`,
 * `_rebuild_tensor`, `_rebuild_parameter`, `collections.OrderedDict` and `Counter`, the `torch.*Storage` types,
 * `builtins.set` / `frozenset`, `_codecs.encode`), each a JS function building a plain value, and the storages
 * named by persistent ids. A tensor is checked against its storage's declared size when the pickle builds it,
 * and its values are read only after the whole pickle has been read (a legacy file stores them after it).
 */
import type { DType, TypedArray } from '@nn/tensor';
import { STORAGE_TYPES, UNSUPPORTED_STORAGE_TYPES, type StorageType } from './storage-types.js';
import { isTuple, PyDict, PyGlobal, typeName, type UnpickleContext } from './unpickler.js';

/** A storage named by a persistent id; its bytes are read once the whole pickle has been. */
export class StorageRef {
  constructor(
    readonly key: string,
    readonly entry: string,
    readonly type: StorageType,
    readonly numel: number,
  ) {}
}

/** A tensor as the pickle describes it: a view of a storage, made into a Tensor once everything is read. */
export class TensorSpec {
  parameter = false;
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    public requiresGrad: boolean,
  ) {}

  get dtype(): DType {
    return this.storage.type.dtype;
  }

  /** The elements the view shows, in row-major order, from `data` (all of its storage's elements). */
  values(data: TypedArray): TypedArray {
    const { offset, shape, stride } = this;
    const numel = shape.reduce((a, d) => a * d, 1);
    if (numel === 0) return new (data.constructor as { new (n: number): TypedArray })(0);
    if (isContiguous(shape, stride)) return data.slice(offset, offset + numel);
    return gather(data, offset, shape, stride, numel);
  }
}

/**
 * The unpickler's context for `entry`: the allow-list, with an error naming any other global (and unsupported
 * dtypes by name), and persistent ids resolved to the storages in `storages` (filled as they are named).
 */
export function checkpointContext(op: string, entry: string, storages: Map<string, StorageRef>): UnpickleContext {
  const globals = allowedGlobals(op);
  return {
    op,
    entry,
    findGlobal(module: string, name: string): PyGlobal {
      const qualname = `${module}.${name}`;
      const g = globals.get(qualname);
      if (g) return g;
      if (module === 'torch' && Object.hasOwn(UNSUPPORTED_STORAGE_TYPES, name))
        throw new Error(`${op}: unsupported dtype ${UNSUPPORTED_STORAGE_TYPES[name]} (torch.${name}) in ${entry}: @nn loads float, integer and bool tensors`);
      throw new Error(`${op}: refusing to load global '${qualname}' (${entry}): a checkpoint may only hold tensors, numbers, strings and containers`);
    },
    persistentLoad: (pid: unknown) => persistentLoad(op, entry, storages, pid),
  };
}

/** The globals a checkpoint may name, each building a plain value from its arguments. */
function allowedGlobals(op: string): Map<string, PyGlobal> {
  const g = new Map<string, PyGlobal>();
  const add = (qualname: string, call?: (args: unknown[]) => unknown) => g.set(qualname, new PyGlobal(qualname, call));
  const rebuildTensor = (name: string) => (args: unknown[]) => {
    const [storage, offset, size, stride, requiresGrad = false] = args;
    return rebuild(op, name, storage, offset, size, stride, requiresGrad);
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
  // OrderedDict pickles as OrderedDict() then SETITEMS; Counter (MultiStepLR's milestones: milestone → count)
  // as Counter({...}). Both load as the dict they hold.
  for (const name of ['OrderedDict', 'Counter'])
    add(`collections.${name}`, ([items]) => {
      const d = new PyDict();
      if (items instanceof PyDict) for (const [k, e] of items.items) d.items.set(k, e);
      else if (items !== undefined) throw new Error(`${op}: ${name}(...) of ${typeName(items)} is not supported`);
      return d;
    });
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
export function persistentLoad(op: string, entry: string, storages: Map<string, StorageRef>, pid: unknown): StorageRef {
  if (!Array.isArray(pid) || !isTuple(pid) || pid[0] !== 'storage' || pid.length < 5)
    throw new Error(`${op}: unsupported persistent id in ${entry}: expected ('storage', type, key, location, numel), got ${typeName(pid)}`);
  const [, type, key, location, numel, viewMetadata = null] = pid; // the legacy format adds view metadata
  if (viewMetadata !== null) throw new Error(`${op}: storage views of the legacy format (in ${entry}) are not supported`);
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

const isIntTuple = (x: unknown): x is number[] =>
  Array.isArray(x) && x.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);

/** `_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, ...)`, checked against the storage's size. */
function rebuild(
  op: string,
  fn: string,
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
  return new TensorSpec(storage, offset, size.slice(), stride.slice(), requiresGrad);
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

