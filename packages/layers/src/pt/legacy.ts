/**
 * PyTorch's legacy checkpoint format (`torch.save` before 1.6, or with `_use_new_zipfile_serialization=False`):
 * five pickles back to back — the magic number 0x1950a86a20f9469cfc6c, the format version 1001, a dict of system
 * information (byte order), the object (storages as persistent ids), the sorted list of storage keys — then each
 * of those storages: its element count (int64) and its raw bytes. Read with the same restricted unpickler.
 */
import type { TypedArray } from '@nn/tensor';
import { decodeStorage } from './storage-types.js';
import { checkpointContext, type StorageRef } from './tensor-globals.js';
import { PyDict, unpickle } from './unpickler.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const VERSION = 1001;

/** The unpickled object and a reader of its storages' values. */
export function readLegacy(op: string, buf: Uint8Array): [unknown, (s: StorageRef) => TypedArray] {
  const storages = new Map<string, StorageRef>();
  const ctx = checkpointContext(op, 'the legacy pickle', storages);
  let at = 0;
  const next = (): unknown => {
    const { value, end } = unpickle(buf, ctx, at);
    at = end;
    return value;
  };
  if (next() !== MAGIC) throw new Error(`${op}: not a PyTorch checkpoint: a pickle without PyTorch's magic number`);
  const version = next();
  if (version !== VERSION) throw new Error(`${op}: legacy checkpoint version ${String(version)} is not supported (only ${VERSION})`);
  const info = next();
  if (info instanceof PyDict && info.items.get('slittle_endian')?.[1] === false)
    throw new Error(`${op}: the checkpoint was written on a big-endian machine, which is not supported`);
  const value = next();
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw new Error(`${op}: the legacy checkpoint's list of storage keys is corrupt`);

  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const data = new Map<string, Uint8Array>();
  for (const key of keys as string[]) {
    const s = storages.get(key);
    if (!s) throw new Error(`${op}: storage ${key} of the legacy checkpoint is stored but never used`);
    if (at + 8 > buf.length) throw new Error(`${op}: the file is truncated: it ends before storage ${key}`);
    const numel = Number(dv.getBigInt64(at, true));
    if (numel !== s.numel) throw new Error(`${op}: storage ${key} holds ${numel} elements, but the pickle says ${s.numel}: the file is corrupt`);
    const size = numel * s.type.itemSize;
    if (at + 8 + size > buf.length) throw new Error(`${op}: the file is truncated: storage ${key} (${size} bytes) runs past its end`);
    data.set(key, buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  const read = (s: StorageRef): TypedArray => {
    const bytes = data.get(s.key);
    if (!bytes) throw new Error(`${op}: storage ${s.key}, which the pickle refers to, is missing from the legacy checkpoint`);
    return decodeStorage(op, s.key, s.type, bytes, s.numel);
  };
  return [value, read];
}
