import { expect } from 'vitest';

/** Checks that `svg` is well-formed XML-ish markup: balanced tags, quoted attributes, escaped text; returns the tag names. */
export function checkWellFormed(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m; (m = re.exec(svg)); ) {
    const between = svg.slice(last, m.index);
    expect(between).not.toMatch(/[<>]/);
    expect(between).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    last = m.index + m[0].length;
    const [, close, name, , self] = m;
    names.push(name!);
    if (close) expect(stack.pop()).toBe(name);
    else if (!self) stack.push(name!);
  }
  expect(svg.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  return names;
}
