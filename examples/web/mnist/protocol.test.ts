import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, checkOptions } from './protocol.js';

describe('checkOptions', () => {
  it('accepts the defaults and names the option and value it rejects', () => {
    expect(() => checkOptions(DEFAULT_OPTIONS)).not.toThrow();
    expect(() => checkOptions({ ...DEFAULT_OPTIONS, batchSize: 0 })).toThrow('mnist: batchSize must be a positive integer, got 0');
    expect(() => checkOptions({ ...DEFAULT_OPTIONS, epochs: NaN })).toThrow('mnist: epochs must be a positive integer, got NaN');
    expect(() => checkOptions({ ...DEFAULT_OPTIONS, lr: -1 })).toThrow('mnist: lr must be positive, got -1');
    expect(() => checkOptions({ ...DEFAULT_OPTIONS, trainSize: 10 })).toThrow('mnist: trainSize 10 is smaller than one batch (batchSize 64)');
    expect(() => checkOptions({ ...DEFAULT_OPTIONS, model: 'rnn' as 'mlp' })).toThrow("mnist: model must be one of mlp, cnn, got 'rnn'");
  });
});
