/**
 * Finding a GPUDevice: `navigator.gpu` in browsers (and Deno), Dawn's Node bindings (npm `webgpu`) in Node.
 * Every failure names what to do about it, since "no adapter" alone is hard to act on.
 */

/** The `webgpu` package's surface that we use (it ships its own types, but it is an optional dependency). */
interface DawnModule {
  create(options: string[]): GPU;
}

export interface AcquiredDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** The GPU object when we created it ourselves (Node); kept referenced for the device's lifetime. */
  gpu: GPU;
}

async function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) throw new Error("setBackend('webgpu'): no WebGPU in this environment (navigator.gpu is missing; browsers expose it only in secure contexts)");
  let mod: DawnModule;
  try {
    // A variable specifier keeps bundlers from trying to resolve this Node-only package in browser builds.
    const name = 'webgpu';
    mod = (await import(/* @vite-ignore */ name)) as DawnModule;
  } catch (e) {
    throw new Error(`setBackend('webgpu'): no WebGPU in this environment; in Node install the 'webgpu' package (npm i webgpu): ${(e as Error).message}`);
  }
  return mod.create([]);
}

/** Requests a high-performance adapter and a device with the adapter's largest buffer limits. */
export async function acquireDevice(): Promise<AcquiredDevice> {
  const gpu = await findGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const hint =
      typeof process !== 'undefined' && process.platform === 'linux'
        ? '; on headless Linux point Vulkan at a software driver, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian chromium ships SwiftShader) with libvulkan1 installed'
        : '';
    throw new Error(`setBackend('webgpu'): no WebGPU adapter found${hint}`);
  }
  const { limits } = adapter;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      },
    });
  } catch (e) {
    throw new Error(`setBackend('webgpu'): the adapter refused to create a device: ${(e as Error).message}`);
  }
  return { device, adapter, gpu };
}
