import type { Backend, KernelFunc, MultiKernelFunc } from './backend.js';

/** Kernels by backend and name. One registration per kernel per backend, from that kernel's own file. */
const registry = new Map<string, Map<string, KernelFunc | MultiKernelFunc>>();

export function registerKernel<B extends Backend>(backend: string, name: string, fn: KernelFunc<B> | MultiKernelFunc<B>): void {
  let byName = registry.get(backend);
  if (!byName) registry.set(backend, (byName = new Map()));
  byName.set(name, fn as KernelFunc);
}

export function getKernel(backend: string, name: string): KernelFunc | MultiKernelFunc | undefined {
  return registry.get(backend)?.get(name);
}

export function hasKernel(backend: string, name: string): boolean {
  return getKernel(backend, name) !== undefined;
}

export function kernelNames(backend: string): string[] {
  return [...(registry.get(backend)?.keys() ?? [])];
}
