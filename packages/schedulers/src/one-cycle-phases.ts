/**
 * The phases of the 1cycle policy, shared by OneCycleLR and the pure `oneCycleSchedule`. Each phase anneals
 * from one named value to another between its start and `endStep` (PyTorch's `_schedule_phases`):
 *
 *   two phases:   0 → pctStart·T − 1: initialLr → maxLr;  → T − 1: maxLr → minLr
 *   three phases: 0 → pctStart·T − 1: initialLr → maxLr;  → 2·pctStart·T − 2: maxLr → initialLr;
 *                 → T − 1: initialLr → minLr
 *
 * with momentum moving the opposite way (maxMomentum where lr is low, baseMomentum at the lr peak).
 */
import { fail } from './validate.js';

export type OneCycleKey = 'initialLr' | 'maxLr' | 'minLr' | 'maxMomentum' | 'baseMomentum';

export interface OneCyclePhase {
  endStep: number;
  startLr: OneCycleKey;
  endLr: OneCycleKey;
  startMomentum: OneCycleKey;
  endMomentum: OneCycleKey;
}

export type AnnealStrategy = 'cos' | 'linear';

export function oneCyclePhases(totalSteps: number, pctStart: number, threePhase: boolean): OneCyclePhase[] {
  const warmup: OneCyclePhase = {
    endStep: pctStart * totalSteps - 1,
    startLr: 'initialLr',
    endLr: 'maxLr',
    startMomentum: 'maxMomentum',
    endMomentum: 'baseMomentum',
  };
  if (!threePhase) {
    return [
      warmup,
      {
        endStep: totalSteps - 1,
        startLr: 'maxLr',
        endLr: 'minLr',
        startMomentum: 'baseMomentum',
        endMomentum: 'maxMomentum',
      },
    ];
  }
  return [
    warmup,
    {
      endStep: 2 * pctStart * totalSteps - 2,
      startLr: 'maxLr',
      endLr: 'initialLr',
      startMomentum: 'baseMomentum',
      endMomentum: 'maxMomentum',
    },
    {
      endStep: totalSteps - 1,
      startLr: 'initialLr',
      endLr: 'minLr',
      startMomentum: 'maxMomentum',
      endMomentum: 'maxMomentum',
    },
  ];
}

/** Cosine anneal from `start` to `end` as `pct` goes from 0 to 1: end + (start − end)/2 · (1 + cos(π·pct)). */
export function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2) * cosOut;
}

/** Linear anneal from `start` to `end` as `pct` goes from 0 to 1. */
export function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}

export function annealFunction(strategy: AnnealStrategy): (start: number, end: number, pct: number) => number {
  return strategy === 'cos' ? annealCos : annealLinear;
}

/**
 * The phase holding `step` and how far through it `step` is (the last phase also takes steps beyond its end).
 * A phase that spans no steps (e.g. pctStart·T = 1) cannot be interpolated: PyTorch divides by zero there.
 */
export function locatePhase(
  cls: string,
  phases: readonly OneCyclePhase[],
  step: number,
): { phase: OneCyclePhase; pct: number } {
  let startStep = 0;
  for (let i = 0; i < phases.length; i++) {
    const phase = phases[i]!;
    if (step <= phase.endStep || i === phases.length - 1) {
      if (phase.endStep === startStep) {
        fail(
          cls,
          `phase ${i} of the cycle spans no steps (it starts and ends at step ${startStep}); change pctStart or the total number of steps`,
        );
      }
      return { phase, pct: (step - startStep) / (phase.endStep - startStep) };
    }
    startStep = phase.endStep;
  }
  throw new Error('unreachable');
}
