/** Shape arithmetic shared by every op and backend. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function fmtShape(s: Shape): string {
  return `[${s.join(',')}]`;
}

/** NumPy/PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else throw new Error(`${op}: shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together`);
    }
  }
  return out;
}

/** Resolves a possibly negative `dim` against `rank`, throwing `op: dim d out of range for rank r`. */
export function normalizeDim(op: string, dim: number, rank: number, arg = 'dim'): number {
  if (!Number.isInteger(dim)) throw new Error(`${op}: ${arg} must be an integer, got ${dim}`);
  const lo = rank === 0 ? -1 : -rank;
  const hi = rank === 0 ? 0 : rank - 1;
  if (dim < lo || dim > hi) throw new Error(`${op}: ${arg} ${dim} out of range for a tensor of rank ${rank} (expected ${lo}..${hi})`);
  return dim < 0 ? dim + Math.max(rank, 1) : dim;
}

/** Resolves `dim` (a number, a list, or undefined for all dims) to sorted unique non-negative dims. */
export function normalizeDims(op: string, dim: number | readonly number[] | undefined | null, rank: number): number[] {
  if (dim === undefined || dim === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dim === 'number' ? [dim] : dim;
  const out = list.map((d) => normalizeDim(op, d, rank));
  if (new Set(out).size !== out.length) throw new Error(`${op}: dim ${fmtShape(list)} repeats a dimension`);
  return out.sort((a, b) => a - b);
}

export function assertShape(op: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`${op}: ${arg} must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  return shape.slice();
}

/** The shape of a reduction of `shape` over `dims`. */
export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}
