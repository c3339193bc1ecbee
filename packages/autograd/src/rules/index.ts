/**
 * The gradient-rule table: one entry per kernel of @nn/tensor's `kernels.ts`, either a rule or an explicit
 * NON_DIFFERENTIABLE. A kernel missing here fails backward with an error naming it.
 */
import { CONV_RULES } from './conv.js';
import { NORM_RULES } from './norm.js';
import { BINARY_RULES, OTHER_ELEMENTWISE_RULES, UNARY_ATTR_RULES, UNARY_RULES } from './elementwise.js';
import { INDEXING_RULES } from './indexing.js';
import { MATMUL_RULES } from './matmul.js';
import { MOVEMENT_RULES } from './movement.js';
import { REDUCE_RULES } from './reduce.js';
import type { KernelName } from '@nn/tensor';
import { NON_DIFFERENTIABLE, type RuleEntry } from './types.js';

/** Typed by kernel name, so a kernel added to @nn/tensor without a rule here fails to compile. */
const TABLE: Record<KernelName, RuleEntry> = {
  ...UNARY_RULES,
  ...UNARY_ATTR_RULES,
  ...BINARY_RULES,
  ...OTHER_ELEMENTWISE_RULES,
  ...REDUCE_RULES,
  ...MATMUL_RULES,
  ...MOVEMENT_RULES,
  ...INDEXING_RULES,
  ...CONV_RULES,
  ...NORM_RULES,
  // Boolean / integer outputs: no gradient flows through them. (Cast is listed above: only float32 → float32
  // is ever recorded, since a cast to int32/bool gives an output that cannot require gradients.)
  Equal: NON_DIFFERENTIABLE,
  NotEqual: NON_DIFFERENTIABLE,
  Less: NON_DIFFERENTIABLE,
  LessEqual: NON_DIFFERENTIABLE,
  Greater: NON_DIFFERENTIABLE,
  GreaterEqual: NON_DIFFERENTIABLE,
  ArgMax: NON_DIFFERENTIABLE,
  ArgMin: NON_DIFFERENTIABLE,
  // Positions only: sort/topk values are a Gather at them, which carries the gradient.
  ArgSort: NON_DIFFERENTIABLE,
  // The fused optimizer updates run on detached tensors under no-grad.
  AdamStep: NON_DIFFERENTIABLE,
  SgdStep: NON_DIFFERENTIABLE,
};

/** Looked up by the name a kernel listener reports (tests may register extra kernels and rules). */
export const RULES: Record<string, RuleEntry | undefined> = TABLE;

export { NON_DIFFERENTIABLE, type GradContext, type GradRule, type RuleEntry } from './types.js';
export { unbroadcast } from './unbroadcast.js';
