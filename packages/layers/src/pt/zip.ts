/**
 * The zip container of PyTorch checkpoints, as PyTorch's `PyTorchStreamWriter` (miniz) writes it: every entry
 * STORED (uncompressed), its data 64-byte aligned by an extra field `FB` + length + 'Z' padding (so storages can
 * be memory-mapped), CRC-32 and sizes in a data descriptor after the data, and the zip64 end records always
 * present. The reader accepts any zip of STORED entries, checks each entry's CRC-32 when it is read, and names
 * the entry in every error.
 */
import { crc32 } from '../save/crc32.js';

const ALIGNMENT = 64;
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const DATA_DESCRIPTOR = 0x08074b50;
const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
/** Bit 3: sizes and CRC in a data descriptor; bit 11: names are UTF-8. */
const FLAGS = 0x0808;
const U32_MAX = 0xffffffff;

export interface ZipRecord {
  name: string;
  data: Uint8Array;
}

/** The bytes of a zip holding `records` in order, laid out as PyTorch writes it (see the file comment). */
export function writeZip(op: string, records: readonly ZipRecord[]): Uint8Array {
  const enc = new TextEncoder();
  const names = records.map((r) => enc.encode(r.name));
  // Layout first, so the output is allocated once.
  const offsets: number[] = [];
  const paddings: number[] = [];
  let at = 0;
  records.forEach((r, i) => {
    offsets.push(at);
    const start = at + 30 + names[i]!.length + 4;
    const padding = (ALIGNMENT - (start % ALIGNMENT)) % ALIGNMENT;
    paddings.push(padding);
    at = start + padding + r.data.byteLength + 16;
  });
  const centralStart = at;
  const centralSize = names.reduce((s, n) => s + 46 + n.length, 0);
  const total = centralStart + centralSize + 56 + 20 + 22;
  if (centralStart > U32_MAX) throw new Error(`${op}: the checkpoint would be ${total} bytes; files over 4 GiB are not supported`);

  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const crcs = records.map((r) => crc32(r.data));
  records.forEach((r, i) => {
    let p = offsets[i]!;
    dv.setUint32(p, LOCAL_HEADER, true);
    dv.setUint16(p + 6, FLAGS, true);
    dv.setUint16(p + 26, names[i]!.length, true);
    dv.setUint16(p + 28, 4 + paddings[i]!, true);
    out.set(names[i]!, p + 30);
    p += 30 + names[i]!.length;
    out[p] = 0x46; // 'F'
    out[p + 1] = 0x42; // 'B'
    dv.setUint16(p + 2, paddings[i]!, true);
    out.fill(0x5a, p + 4, p + 4 + paddings[i]!); // 'Z'
    p += 4 + paddings[i]!;
    out.set(r.data, p);
    p += r.data.byteLength;
    dv.setUint32(p, DATA_DESCRIPTOR, true);
    dv.setUint32(p + 4, crcs[i]!, true);
    dv.setUint32(p + 8, r.data.byteLength, true);
    dv.setUint32(p + 12, r.data.byteLength, true);
  });
  let p = centralStart;
  records.forEach((r, i) => {
    dv.setUint32(p, CENTRAL_HEADER, true);
    dv.setUint16(p + 8, FLAGS, true);
    dv.setUint32(p + 16, crcs[i]!, true);
    dv.setUint32(p + 20, r.data.byteLength, true);
    dv.setUint32(p + 24, r.data.byteLength, true);
    dv.setUint16(p + 28, names[i]!.length, true);
    dv.setUint32(p + 42, offsets[i]!, true);
    out.set(names[i]!, p + 46);
    p += 46 + names[i]!.length;
  });
  const eocd64 = p;
  dv.setUint32(p, EOCD64, true);
  dv.setBigUint64(p + 4, 44n, true);
  dv.setUint16(p + 12, 0x031e, true); // version made by: 3.0, Unix
  dv.setUint16(p + 14, 45, true); // version needed: 4.5 (zip64)
  dv.setBigUint64(p + 24, BigInt(records.length), true);
  dv.setBigUint64(p + 32, BigInt(records.length), true);
  dv.setBigUint64(p + 40, BigInt(centralSize), true);
  dv.setBigUint64(p + 48, BigInt(centralStart), true);
  p += 56;
  dv.setUint32(p, EOCD64_LOCATOR, true);
  dv.setBigUint64(p + 8, BigInt(eocd64), true);
  dv.setUint32(p + 16, 1, true);
  p += 20;
  dv.setUint32(p, EOCD, true);
  dv.setUint16(p + 8, records.length, true);
  dv.setUint16(p + 10, records.length, true);
  dv.setUint32(p + 12, centralSize, true);
  dv.setUint32(p + 16, centralStart, true);
  return out;
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  size: number;
  compressedSize: number;
  headerOffset: number;
}

/** A zip's entries by name; `read(name)` returns an entry's bytes (a view), checked. */
export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly dv: DataView;

  constructor(
    private readonly op: string,
    private readonly bytes: Uint8Array,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { count, start, size } = this.findCentralDirectory();
    const dec = new TextDecoder();
    let p = start;
    for (let i = 0; i < count; i++) {
      if (p + 46 > start + size || this.dv.getUint32(p, true) !== CENTRAL_HEADER)
        throw new Error(`${op}: the zip's central directory is corrupt at entry ${i} (byte ${p})`);
      const nameLength = this.dv.getUint16(p + 28, true);
      const extraLength = this.dv.getUint16(p + 30, true);
      const commentLength = this.dv.getUint16(p + 32, true);
      const name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLength));
      const entry: ZipEntry = {
        name,
        method: this.dv.getUint16(p + 10, true),
        crc: this.dv.getUint32(p + 16, true),
        compressedSize: this.dv.getUint32(p + 20, true),
        size: this.dv.getUint32(p + 24, true),
        headerOffset: this.dv.getUint32(p + 42, true),
      };
      this.readZip64Extra(entry, p + 46 + nameLength, extraLength);
      this.entries.set(name, entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
  }

  private findCentralDirectory(): { count: number; start: number; size: number } {
    const { op, dv, bytes } = this;
    const n = bytes.byteLength;
    // The end record is the last 22 bytes, unless a comment (at most 65535 bytes) follows it.
    let eocd = -1;
    for (let p = n - 22; p >= Math.max(0, n - 22 - 0xffff); p--)
      if (dv.getUint32(p, true) === EOCD && p + 22 + dv.getUint16(p + 20, true) === n) {
        eocd = p;
        break;
      }
    if (eocd < 0)
      throw new Error(`${op}: not a zip file, or a truncated one (no end-of-central-directory record): a PyTorch checkpoint is a zip archive`);
    let count = dv.getUint16(eocd + 10, true);
    let size = dv.getUint32(eocd + 12, true);
    let start = dv.getUint32(eocd + 16, true);
    const locator = eocd - 20;
    if (locator >= 0 && dv.getUint32(locator, true) === EOCD64_LOCATOR) {
      const at = Number(dv.getBigUint64(locator + 8, true));
      if (at + 56 > n || dv.getUint32(at, true) !== EOCD64) throw new Error(`${op}: the zip64 end record is missing or corrupt`);
      count = Number(dv.getBigUint64(at + 32, true));
      size = Number(dv.getBigUint64(at + 40, true));
      start = Number(dv.getBigUint64(at + 48, true));
    }
    if (start + size > n) throw new Error(`${op}: the zip's central directory lies beyond the end of the file (${n} bytes): the file is truncated`);
    return { count, start, size };
  }

  /** Sizes and offsets that do not fit 32 bits are in the zip64 extra field (id 1), in this order. */
  private readZip64Extra(e: ZipEntry, at: number, length: number): void {
    const { dv } = this;
    for (let p = at; p + 4 <= at + length; ) {
      const id = dv.getUint16(p, true);
      const size = dv.getUint16(p + 2, true);
      if (id === 1) {
        let q = p + 4;
        const next = (): number => {
          const v = Number(dv.getBigUint64(q, true));
          q += 8;
          return v;
        };
        if (e.size === U32_MAX) e.size = next();
        if (e.compressedSize === U32_MAX) e.compressedSize = next();
        if (e.headerOffset === U32_MAX) e.headerOffset = next();
      }
      p += 4 + size;
    }
  }

  /**
   * The bytes of entry `name` (STORED only), after checking they lie within the file and match their CRC-32.
   * Errors call the entry `label` (default: its name).
   */
  read(entryName: string, label = entryName): Uint8Array {
    const { op, dv, bytes } = this;
    const name = label;
    const e = this.entries.get(entryName);
    if (!e) throw new Error(`${op}: the checkpoint has no entry '${name}'`);
    if (e.method !== 0)
      throw new Error(`${op}: entry '${name}' is compressed (zip method ${e.method}); PyTorch checkpoints store entries uncompressed (method 0)`);
    const h = e.headerOffset;
    if (h + 30 > bytes.byteLength || dv.getUint32(h, true) !== LOCAL_HEADER)
      throw new Error(`${op}: the local header of entry '${name}' is missing or corrupt: the file is truncated or damaged`);
    const start = h + 30 + dv.getUint16(h + 26, true) + dv.getUint16(h + 28, true);
    if (start + e.size > bytes.byteLength)
      throw new Error(`${op}: entry '${name}' (${e.size} bytes at byte ${start}) runs past the end of the file (${bytes.byteLength} bytes): the file is truncated`);
    const data = bytes.subarray(start, start + e.size);
    if (crc32(data) !== e.crc) throw new Error(`${op}: CRC-32 mismatch in entry '${name}': the file is corrupt`);
    return data;
  }
}
