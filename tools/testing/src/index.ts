/**
 * @nn/testing: helpers shared by the tests of the @nn packages (private, never built, never a runtime
 * dependency). Tests import it by name; vitest and the root tsconfig resolve it to this source.
 */
export { BACKENDS, backendUnavailable, describeBackends, itKernel } from './backends.js';
export { useWebGpu } from './webgpu.js';
export { expectClose, type Tolerance } from './close.js';
export { decodeNumber } from './golden.js';
export { expectMoments, moments } from './moments.js';
export { collectGarbage } from './gc.js';
export { seededValues } from './values.js';
