import { Linear, Module, ReLU, Sequential } from '../index.js';
import { engine, randn, type Tensor } from '@nn/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';

/** A layer whose forward runs a kernel ONNX export has no mapping for (a training-only fused kernel). */
class Unsupported extends Module {
  forward(x: Tensor): Tensor {
    return engine.runKernel('SumProduct', [x, x], { view: [1, x.shape[0]!, x.size / x.shape[0]!] });
  }
}

describe('exportOnnx: bad input', () => {
  it('a kernel without an ONNX mapping: the error names the kernel and the module path that ran it', () => {
    const model = new Sequential(new Linear(3, 4), new Sequential(new ReLU(), new Unsupported()));
    model.train();
    expect(() => exportOnnx(model, [randn([2, 3])])).toThrow("exportOnnx: kernel 'SumProduct' (run by module '1.1' (Unsupported)) has no ONNX mapping");
    // Nothing left behind: the modules' forward and modes are as before, no listener records anything.
    for (const [, m] of model.namedModules()) {
      expect(Object.hasOwn(m, 'forward')).toBe(false);
      expect(m.training).toBe(true);
    }
    const ok = new Sequential(new Linear(3, 2));
    expect(exportOnnx(ok, [randn([2, 3])]).length).toBeGreaterThan(0);
  });

  it('rejects bad options and example inputs, naming the argument and the value', () => {
    const model = new Linear(3, 2);
    const x = randn([2, 3]);
    expect(() => exportOnnx(model, [x], { opset: 12 })).toThrow('exportOnnx: opset must be an integer from 13 to 21, got 12');
    expect(() => exportOnnx(model, [x], { opsett: 17 } as never)).toThrow("exportOnnx: unknown option 'opsett'");
    expect(() => exportOnnx(model, [])).toThrow('exportOnnx: exampleInputs holds no tensor');
    expect(() => exportOnnx(model, [x], { inputNames: ['a', 'b'] })).toThrow('exportOnnx: inputNames has 2 names for 1 inputs');
    const other = new Module2();
    expect(() => exportOnnx(other, [x, randn([3, 3])], { dynamicBatch: true })).toThrow('exportOnnx: dynamicBatch needs dim 0 of every input to be the batch; got shapes [2,3], [3,3]');
  });

  it('a forward that returns something other than tensors', () => {
    class Bad extends Module {
      forward(): Tensor {
        return 'logits' as unknown as Tensor;
      }
    }
    expect(() => exportOnnx(new Bad(), [randn([1])])).toThrow("exportOnnx: the model's forward returned string at output; expected tensors (or arrays of them)");
  });
});

class Module2 extends Module<[Tensor, Tensor]> {
  forward(a: Tensor, b: Tensor): Tensor {
    return a.matmul(b);
  }
}
