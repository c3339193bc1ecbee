/**
 * `save(obj)`: the `torch.save` of a hand-written training loop. Any nesting of plain objects, arrays, numbers
 * (NaN, ±Infinity and -0 included), strings, booleans, null, undefined and Tensors of every dtype becomes one
 * `Uint8Array` in the format described in format.ts: the tensors as a safetensors section (raw bytes, bit
 * exact), everything else as JSON referring to them.
 *
 * Anything else is an error naming where it sits (`save: unsupported value at obj.model.fc: a function ...`):
 * functions, symbols, bigints, class instances (Map, Set, Date, typed arrays, modules, optimizers: save their
 * `stateDict()`), objects with symbol keys, disposed tensors, and cycles. An object reached twice without a
 * cycle is written twice (loads as two copies), except Tensors, which are stored once.
 */
import { fmtShape, Tensor } from '@nn/tensor';
import { isPlainObject } from '../args.js';
import { saveSafetensors, saveSafetensorsAsync } from '../safetensors/save.js';
import { crc32 } from './crc32.js';
import { escapeKey, MAGIC, pathString, PREAMBLE_BYTES, specialNumber, TAG_NUMBER, TAG_TENSOR, TAG_UNDEFINED, VERSION } from './format.js';

const SUPPORTED = 'save stores plain objects, arrays, numbers, strings, booleans, null, undefined and Tensors';

/**
 * The bytes of `obj` (see the module comment). Tensors are read synchronously, so they must be on the CPU;
 * for tensors on WebGPU use `await saveAsync(obj)`. `load(bytes)` gives `obj` back.
 */
export function save(obj: unknown): Uint8Array {
  const { json, tensors, where } = encodeValue('save', obj);
  for (const [key, t] of Object.entries(tensors))
    if (t.device !== 'cpu')
      throw new Error(`save: the tensor at ${where[key]} is on ${t.device}, which can only be read asynchronously: use await saveAsync(obj)`);
  return frame(json, saveSafetensors(tensors));
}

/** `save` for tensors on any device (reads them with `await t.data()`). */
export async function saveAsync(obj: unknown): Promise<Uint8Array> {
  const { json, tensors } = encodeValue('saveAsync', obj);
  return frame(json, await saveSafetensorsAsync(tensors));
}

interface Encoded {
  json: string;
  /** By key in the tensor section (the tensor's dotted path). */
  tensors: Record<string, Tensor>;
  /** Each key's path as error messages write it. */
  where: Record<string, string>;
}

function encodeValue(op: string, root: unknown): Encoded {
  const tensors: Record<string, Tensor> = Object.create(null);
  const where: Record<string, string> = Object.create(null);
  const keys = new Map<Tensor, string>();
  const ancestors: { value: object; depth: number }[] = [];
  const path: (string | number)[] = [];

  const unsupported = (what: string): Error => new Error(`${op}: unsupported value at ${pathString(path)}: ${what} (${SUPPORTED})`);

  const tensorKey = (): string => {
    const base = path.join('.');
    let key = base === '__metadata__' ? `${base}#1` : base;
    for (let n = 2; key in tensors; n++) key = `${base}#${n}`;
    return key;
  };

  const walk = (v: unknown): unknown => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number': {
        const special = specialNumber(v);
        return special === undefined ? v : { [TAG_NUMBER]: special };
      }
      case 'undefined':
        return { [TAG_UNDEFINED]: true };
      case 'function':
        return fail(unsupported(`a function${v.name ? ` (${v.name})` : ''}`));
      case 'symbol':
        return fail(unsupported(`a symbol (${String(v)})`));
      case 'bigint':
        return fail(unsupported(`a bigint (${v}n); convert it with Number() or String()`));
    }
    if (v === null) return null;
    const o = v as object;
    if (o instanceof Tensor) {
      if (o.isDisposed) throw new Error(`${op}: the tensor at ${pathString(path)} (shape ${fmtShape(o.shape)}) has been disposed`);
      let key = keys.get(o);
      if (key === undefined) {
        key = tensorKey();
        keys.set(o, key);
        tensors[key] = o;
        where[key] = pathString(path);
      }
      return { [TAG_TENSOR]: key };
    }
    const cycle = ancestors.find((a) => a.value === o);
    if (cycle) throw new Error(`${op}: ${pathString(path)} refers back to ${pathString(path.slice(0, cycle.depth))}, a cycle; save stores trees`);
    if (Array.isArray(o)) {
      ancestors.push({ value: o, depth: path.length });
      const out = new Array<unknown>(o.length);
      for (let i = 0; i < o.length; i++) {
        path.push(i);
        out[i] = walk(o[i]);
        path.pop();
      }
      ancestors.pop();
      return out;
    }
    if (!isPlainObject(o)) return fail(unsupported(describeInstance(o)));
    if (Object.getOwnPropertySymbols(o).some((s) => Object.prototype.propertyIsEnumerable.call(o, s)))
      return fail(unsupported('an object with symbol keys'));
    ancestors.push({ value: o, depth: path.length });
    const out: [string, unknown][] = [];
    for (const [k, x] of Object.entries(o)) {
      path.push(k);
      out.push([escapeKey(k), walk(x)]);
      path.pop();
    }
    ancestors.pop();
    // fromEntries defines own properties, so even a key '__proto__' is an ordinary entry.
    return Object.fromEntries(out);
  };

  const json = JSON.stringify(walk(root));
  return { json, tensors, where };
}

function fail(e: Error): never {
  throw e;
}

/** What an unsupported object is, with a hint where one helps. */
function describeInstance(o: object): string {
  if (o instanceof Map) return 'a Map; convert it with Object.fromEntries(map)';
  if (o instanceof Set) return 'a Set; convert it with [...set]';
  if (o instanceof Date) return 'a Date; store date.toISOString() or date.getTime()';
  if (ArrayBuffer.isView(o)) return `a ${o.constructor.name}; wrap it in a tensor`;
  const name = (o.constructor as { name?: string } | undefined)?.name || 'an object with a custom prototype';
  if (typeof (o as { stateDict?: unknown }).stateDict === 'function') return `an instance of ${name}; save its stateDict() instead`;
  return `an instance of ${name}`;
}

/** The preamble, JSON and tensor section as one file. */
function frame(json: string, tensorSection: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(PREAMBLE_BYTES + text.byteLength + tensorSection.byteLength);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint32(8, VERSION, true);
  setUint64(dv, 16, text.byteLength);
  setUint64(dv, 24, tensorSection.byteLength);
  out.set(text, PREAMBLE_BYTES);
  out.set(tensorSection, PREAMBLE_BYTES + text.byteLength);
  dv.setUint32(12, crc32(out.subarray(PREAMBLE_BYTES)), true);
  return out;
}

function setUint64(dv: DataView, at: number, n: number): void {
  dv.setUint32(at, n % 2 ** 32, true);
  dv.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
}
