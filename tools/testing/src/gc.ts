/**
 * Runs the garbage collector (vitest starts its workers with --expose-gc) and lets FinalizationRegistry callbacks
 * run, a few times, so tensors earlier tests left to the safety net are gone before a test counts live tensors.
 */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('collectGarbage: run node with --expose-gc (vitest.config.ts does)');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}
