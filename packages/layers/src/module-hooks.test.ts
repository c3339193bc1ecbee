/** Forward hooks, requiresGrad_ and moving a module between devices. */
import { backward } from '@nn/autograd';
import { kaimingNormal_, zeros_ } from '@nn/init';
import { SGD } from '@nn/optim';
import { Generator, keep, memory, ones, tensor, tidy, type Tensor } from '@nn/tensor';
import { useWebGpu } from '@nn/testing';
import { describe, expect, it } from 'vitest';
import { BatchNorm1d, Linear, Module, MSELoss, ReLU, Sequential } from './index.js';

const values = (t: Tensor) => Array.from(t.dataSync());

class Double extends Module {
  forward(x: Tensor) {
    return x.mul(2);
  }
}

describe('forward hooks', () => {
  it('a pre-hook may replace the inputs, a hook the output; each sees the module and the final inputs', () => {
    const m = new Double();
    const log: string[] = [];
    m.registerForwardPreHook((mod, [x]) => {
      expect(mod).toBe(m);
      log.push(`pre ${values(x)}`);
      return x.add(1); // a single input may be returned as is
    });
    m.registerForwardHook((mod, [x], out) => {
      log.push(`post ${values(x)} -> ${values(out)}`);
      return out.neg();
    });
    expect(values(m.call(tensor([1, 2])))).toEqual([-4, -6]);
    expect(log).toEqual(['pre 1,2', 'post 2,3 -> 4,6']);
    // forward() itself runs no hooks (as PyTorch's module.forward).
    expect(values(m.forward(tensor([1, 2])))).toEqual([2, 4]);
  });

  it('runs hooks in registration order, each on the previous result, and removes them by handle or `using`', () => {
    const m = new Double();
    const order: string[] = [];
    const a = m.registerForwardHook((_, __, out) => (order.push('a'), out.add(1)));
    {
      using _b = m.registerForwardHook((_, __, out) => (order.push('b'), out.mul(10)));
      m.registerForwardHook(() => void order.push('c')); // observes only
      expect(values(m.call(tensor([1])))).toEqual([30]);
    }
    a.remove();
    a.remove();
    expect(values(m.call(tensor([1])))).toEqual([2]);
    expect(order).toEqual(['a', 'b', 'c', 'c']);
  });

  it('fire on children called by a Sequential; kept activations survive its tidy', () => {
    const net = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    const acts: Tensor[] = [];
    const handles = net.children().map((c) => c.registerForwardHook((_m, _i, out) => void acts.push(keep(out as Tensor))));
    const x = ones([4, 2]);
    const before = memory().numTensors;
    const y = net.call(x);
    expect(acts.map((a) => a.shape)).toEqual([[4, 3], [4, 3], [4, 1]]);
    expect(values(acts[2]!)).toEqual(values(y));
    expect(values(acts[1]!).every((v) => v >= 0)).toBe(true);
    handles.forEach((h) => h.remove());
    y.dispose();
    acts.forEach((a) => a.dispose());
    expect(memory().numTensors).toBe(before);
  });

  it('a pre-hook of a several-input module returns the whole input list', () => {
    const loss = new MSELoss();
    loss.registerForwardPreHook((_m, [input, target]) => [input, target.mul(0)]);
    expect(loss.call(tensor([1, 3]), tensor([1, 1])).item()).toBe(5); // (1 + 9) / 2
  });

  it('validates fn', () => {
    expect(() => new Double().registerForwardHook(3 as never)).toThrow('Double.registerForwardHook: fn must be a function, got 3');
    expect(() => new Double().registerForwardPreHook(null as never)).toThrow('Double.registerForwardPreHook: fn must be a function, got null');
  });
});

describe('Module.requiresGrad_', () => {
  it('freezes and unfreezes every parameter of the tree, returning the module', () => {
    const net = new Sequential(new Linear(2, 3), new BatchNorm1d(3), new Linear(3, 1));
    const first = net.at(0) as Linear;
    expect(first.requiresGrad_(false)).toBe(first);
    expect(net.parameters().map((p) => p.requiresGrad)).toEqual([false, false, true, true, true, true]);
    backward(net.call(ones([4, 2])).sum());
    expect(first.weight.grad).toBeNull();
    expect((net.at(2) as Linear).weight.grad).not.toBeNull();
    net.requiresGrad_();
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    expect(net.buffers().some((b) => b.requiresGrad)).toBe(false);
    expect(() => net.requiresGrad_(1 as never)).toThrow('Sequential.requiresGrad_: requiresGrad must be a boolean, got 1');
  });
});

describe('Module.to', () => {
  const requireWebGpu = useWebGpu();

  it('on the device the module is on changes nothing', () => {
    const lin = new Linear(2, 2);
    const [w, b] = lin.parameters();
    expect(lin.to('cpu')).toBe(lin);
    expect(lin.parameters()).toEqual([w, b]);
    expect(() => lin.to('tpu' as never)).toThrow("Linear.to: unknown device 'tpu'");
  });

  it('moves parameters, gradients and buffers in place: the optimizer keeps working on the same tensors', async (ctx) => {
    requireWebGpu(ctx);
    const net = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
    const ref = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2));
    ref.loadStateDict(tidy(() => net.stateDict()));
    const params = net.parameters();
    const x = tensor([[1, 2, 3], [0, -1, 2], [3, 1, 0]]);
    backward(net.call(x).sum()); // gradients on the CPU move too
    const opt = new SGD(params, { lr: 0.1 });
    const live = memory().backends.cpu!.numTensors;
    expect(net.to('webgpu')).toBe(net);
    expect(net.parameters()).toEqual(params);
    expect([...params, ...params.map((p) => p.grad!), ...net.buffers()].every((t) => t.device === 'webgpu')).toBe(true);
    expect(memory().backends.cpu!.numTensors).toBe(live - 2 * params.length - net.buffers().length);
    opt.step(); // steps the webgpu tensors the optimizer holds
    backward(ref.call(x).sum());
    new SGD(ref.parameters(), { lr: 0.1 }).step();
    expect(() => net.to('cpu')).toThrow("Sequential.to: tensors on webgpu can only be read asynchronously; use await module.toAsync('cpu')");
    expect(await net.toAsync('cpu')).toBe(net);
    expect(net.parameters()).toEqual(params);
    const got = net.stateDict();
    for (const [k, t] of Object.entries(ref.stateDict())) {
      expect(got[k]!.device).toBe('cpu');
      values(got[k]!).forEach((v, i) => expect(v).toBeCloseTo(values(t)[i]!, 5));
    }
  });
});

describe('Module.apply with the in-place initializers', () => {
  it('re-initialises parameters in place: same tensors, so an optimizer built before keeps them', () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    const params = net.parameters();
    const opt = new SGD(params, { lr: 0.5 });
    const g = new Generator(3);
    const visited: string[] = [];
    net.apply((m) => {
      visited.push(m.constructor.name);
      if (m instanceof Linear) {
        kaimingNormal_(m.weight, { nonlinearity: 'relu', generator: g });
        zeros_(m.bias!);
      }
    });
    expect(visited).toEqual(['Linear', 'ReLU', 'Linear', 'Sequential']);
    expect(net.parameters()).toEqual(params);
    expect(values((net.at(2) as Linear).bias!)).toEqual([0, 0]);
    backward(net.call(ones([1, 3])).sum());
    opt.step();
    expect(values((net.at(2) as Linear).bias!)).toEqual([-0.5, -0.5]);
  });
});
