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
});
