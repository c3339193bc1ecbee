/** What the step benchmarks share: medians, a step timer, and the PyTorch peer (a Python script run once). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ms of `step()` over `steps` calls after `warmup` calls. `step` may return a promise. */
export async function timeSteps(step, steps, warmup = 5) {
  for (let i = 0; i < warmup; i++) await step();
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * Runs `script` (next to this file) with Debian's PyTorch at /usr/bin/python3 and parses the JSON it prints,
 * or returns `{note}` saying why it could not. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for it: on this
 * project's AMD machines they select a slower OpenBLAS kernel (see RECIPES.md).
 */
export function runPython(script, args = []) {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return { note: 'not installed (/usr/bin/python3)' };
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const res = spawnSync(python, [fileURLToPath(new URL(script, import.meta.url)), ...args.map(String)], { encoding: 'utf8', env });
  if (res.status !== 0) return { note: `unavailable: ${(res.stderr || res.stdout).trim().split('\n').at(-1)}` };
  return JSON.parse(res.stdout);
}

/**
 * Runs this benchmark script again in a child process with `args` (a peer that must not share our process, see
 * cnn-step.js) and parses the JSON it prints last, or returns `{note}` saying why it could not.
 */
export function runNodeChild(scriptUrl, args) {
  const res = spawnSync(process.execPath, [fileURLToPath(scriptUrl), ...args.map(String)], { encoding: 'utf8' });
  if (res.status !== 0) return { note: `failed: ${(res.stderr || res.stdout).trim().split('\n').at(-1)}` };
  return JSON.parse(res.stdout.trim().split('\n').at(-1));
}

/** Prints a results table: name, ms, and peer ms / @nn ms (the first row is @nn). */
export function printTable(results) {
  const oursMs = results[0].ms;
  console.log(`${'library'.padEnd(30)}${'ms'.padStart(10)}${'@nn speed-up'.padStart(14)}`);
  for (const r of results) {
    if (r.note) console.log(`${r.name.padEnd(30)}${r.note}`);
    else console.log(`${r.name.padEnd(30)}${r.ms.toFixed(2).padStart(10)}${(r.ms / oursMs).toFixed(2).padStart(13)}×`);
  }
}
