import type { Backend } from '../../backend.js';

export async function createWebGpuBackend(): Promise<Backend> {
  throw new Error('setBackend: the webgpu backend is being built');
}
