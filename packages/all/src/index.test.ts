import * as tensorPkg from '@nn/tensor';
import * as initPkg from '@nn/init';
import { describe, expect, it } from 'vitest';
import * as all from './index.js';
import { tensor, Linear, AdamW, fit, init, zeros, kaimingNormal, DataLoader, StepLR, clipGradNorm, backward, crossEntropy } from './index.js';

describe('@nn/all', () => {
  it('re-exports every package flat, with @nn/init as the namespace init', () => {
    for (const f of [tensor, Linear, AdamW, fit, DataLoader, StepLR, clipGradNorm, backward, crossEntropy]) expect(typeof f).toBe('function');
    expect(zeros).toBe(tensorPkg.zeros); // the tensor constructor, not the initializer
    expect(init.zeros).toBe(initPkg.zeros);
    expect(kaimingNormal).toBe(initPkg.kaimingNormal);
    expect(init.uniform).toBe(initPkg.uniform);
    expect('uniform' in all).toBe(false);
    for (const name of Object.keys(tensorPkg)) expect(all).toHaveProperty(name);
  });

  it('exports the PyTorch-fluency names flat: in-place initializers, loss modules, Parameter, registerHook', () => {
    expect(all.kaimingNormal_).toBe(initPkg.kaimingNormal_);
    expect(all.zeros_).toBe(initPkg.zeros_);
    expect(init.orthogonal_).toBe(initPkg.orthogonal_);
    for (const f of [all.MSELoss, all.CrossEntropyLoss, all.NLLLoss, all.BCEWithLogitsLoss, all.HuberLoss, all.Parameter, all.registerHook])
      expect(typeof f).toBe('function');
  });
});
