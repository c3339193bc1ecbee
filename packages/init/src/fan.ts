import { checkShape } from './options.js';

/** Fan-in and fan-out of a weight; also destructures as `[fanIn, fanOut]` like PyTorch's tuple. */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
  [Symbol.iterator](): Iterator<number>;
}

/**
 * Fan-in and fan-out of a weight of `shape`, as PyTorch's `_calculate_fan_in_and_fan_out`: for a
 * `[out, in, ...kernel]` weight (Linear `[out, in]`, Conv `[out, in, kH, kW]`) with receptive field
 * `r = prod(kernel)`, `fanIn = in·r` and `fanOut = out·r`. Shapes of rank < 2 have no fans and throw.
 */
export function fanInFanOut(shape: number | readonly number[]): Fans {
  return fansOf('fanInFanOut', shape);
}

/** `fanInFanOut` with errors naming `op`. */
export function fansOf(op: string, shape: unknown): Fans {
  const s = checkShape(op, shape);
  if (s.length < 2)
    throw new Error(`${op}: shape must have at least 2 dimensions to define fan in and fan out, got [${s.join(',')}]`);
  let receptive = 1;
  for (const d of s.slice(2)) receptive *= d;
  const fans = { fanIn: s[1]! * receptive, fanOut: s[0]! * receptive };
  // Not enumerable: the object still compares and prints as {fanIn, fanOut}.
  Object.defineProperty(fans, Symbol.iterator, {
    value: function* () {
      yield fans.fanIn;
      yield fans.fanOut;
    },
    enumerable: false,
  });
  return fans as Fans;
}
