#!/usr/bin/env node
// Builds every package with turbo before an example or benchmark runs (`pnpm train`, `pnpm bench`, ...), printing
// one line instead of turbo's build log, so that the program's own output (`pnpm train --help`) comes first. The
// full log is printed only when the build fails. The line goes to stderr: stdout carries only the program's output.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Turbo finds pnpm on the PATH that `pnpm run` sets; node_modules/.bin makes this file runnable on its own too.
const PATH = [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter);
const firstBuild = !existsSync(join(root, 'examples', 'dist'));
process.stderr.write(`building the @nn packages${firstBuild ? ' (the first build takes 1-2 minutes)' : ''}…\n`);

const start = performance.now();
const child = spawn('turbo', ['run', 'build', '--output-logs=errors-only'], { cwd: root, env: { ...process.env, PATH } });
const log = [];
child.stdout.on('data', (chunk) => log.push(chunk));
child.stderr.on('data', (chunk) => log.push(chunk));
child.on('error', (error) => {
  process.stderr.write(`quiet-build: cannot run turbo (${error.message}); run \`npx -y pnpm@9.15.9 install\` first\n`);
  process.exit(1);
});
child.on('close', (code, signal) => {
  if (code === 0) {
    if (firstBuild) process.stderr.write(`built in ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
    return;
  }
  process.stderr.write(Buffer.concat(log));
  process.stderr.write(`quiet-build: the build failed (${signal ?? `exit code ${code}`}); its log is above\n`);
  process.exit(code ?? 1);
});
