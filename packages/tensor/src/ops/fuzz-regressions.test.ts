/**
 * Regressions found by fuzzing against PyTorch (issue 9): each case is the repro that was silently wrong.
 * Gradient cases live in @nn/autograd's fuzz-regressions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { arange, cast, full, mean, pow, rand, randint, randn, sub, sum, tensor, zeros } from '../index.js';

describe('int32 never wraps around', () => {
  it('tensor() refuses values outside int32, NaN and infinities for dtype int32 (PyTorch: overflow error)', () => {
    expect(() => tensor([3e9], { dtype: 'int32' })).toThrow(/tensor: 3000000000 \(element 0\) cannot be converted to int32 without overflow/);
    expect(() => tensor([1, Number.NaN], { dtype: 'int32' })).toThrow(/tensor: NaN \(element 1\) cannot be converted to int32/);
    expect(() => tensor(new Float32Array([-Infinity]), { dtype: 'int32' })).toThrow(/-Infinity/);
    expect(Array.from(tensor([2147483647, -2147483648, 1.9, -1.9], { dtype: 'int32' }).dataSync())).toEqual([2147483647, -2147483648, 1, -1]);
  });

  it('full, arange and randint check their int32 values', () => {
    expect(() => full([2], 2 ** 31, { dtype: 'int32' })).toThrow(/full: 2147483648 cannot be converted to int32/);
    expect(() => arange(2147483640, 2147483650)).toThrow(/arange: 2147483648 cannot be converted to int32/);
    expect(() => randint(0, 2 ** 32, [2])).toThrow(/randint: high: 4294967295 cannot be converted to int32/);
  });

  it('an int32 sum, sum of products or square that leaves int32 is an error naming the op', () => {
    expect(() => tensor([2147483647, 1], { dtype: 'int32' }).sum()).toThrow(/sum: int32 overflow: the sum is 2147483648/);
    expect(tensor([2147483646, 1], { dtype: 'int32' }).sum().item()).toBe(2147483647);
    const big = tensor([65536], { dtype: 'int32' });
    expect(() => big.mul(big)).toThrow(/mul: int32 overflow: 65536 and 65536 give 4294967296/);
    expect(() => big.add(tensor([2147483647], { dtype: 'int32' }))).toThrow(/add: int32 overflow/);
    expect(() => big.square()).toThrow(/square: int32 overflow/);
    expect(() => tensor([-2147483648], { dtype: 'int32' }).neg()).toThrow(/neg: int32 overflow/);
    expect(() => pow(tensor([2], { dtype: 'int32' }), 31)).toThrow(/pow: int32 overflow: 2 and 31 give 2147483648/);
    expect(pow(tensor([2], { dtype: 'int32' }), 30).item()).toBe(2 ** 30);
    expect(tensor([-46341], { dtype: 'int32' }).mul(46340).item()).toBe(-2147441940);
  });

  it('casting NaN, ±inf or out-of-range floats to int32 is an error (PyTorch: undefined result)', () => {
    expect(() => cast(tensor([1.5, Number.NaN]), 'int32')).toThrow(/cast: NaN \(element 1\) cannot be converted to int32/);
    expect(() => cast(tensor([3e9]), 'int32')).toThrow(/cast: 3000000000/);
    expect(Array.from(cast(tensor([-2.7, 2.7, 2147483520]), 'int32').dataSync())).toEqual([-2, 2, 2147483520]);
  });
});

describe('creation functions check what they are given', () => {
  it('a huge shape is an error naming the op and the shape, not V8 RangeError', () => {
    expect(() => zeros([1e6, 1e6])).toThrow(/^zeros: shape \[1000000,1000000\] has 1\.000e\+12 elements, more than a tensor holds/);
    expect(() => randn([1e5, 1e5])).toThrow(/^randn: shape \[100000,100000\] has 1\.000e\+10 elements/);
    expect(() => tensor([1], { shape: [2 ** 31] })).toThrow(/tensor: shape/);
  });

  it('randn/rand refuse an int32 dtype; option typos are errors in every creation function', () => {
    expect(() => randn([2], { dtype: 'int32' })).toThrow(/randn: dtype must be float32 or float16, got int32 \(randint draws integers\)/);
    expect(() => rand([2], { dtype: 'bool' })).toThrow(/rand: dtype must be float32/);
    expect(() => zeros([2], { dtpye: 'int32' } as never)).toThrow(/zeros: unknown option 'dtpye'/);
    expect(() => tensor([1], { dtpye: 'int32' } as never)).toThrow(/tensor: unknown option 'dtpye'/);
    expect(() => randn([2], { genrator: null } as never)).toThrow(/randn: unknown option 'genrator'/);
    expect(() => arange(0, 3, { dtpye: 'int32' } as never)).toThrow(/arange: unknown option 'dtpye'/);
    expect(randn([2], { dtype: 'float32', requiresGrad: true }).requiresGrad).toBe(true);
  });
});

describe('PyTorch semantics at the edges', () => {
  it('sub with a bool tensor operand is an error (PyTorch refuses it)', () => {
    expect(() => sub(tensor([true]), tensor([1]))).toThrow(/sub: a is a bool tensor \(shape \[1\]\)/);
    expect(() => sub(3, tensor([false]))).toThrow(/sub: b is a bool tensor/);
    expect(() => tensor([true]).sub(tensor([false]))).toThrow(/sub: a is a bool tensor/);
  });

  it('sum and mean over dims [] reduce every dim, as torch.sum(x, dim=[])', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(sum(x, []).item()).toBe(10);
    expect(sum(x, [], true).shape).toEqual([1, 1]);
    expect(mean(x, []).item()).toBe(2.5);
  });

  it('x^0.5 and x^-0.5 with a number exponent are √x and 1/√x, as PyTorch ((−inf)^0.5 is NaN, (−0)^0.5 is −0)', () => {
    const x = tensor([-Infinity, -4, -0, 0, 4, Infinity]);
    const half = Array.from(pow(x, 0.5).dataSync());
    expect(half.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(Object.is(half[2], -0)).toBe(true);
    expect(half.slice(3)).toEqual([0, 2, Infinity]);
    const inv = Array.from(pow(x, -0.5).dataSync());
    expect(inv.slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(inv.slice(2)).toEqual([-Infinity, Infinity, 0.5, 0]);
    expect(pow(tensor([-Infinity]), 1.5).item()).toBe(Infinity); // other exponents keep C's pow, as PyTorch
  });
});
