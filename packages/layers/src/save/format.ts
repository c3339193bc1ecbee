/**
 * The file format of `save` / `load` (version 1). All integers little-endian:
 *
 *   offset  size  content
 *        0     8  magic bytes 89 4E 4E 53 41 56 45 0A ("\x89NNSAVE\n": non-ASCII first, so a text-mode transfer
 *                 or a file of another kind is caught at once)
 *        8     4  format version (uint32), 1
 *       12     4  CRC-32 (zlib's) of every byte from offset 32 to the end
 *       16     8  J, the byte length of the JSON document (uint64)
 *       24     8  T, the byte length of the tensor section (uint64)
 *       32     J  the JSON document (UTF-8): the saved value, encoded as below
 *     32+J     T  the tensor section: a complete safetensors file (`saveSafetensors`), one entry per distinct tensor
 *
 * The JSON document is the value itself, with these tagged objects (one key, starting with a single `$`):
 *   {"$tensor": "<key>"}     a Tensor, stored under <key> in the tensor section (its dtype and shape are there);
 *                            the key is the tensor's path in the value (`model.0.weight`); a tensor reached twice
 *                            is stored once and loads as one Tensor in both places
 *   {"$number": "NaN"}       NaN, likewise "Infinity", "-Infinity", "-0" (values JSON cannot hold)
 *   {"$undefined": true}     undefined
 * An object key of the saved value that starts with `$` is written with one more `$` in front (`$x` as `$$x`),
 * so tags and keys never collide. Everything else is plain JSON: null, booleans, strings, finite numbers
 * (which JSON carries exactly), arrays and objects.
 */

export const MAGIC = new Uint8Array([0x89, 0x4e, 0x4e, 0x53, 0x41, 0x56, 0x45, 0x0a]);
export const VERSION = 1;
/** Bytes before the JSON document. */
export const PREAMBLE_BYTES = 32;

export const TAG_TENSOR = '$tensor';
export const TAG_NUMBER = '$number';
export const TAG_UNDEFINED = '$undefined';

/** The `$number` spellings of the numbers JSON lacks. */
export function specialNumber(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return undefined;
}

export const SPECIAL_NUMBERS: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** An object key as written to the JSON document, and back. */
export const escapeKey = (k: string): string => (k.startsWith('$') ? `$${k}` : k);
export const unescapeKey = (k: string): string => (k.startsWith('$$') ? k.slice(1) : k);

/** `obj.model.fc`, `obj.layers[2]`, `obj["odd key"]`: where a value sits, for error messages. */
export function pathString(path: readonly (string | number)[]): string {
  let out = 'obj';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return out;
}
