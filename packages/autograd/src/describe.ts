/** How a bad argument reads in an error message: `number 3`, `null`, `an array`, or its class name. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  if (typeof x === 'function') return 'a function';
  return `${typeof x} ${String(x)}`;
}
