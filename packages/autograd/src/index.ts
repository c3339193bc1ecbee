/**
 * @nn/autograd: reverse-mode automatic differentiation for @nn/tensor. Importing it starts recording ops on
 * tensors that require gradients and adds `tensor.backward()`.
 */
import './graph.js';

export { backward, zeroGrad, type BackwardOptions } from './backward.js';
export { grad, valueAndGrad, type Argnums, type GradOptions } from './functional.js';
export { vjp, type VjpFn } from './functional-vjp.js';
export { jvp } from './functional-jvp.js';
export { hvp, hessian } from './functional-hessian.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './mode.js';
export { gradcheck, type GradcheckOptions } from './gradcheck.js';
export { registerHook, type TensorHook, type RemovableHandle } from './hooks.js';
export { checkpoint, checkpointSequential, type CheckpointOptions, type SequentialStep } from './checkpoint.js';
