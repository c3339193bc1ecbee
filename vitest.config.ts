import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SummaryLineReporter } from './tools/testing/src/summary-reporter.js';

// Tests import packages by name; resolve each @nn/* to its TypeScript source so no build is needed first: the
// published packages under packages/ and the private test helpers under tools/ (@nn/testing).
const alias = Object.fromEntries(
  ['packages', 'tools'].flatMap((dir) =>
    readdirSync(new URL(`./${dir}`, import.meta.url)).map((p) => [
      `@nn/${p}`,
      fileURLToPath(new URL(`./${dir}/${p}/src/index.ts`, import.meta.url)),
    ]),
  ),
);

// WebGPU tests run through Dawn on SwiftShader (a CPU Vulkan driver shipped with Debian's chromium).
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env: Record<string, string> = {};
if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) env.VK_ICD_FILENAMES = swiftshader;
// Mesa's Vulkan device-select layer (mesa-vulkan-drivers, which apt installs with libvulkan1 by default) looks for
// a Wayland display and prints "XDG_RUNTIME_DIR is invalid or not set" for every WebGPU test file when it is unset
// (as under CI and `su`): give the test workers a private, empty one.
if (!process.env.XDG_RUNTIME_DIR) {
  env.XDG_RUNTIME_DIR = join(tmpdir(), `nn-vitest-runtime-${userInfo().uid}`);
  mkdirSync(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
}

export default defineConfig({
  resolve: { alias },
  test: {
    // The CPU backend's WebAssembly kernels are generated from source (packages/tensor/scripts/build-wasm.mjs).
    globalSetup: ['packages/tensor/scripts/ensure-wasm.mjs'],
    include: ['packages/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts', 'tools/release/*.test.ts', 'docs/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', new SummaryLineReporter()],
    // --expose-gc: the memory tests check the FinalizationRegistry safety net.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    env,
  },
});
