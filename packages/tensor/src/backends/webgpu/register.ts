import { engine } from '../../engine.js';

// Loaded on demand: `await setBackend('webgpu')` finds an adapter (navigator.gpu in browsers, Dawn in Node).
engine.registerBackend('webgpu', async () => {
  const { createWebGpuBackend } = await import('./backend-webgpu.js');
  return createWebGpuBackend();
});
