/**
 * The docs' figures, drawn by @nn itself: every `docs/figures/<name>.figure.ts` default-exports an async function
 * returning `{ 'file.svg': svgText }`. `renderFigures` runs them all and writes the files into
 * `docs/public/figures/`, where pages embed them as `![alt](/figures/file.svg)`. Run by `pnpm run docs` and
 * `pnpm docs:build` (through run.mjs, which loads TypeScript with @nn/* resolved to the packages' sources);
 * figures.test.ts runs the same modules in `pnpm test` so a figure cannot rot.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';

export type FigureModule = () => Promise<Record<string, string>>;

const here = new URL('./', import.meta.url);

/** The figure modules' names (`initialization` for initialization.figure.ts), sorted. */
export function figureNames(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.figure.ts'))
    .map((f) => f.slice(0, -'.figure.ts'.length))
    .sort();
}

export async function loadFigure(name: string): Promise<FigureModule> {
  const mod = (await import(`./${name}.figure.ts`)) as { default?: unknown };
  if (typeof mod.default !== 'function') throw new Error(`docs/figures/${name}.figure.ts: must default-export an async function returning { 'file.svg': svg }`);
  return mod.default as FigureModule;
}

/** Throws unless `svg` is one well-formed `<svg>` element: balanced tags, nothing before or after it. */
export function checkSvg(file: string, svg: unknown): void {
  if (!/^[\w.-]+\.svg$/.test(file)) throw new Error(`${file}: a figure's file name must be <name>.svg (letters, digits, '.', '-', '_')`);
  if (typeof svg !== 'string') throw new Error(`${file}: expected SVG text, got ${typeof svg}`);
  const text = svg.trim();
  if (!text.startsWith('<svg ') || !text.endsWith('</svg>')) throw new Error(`${file}: must be a single <svg …> … </svg> element`);
  const open: string[] = [];
  for (const m of text.matchAll(/<(\/?)([\w:-]+)[^>]*?(\/?)>/g)) {
    const [, close, tag, selfClosing] = m;
    if (selfClosing) continue;
    if (!close) open.push(tag!);
    else if (open.pop() !== tag) throw new Error(`${file}: </${tag}> at offset ${m.index} closes nothing open`);
    if (open.length === 0 && m.index! + m[0].length < text.length) throw new Error(`${file}: content after the closing </svg>`);
  }
  if (open.length) throw new Error(`${file}: unclosed <${open.at(-1)}>`);
  if (/\b(NaN|Infinity)\b/.test(text.replace(/>[^<]*</g, '><'))) throw new Error(`${file}: an attribute holds NaN or Infinity`);
}

/** Runs figure module `name` and checks what it drew: at least one file, each named `<name>….svg`, each well-formed. */
export async function drawFigures(name: string): Promise<Record<string, string>> {
  const figures = await (await loadFigure(name))();
  const files = Object.keys(figures ?? {});
  if (files.length === 0) throw new Error(`docs/figures/${name}.figure.ts: drew no figures`);
  for (const file of files) {
    if (!file.startsWith(name)) throw new Error(`docs/figures/${name}.figure.ts: ${file} must be named ${name}-<what>.svg, so modules cannot collide`);
    checkSvg(file, figures[file]);
  }
  return figures;
}

/** Runs every figure module and writes its SVG files into `outDir`; returns the files written. */
export async function renderFigures(outDir: URL = new URL('../public/figures/', import.meta.url)): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const name of figureNames()) {
    const t0 = performance.now();
    const figures = await drawFigures(name);
    for (const [file, svg] of Object.entries(figures)) {
      writeFileSync(new URL(file, outDir), svg);
      written.push(file);
    }
    console.log(`figures: ${name} → ${Object.keys(figures).length} SVG in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return written;
}
