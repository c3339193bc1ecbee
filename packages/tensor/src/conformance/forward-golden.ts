/**
 * Reads the PyTorch forward goldens in `golden/forward.json` (made by `scripts/gen-forward-goldens.py`),
 * decoding the strings "nan", "inf" and "-inf" that stand for non-finite numbers.
 */
import { readFileSync } from 'node:fs';
import { decodeNumber } from '@nn/testing';

type Encoded = (number | string)[];
interface File {
  inputs: Record<string, { shape: number[]; values: Encoded }>;
  cases: Record<string, { x: string; out: Encoded; outShape: number[]; [arg: string]: unknown }>;
}

export interface GoldenCase {
  x: number[];
  shape: number[];
  out: number[];
  outShape: number[];
  /** The op's extra arguments as the generator recorded them (dim, keepdim, correction, scale, ...). */
  args: Record<string, unknown>;
}

let file: File | undefined;
const load = (): File => (file ??= JSON.parse(readFileSync(new URL('./golden/forward.json', import.meta.url), 'utf8')) as File);

const decode = (v: Encoded): number[] => v.map(decodeNumber);

export function golden(name: string): GoldenCase {
  const f = load();
  const c = f.cases[name];
  if (!c) throw new Error(`golden: no case '${name}' in forward.json`);
  const { x, out, outShape, ...args } = c;
  const input = f.inputs[x]!;
  return { x: decode(input.values), shape: input.shape, out: decode(out), outShape, args };
}

/** Names of the cases starting with `prefix`. */
export function goldenNames(prefix: string): string[] {
  return Object.keys(load().cases).filter((n) => n.startsWith(prefix));
}
