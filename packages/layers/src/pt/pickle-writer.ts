/**
 * A pickle writer (protocol 2, the protocol `torch.save` uses) that emits what Python's own `pickle.Pickler`
 * emits for the same values: BININT1/BININT2/BININT/LONG1 by size, BINFLOAT, BINUNICODE, NEWTRUE/NEWFALSE,
 * EMPTY_LIST/EMPTY_DICT + APPEND(S)/SETITEM(S) in batches of 1000, TUPLE1-3 or MARK...TUPLE, GLOBAL, REDUCE,
 * BINPERSID, and BINPUT/BINGET memoisation of every container, string and global, so an object reached twice
 * is written once and loads as one object. Strings are memoised by value, not by identity (a JS string has none).
 */

const BATCH = 1000;

export class PickleWriter {
  private buf = new Uint8Array(1024);
  private n = 0;
  private readonly memo = new Map<unknown, number>();

  constructor() {
    this.byte(0x80, 2); // PROTO 2
  }

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  byte(...bytes: number[]): void {
    this.reserve(bytes.length);
    for (const b of bytes) this.buf[this.n++] = b;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.n);
    this.n += bytes.length;
  }

  private u32(v: number): void {
    this.byte(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  /** Writes BINGET if `key` was memoised and returns true; otherwise writes nothing and returns false. */
  get(key: unknown): boolean {
    const i = this.memo.get(key);
    if (i === undefined) return false;
    if (i < 256) this.byte(0x68, i); // BINGET
    else {
      this.byte(0x6a); // LONG_BINGET
      this.u32(i);
    }
    return true;
  }

  /** Memoises the object on top of the stack under `key` (BINPUT / LONG_BINPUT). */
  put(key: unknown): void {
    const i = this.memo.size;
    this.memo.set(key, i);
    if (i < 256) this.byte(0x71, i); // BINPUT
    else {
      this.byte(0x72); // LONG_BINPUT
      this.u32(i);
    }
  }

  mark(): void {
    this.byte(0x28);
  }

  none(): void {
    this.byte(0x4e);
  }

  bool(v: boolean): void {
    this.byte(v ? 0x88 : 0x89);
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v <= 0xff) this.byte(0x4b, v); // BININT1
    else if (typeof v === 'number' && v >= 0 && v <= 0xffff) this.byte(0x4d, v & 0xff, v >> 8); // BININT2
    else if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) {
      this.byte(0x4a); // BININT
      this.u32(v);
    } else {
      const bytes = encodeLong(BigInt(v));
      if (bytes.length < 256) this.byte(0x8a, bytes.length); // LONG1
      else {
        this.byte(0x8b); // LONG4
        this.u32(bytes.length);
      }
      this.raw(bytes);
    }
  }

  float(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    this.byte(0x47); // BINFLOAT, big-endian
    this.raw(b);
  }

  str(s: string): void {
    const key = `str:${s}`;
    if (this.get(key)) return;
    const bytes = new TextEncoder().encode(s);
    this.byte(0x58); // BINUNICODE
    this.u32(bytes.length);
    this.raw(bytes);
    this.put(key);
  }

  /** `module.name`, memoised. */
  global(module: string, name: string): void {
    const key = `global:${module}.${name}`;
    if (this.get(key)) return;
    this.byte(0x63); // GLOBAL
    this.raw(new TextEncoder().encode(`${module}\n${name}\n`));
    this.put(key);
  }

  /** A tuple of the items `writeItems` writes (`count` of them), memoised under `key` unless empty. */
  tuple(count: number, writeItems: () => void, key: unknown = {}): void {
    if (count === 0) {
      this.byte(0x29); // EMPTY_TUPLE
      return;
    }
    if (count > 3) this.mark();
    writeItems();
    this.byte(count > 3 ? 0x74 : [0x85, 0x86, 0x87][count - 1]!); // TUPLE or TUPLE1..3
    this.put(key);
  }

  /** After an empty list on the stack: each item written by `write(item)`, in batches as Python appends them. */
  appends<T>(items: readonly T[], write: (item: T, index: number) => void): void {
    this.batches(items, write, 0x61, 0x65); // APPEND, APPENDS
  }

  /** After a dict on the stack: each pair written by `write(pair)`, in batches as Python sets them. */
  setItems<T>(pairs: readonly T[], write: (pair: T, index: number) => void): void {
    this.batches(pairs, write, 0x73, 0x75); // SETITEM, SETITEMS
  }

  private batches<T>(items: readonly T[], write: (item: T, index: number) => void, one: number, many: number): void {
    for (let start = 0; start < items.length; start += BATCH) {
      const end = Math.min(items.length, start + BATCH);
      if (end - start > 1) this.mark();
      for (let i = start; i < end; i++) write(items[i]!, i);
      this.byte(end - start > 1 ? many : one);
    }
  }

  finish(): Uint8Array {
    this.byte(0x2e); // STOP
    return this.buf.slice(0, this.n);
  }
}

/** Python's `pickle.encode_long`: the shortest little-endian two's complement bytes of `x` (none for 0). */
export function encodeLong(x: bigint): Uint8Array {
  if (x === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let v = x;
  // Emit bytes until the remaining value is the sign extension of the last byte written.
  for (;;) {
    const b = Number(v & 0xffn);
    out.push(b);
    v >>= 8n;
    if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
  }
  return new Uint8Array(out);
}
