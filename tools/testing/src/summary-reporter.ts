/**
 * A vitest reporter that ends the run with one plain line, `N passed, N failed, N skipped`, which CI systems
 * read in any language (vitest's own summary is decorated). Used beside the default reporter.
 */
import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest/node';

export function countTests(tasks: readonly RunnerTask[], acc = { passed: 0, failed: 0, skipped: 0 }): typeof acc {
  for (const t of tasks) {
    if (t.type === 'suite') countTests(t.tasks, acc);
    else if (t.result?.state === 'fail') acc.failed++;
    else if (t.result?.state === 'pass') acc.passed++;
    else acc.skipped++;
  }
  return acc;
}

export class SummaryLineReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const { passed, failed, skipped } = countTests(files);
    // Errors outside tests (a file that fails to load, an unhandled rejection) count as failures too.
    const failedFiles = files.filter((f) => f.result?.state === 'fail' && f.tasks.length === 0).length;
    console.log(`\n${passed} passed, ${failed + failedFiles + errors.length} failed, ${skipped} skipped`);
  }
}
