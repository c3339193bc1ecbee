import { tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from './early-stopping.js';
import type { EpochLogs } from './history.js';

const logs = (epoch: number, values: Record<string, number>) => ({ epoch, loss: 0, lr: 0.1, ...values }) as EpochLogs;
const noModel = { stateDict: () => ({}), loadStateDict: () => undefined };

/** The epoch after which training stops for these monitored values (0: never). */
function stopsAfter(es: EarlyStopping, key: string, values: number[]): number {
  for (const [i, v] of values.entries()) if (es.update(i + 1, logs(i + 1, { [key]: v }), noModel)) return i + 1;
  return 0;
}

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement (Keras semantics; 0 and 1 both stop at the first)', () => {
    expect(stopsAfter(new EarlyStopping({ patience: 2 }, 'valLoss'), 'valLoss', [1, 0.9, 0.95, 0.91, 0.8])).toBe(4);
    expect(stopsAfter(new EarlyStopping({ patience: 0 }, 'valLoss'), 'valLoss', [1, 0.9, 0.95])).toBe(3);
    expect(stopsAfter(new EarlyStopping({ patience: 1 }, 'valLoss'), 'valLoss', [1, 0.9, 0.95])).toBe(3);
    expect(stopsAfter(new EarlyStopping({ patience: 2 }, 'valLoss'), 'valLoss', [1, 0.9, 0.95, 0.8, 0.85, 0.7])).toBe(0);
  });

  it('needs an improvement larger than minDelta, treats NaN as none, and picks max mode for accuracies', () => {
    const es = new EarlyStopping({ patience: 1, minDelta: 0.05 }, 'loss');
    expect(stopsAfter(es, 'loss', [1, 0.97])).toBe(2);
    expect(es.state()).toEqual({ best: 1, bestEpoch: 1, wait: 1, stoppedEpoch: 2 });
    expect(stopsAfter(new EarlyStopping({ patience: 1 }, 'loss'), 'loss', [1, NaN])).toBe(2);
    const acc = new EarlyStopping({ monitor: 'valAccuracy', patience: 1 }, 'valLoss');
    expect(acc.mode).toBe('max');
    expect(stopsAfter(acc, 'valAccuracy', [0.5, 0.6, 0.7, 0.65])).toBe(4);
    expect(new EarlyStopping({ monitor: 'valAccuracy', mode: 'min' }, 'loss').mode).toBe('min');
  });

  it('keeps the weights of the best epoch and puts them back', () => {
    let weight = tensor([1]);
    const model = { stateDict: () => ({ w: weight.detach() }), loadStateDict: (sd: Record<string, typeof weight>) => void (weight = sd.w!.clone()) };
    const es = new EarlyStopping({ patience: 5, restoreBest: true }, 'loss');
    es.update(1, logs(1, { loss: 2 }), model);
    weight = tensor([2]);
    es.update(2, logs(2, { loss: 1 }), model); // best
    weight = tensor([3]);
    es.update(3, logs(3, { loss: 1.5 }), model);
    expect(es.restore(model, 3)).toBe(true);
    expect(weight.item()).toBe(2);
    expect(es.restore(model, 2)).toBe(false);
    es.dispose();
    expect(es.bestWeights).toBeNull();
  });

  it('validates its options and saved state', () => {
    expect(() => new EarlyStopping({ patience: -1 }, 'loss')).toThrow('fit: earlyStopping: patience must be an integer >= 0, got number -1');
    expect(() => new EarlyStopping({ mode: 'up' as never }, 'loss')).toThrow("fit: earlyStopping: mode must be 'min' or 'max' or 'auto', got string \"up\"");
    expect(() => new EarlyStopping({ minDelta: -0.1 }, 'loss')).toThrow('fit: earlyStopping: minDelta must be a finite number >= 0, got number -0.1');
    expect(() => new EarlyStopping({ patient: 3 } as never, 'loss')).toThrow("fit: earlyStopping: unknown option 'patient'");
    expect(() => new EarlyStopping({}, 'loss').loadState({ best: 1, bestEpoch: -1, wait: 0, stoppedEpoch: 0 })).toThrow(
      'fit: resume: earlyStopping state: bestEpoch must be an integer >= 0, got number -1',
    );
  });
});
