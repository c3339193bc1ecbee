/**
 * `savePt(obj)`: the bytes `torch.save(obj, f)` writes (PyTorch 1.6+'s zip format, as 1.13 writes it), so
 * `torch.load` reads them:
 *
 * - `archive/data.pkl`: `obj` pickled with protocol 2; each tensor as
 *   `torch._utils._rebuild_tensor_v2(storage, 0, size, stride, requires_grad, OrderedDict())` (a `Parameter` as
 *   `torch._utils._rebuild_parameter(<that>, requires_grad, OrderedDict())`), its storage a persistent id
 *   `('storage', torch.FloatStorage, '<key>', 'cpu', numel)`;
 * - `archive/data/<key>`: each storage's raw little-endian bytes, written once however many tensors share it;
 * - `archive/version`: `3`.
 *
 * Values: Tensors (float32 → torch.float32, int32 → torch.int32, bool → torch.bool), numbers (integers → Python
 * int, others incl. NaN/±Infinity/-0 → float), bigints (int), strings, booleans, null (None), arrays (list),
 * plain objects (dict; an object whose values are all Tensors, i.e. a state dict, → `collections.OrderedDict`
 * as `state_dict()` returns) and Maps (dict with the Map's keys as they are: `new Map([[0, ...]])` gives the
 * int keys of an optimizer's `state`). Anything else is an error naming where it sits.
 */
import { fmtShape, Tensor, type TypedArray } from '@nn/tensor';
import { isPlainObject } from '../args.js';
import { isParameter } from '../parameter.js';
import { pathString } from '../save/format.js';
import { PickleWriter } from './pickle-writer.js';
import { encodeStorage, WRITE_STORAGE_TYPE } from './storage-types.js';
import { storedElements } from '../safetensors/dtypes.js';
import { writeZip } from './zip.js';

const SUPPORTED = 'savePt stores Tensors, numbers, bigints, strings, booleans, null, arrays, plain objects and Maps';
/** The archive's top folder; `torch.save` to a buffer uses the same name. */
const ARCHIVE = 'archive';

interface Pickled {
  pickle: Uint8Array;
  /** Storages by key ('0', '1', ...), each with one tensor holding its values. */
  storages: Map<string, Tensor>;
  /** Where each storage's tensor sits, for error messages. */
  where: Map<string, string>;
}

/**
 * The bytes of `obj` in PyTorch's checkpoint format (see the file comment); `torch.load(f)` returns the same
 * structure, `loadPt(bytes)` reads it back. Tensors are read synchronously, so they must be on the CPU; for
 * tensors on WebGPU use `await savePtAsync(obj)`.
 */
export function savePt(obj: unknown): Uint8Array {
  const { pickle, storages, where } = pickleObject('savePt', obj);
  for (const [key, t] of storages)
    if (t.device !== 'cpu')
      throw new Error(`savePt: the tensor at ${where.get(key)} is on ${t.device}, which can only be read asynchronously: use await savePtAsync(obj)`);
  return assemble('savePt', pickle, storages, [...storages.values()].map((t) => storedElements(t.dtype, t.dataSync())));
}

/** `savePt` for tensors on any device (reads them with `await t.data()`). */
export async function savePtAsync(obj: unknown): Promise<Uint8Array> {
  const { pickle, storages } = pickleObject('savePtAsync', obj);
  const values = await Promise.all([...storages.values()].map(async (t) => storedElements(t.dtype, await t.data())));
  return assemble('savePtAsync', pickle, storages, values);
}

function assemble(op: string, pickle: Uint8Array, storages: Map<string, Tensor>, values: TypedArray[]): Uint8Array {
  const keys = [...storages.keys()];
  const data = new Map(keys.map((k, i) => [k, encodeStorage(values[i]!)]));
  // torch.save writes storages in the order of their keys sorted as strings ('0', '1', '10', '2', ...).
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return writeZip(op, [
    { name: `${ARCHIVE}/data.pkl`, data: pickle },
    ...sorted.map((k) => ({ name: `${ARCHIVE}/data/${k}`, data: data.get(k)! })),
    { name: `${ARCHIVE}/version`, data: new TextEncoder().encode('3\n') },
  ]);
}

function pickleObject(op: string, root: unknown): Pickled {
  const w = new PickleWriter();
  const storageKeys = new Map<unknown, string>(); // by the tensor's dataId: tensors sharing storage share the key
  const storages = new Map<string, Tensor>();
  const where = new Map<string, string>();
  const path: (string | number)[] = [];
  const unsupported = (what: string): Error => new Error(`${op}: unsupported value at ${pathString(path)}: ${what} (${SUPPORTED})`);

  const emptyOrderedDict = (): void => {
    w.global('collections', 'OrderedDict');
    w.tuple(0, () => {});
    w.byte(0x52); // REDUCE
    w.put({});
  };

  /** `_rebuild_tensor_v2(...)`, memoised under `key` (the tensor, or a fresh key for a Parameter's data). */
  const rebuildTensor = (t: Tensor, requiresGrad: boolean, key: unknown): void => {
    let storageKey = storageKeys.get(t.dataId);
    if (storageKey === undefined) {
      storageKey = String(storageKeys.size);
      storageKeys.set(t.dataId, storageKey);
      storages.set(storageKey, t);
      where.set(storageKey, pathString(path));
    }
    const sk = storageKey;
    const shape = t.shape;
    const strides = contiguousStrides(shape);
    w.global('torch._utils', '_rebuild_tensor_v2');
    w.tuple(6, () => {
      w.tuple(5, () => {
        w.str('storage');
        w.global('torch', WRITE_STORAGE_TYPE[t.dtype]);
        w.str(sk);
        w.str('cpu');
        w.int(t.size);
      });
      w.byte(0x51); // BINPERSID
      w.int(0);
      w.tuple(shape.length, () => shape.forEach((d) => w.int(d)));
      w.tuple(strides.length, () => strides.forEach((s) => w.int(s)));
      w.bool(requiresGrad);
      emptyOrderedDict();
    });
    w.byte(0x52); // REDUCE
    w.put(key);
  };

  const writeKey = (k: unknown): void => {
    if (typeof k === 'string') w.str(k);
    else if (typeof k === 'number') writeNumber(k);
    else if (typeof k === 'bigint') w.int(k);
    else if (typeof k === 'boolean') w.bool(k);
    else if (k === null) w.none();
    else throw unsupported(`a Map key of type ${typeof k}; keys must be strings, numbers, bigints, booleans or null`);
  };

  const writeNumber = (v: number): void => {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) w.int(v);
    else w.float(v);
  };

  const writeDict = (entries: [unknown, unknown][], ordered: boolean, key: object): void => {
    if (ordered) {
      w.global('collections', 'OrderedDict');
      w.tuple(0, () => {});
      w.byte(0x52); // REDUCE
    } else w.byte(0x7d); // EMPTY_DICT
    w.put(key);
    w.setItems(entries, ([k, v]) => {
      writeKey(k);
      path.push(typeof k === 'string' ? k : String(k));
      write(v);
      path.pop();
    });
  };

  const write = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
        return w.str(v);
      case 'boolean':
        return w.bool(v);
      case 'number':
        return writeNumber(v);
      case 'bigint':
        return w.int(v);
      case 'undefined':
        throw unsupported('undefined, which Python has no value for; use null (None) or leave the key out');
      case 'function':
        throw unsupported(`a function${v.name ? ` (${v.name})` : ''}`);
      case 'symbol':
        throw unsupported(`a symbol (${String(v)})`);
    }
    if (v === null) return w.none();
    const o = v as object;
    if (w.get(o)) return; // written before: the same object again (shared, or a cycle)
    if (o instanceof Tensor) {
      if (o.isDisposed) throw new Error(`${op}: the tensor at ${pathString(path)} (shape ${fmtShape(o.shape)}) has been disposed`);
      const requiresGrad = o.requiresGrad;
      if (!isParameter(o)) return rebuildTensor(o, requiresGrad, o);
      // torch.nn.Parameter.__reduce_ex__: _rebuild_parameter(self.data, self.requires_grad, OrderedDict())
      w.global('torch._utils', '_rebuild_parameter');
      w.tuple(3, () => {
        rebuildTensor(o, false, {});
        w.bool(requiresGrad);
        emptyOrderedDict();
      });
      w.byte(0x52); // REDUCE
      return w.put(o);
    }
    if (Array.isArray(o)) {
      w.byte(0x5d); // EMPTY_LIST
      w.put(o);
      w.appends(o, (x, i) => {
        path.push(i);
        write(x);
        path.pop();
      });
      return;
    }
    if (o instanceof Map) return writeDict([...o], false, o);
    if (isPlainObject(o)) {
      if (Object.getOwnPropertySymbols(o).some((s) => Object.prototype.propertyIsEnumerable.call(o, s)))
        throw unsupported('an object with symbol keys');
      const entries = Object.entries(o);
      return writeDict(entries, entries.length > 0 && entries.every(([, x]) => x instanceof Tensor), o);
    }
    throw unsupported(describeInstance(o));
  };

  write(root);
  return { pickle: w.finish(), storages, where };
}

function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= Math.max(shape[d]!, 1); // as PyTorch: a dimension of size 0 does not zero the strides before it
  }
  return strides;
}

function describeInstance(o: object): string {
  if (o instanceof Set) return 'a Set; convert it with [...set]';
  if (ArrayBuffer.isView(o)) return `a ${o.constructor.name}; wrap it in a tensor`;
  const name = (o.constructor as { name?: string } | undefined)?.name || 'an object with a custom prototype';
  if (typeof (o as { stateDict?: unknown }).stateDict === 'function') return `an instance of ${name}; save its stateDict() instead`;
  return `an instance of ${name}`;
}
