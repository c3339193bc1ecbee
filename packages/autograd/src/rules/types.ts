import type { Tensor } from '@nn/tensor';

/** What a gradient rule sees of the kernel call it differentiates. */
export interface GradContext {
  /**
   * The kernel's inputs. Shapes are always valid; values only for the inputs listed in `saveInputs` (the
   * others may have been freed by `tidy` before backward runs).
   */
  readonly inputs: readonly Tensor[];
  /** The kernel's output; its values only if `saveOutput`. */
  readonly output: Tensor;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** Which inputs need a gradient: a rule may skip work (and return null) for the others. */
  readonly needs: readonly boolean[];
}

/**
 * The vector–Jacobian product of one kernel: given dL/dy, returns dL/dx for each input (null where none flows),
 * each with exactly that input's shape. Written with @nn/tensor ops so it runs on every backend.
 */
export interface GradRule {
  /** Inputs whose values the rule reads; the graph keeps them alive until backward. */
  readonly saveInputs?: readonly number[];
  /** Whether the rule reads the output's values. */
  readonly saveOutput?: boolean;
  backward(dy: Tensor, ctx: GradContext): (Tensor | null)[];
}

/** Marks a kernel whose output carries no gradient (comparisons, arg-reductions, casts to int/bool). */
export const NON_DIFFERENTIABLE = 'non-differentiable' as const;

export type RuleEntry = GradRule | typeof NON_DIFFERENTIABLE;
