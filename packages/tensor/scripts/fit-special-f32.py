"""
Fits the float32 polynomials of the WebAssembly SIMD erf and GELU (assembly/elementwise.ts) and checks the whole
float32 pipeline, emulated here with numpy float32, against float64 references (Python's math.erf/erfc/exp):

  erf(x)  = x·P(x²)                          for |x| < 0.75, P of degree 5 in x²
  erfc(z) = exp(-z²)·R(t), t = 1/(1 + z/2)   for z ≥ 0.75 (z ≤ 10; beyond, erfc underflows), R of degree 9 in t
  exp(x)  = Cephes' expf: 2^n · (1 + r + r²·E(r)), r = x − n·ln 2 (ln 2 in two parts), scaled by 2^(n/2) twice
            so that results near overflow and in the subnormal range come out right.

z² is formed exactly as hi + lo (Dekker's split, as there is no fused multiply-add) and exp(-z²) as
exp(-hi)·(1 − lo), so the large z² of the tail costs no accuracy. The fit is least squares on Chebyshev nodes,
reweighted towards minimax relative error. Prints the coefficients (highest power first) and the largest errors
in float32 ulps: exp ≤ 1, erf ≤ 2, GELU ≤ 6 over normal results.

Usage: python3 packages/tensor/scripts/fit-special-f32.py   (numpy only)
"""
import math

import numpy as np

f32 = np.float32


def cheb_nodes(a, b, n):
    k = np.arange(n)
    return (a + b) / 2 + (b - a) / 2 * np.cos((2 * k + 1) * np.pi / (2 * n))


def fit_relative(ys, deg, var):
    """Polynomial in `var` (highest power first) close to ys in relative error."""
    V = np.vander(var, deg + 1)
    w = 1 / np.abs(ys)
    for _ in range(60):
        c, *_ = np.linalg.lstsq(V * w[:, None], ys * w, rcond=None)
        err = (V @ c - ys) / ys
        w = w * (np.abs(err) + 1e-30) ** 0.3
        w /= w.max()
    return c


xs = cheb_nodes(1e-6, 0.75, 4000)
P = [f32(c) for c in fit_relative(np.array([math.erf(x) / x for x in xs]), 5, xs * xs)]
zs = cheb_nodes(0.75, 10.5, 6000)
R = [f32(c) for c in fit_relative(np.array([math.erfc(z) * math.exp(z * z) for z in zs]), 9, 1 / (1 + 0.5 * zs))]

LOG2E, LN2_HI, LN2_LO = f32(1.44269504088896341), f32(0.693359375), f32(-2.12194440e-4)
E = [f32(c) for c in (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1)]


def horner(c, t):
    p = c[0]
    for k in c[1:]:
        p = p * t + k
    return p


def exp32(x):
    x = np.minimum(np.maximum(np.asarray(x, dtype=f32), f32(-104)), f32(89))
    n = np.rint(x * LOG2E).astype(f32)
    r = (x - n * LN2_HI) - n * LN2_LO
    y = (horner(E, r) * (r * r) + r) + f32(1)
    ni = n.astype(np.int32)
    n1 = ni >> 1
    scale = lambda k: ((k + 127) << 23).astype(np.int32).view(f32)
    with np.errstate(over='ignore'):
        return (y * scale(n1)) * scale(ni - n1)


def square(x):
    """x² as hi + lo, exactly."""
    c = x * f32(4097)
    xh = c - (c - x)
    xl = x - xh
    hi = x * x
    return hi, ((xh * xh - hi) + f32(2) * xh * xl) + xl * xl


def erfc_tail(z, hi, lo):
    return exp32(-hi) * (f32(1) - lo) * horner(R, f32(1) / (f32(1) + f32(0.5) * z))


def erf32(x):
    a = np.minimum(np.abs(x), f32(10))
    hi, lo = square(a)
    return np.where(a < f32(0.75), x * horner(P, x * x), np.copysign(f32(1) - erfc_tail(a, hi, lo), x)).astype(f32)


def gelu32(x):
    z = np.abs(x) * f32(0.70710678118654752)
    hi, lo = square(np.minimum(np.abs(x), f32(14.25)))
    ec = erfc_tail(np.minimum(z, f32(10)), hi * f32(0.5), lo * f32(0.5))
    small = f32(0.5) * (f32(1) + np.copysign(z * horner(P, z * z), x))
    big = np.where(x > 0, f32(1) - f32(0.5) * ec, f32(0.5) * ec)
    return (x * np.where(z < f32(0.75), small, big)).astype(f32)


def ulps(a, b):
    ia, ib = (np.asarray(v, dtype=f32).view(np.int32).astype(np.int64) for v in (a, b))
    ia, ib = (np.where(i < 0, -(i & 0x7FFFFFFF), i) for i in (ia, ib))
    return np.abs(ia - ib)


def fmt(cs):
    return ', '.join(repr(float(c)) for c in cs)


print(f'P (erf, in x²): {fmt(P)}')
print(f'R (erfc·exp(z²), in t): {fmt(R)}')
xs = np.concatenate([np.linspace(-12, 12, 400001), np.random.default_rng(0).standard_normal(200000) * 3]).astype(f32)
ex = np.linspace(-110, 90, 400001).astype(f32)
ref = np.array([math.exp(float(v)) if v < 88.8 else math.inf for v in ex]).astype(f32)
print('exp  max ulp', ulps(exp32(ex), ref).max())
print('erf  max ulp', ulps(erf32(xs), np.array([math.erf(float(v)) for v in xs]).astype(f32)).max())
ref = np.array([0.5 * float(v) * math.erfc(-float(v) * math.sqrt(0.5)) for v in xs]).astype(f32)
normal = np.abs(ref) > 1.2e-38
print('gelu max ulp (normal results)', ulps(gelu32(xs), ref)[normal].max())
