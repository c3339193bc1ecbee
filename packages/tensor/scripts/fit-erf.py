"""Fits the polynomial pieces of the CPU backend's erf/erfc (src/backends/cpu/kernels/erf.ts).

erfc(x) = exp(-x^2) * R(x) for x >= 1, where R(x) = erfc(x) exp(x^2) is smooth and slowly varying, so a
Chebyshev-interpolated polynomial fits it to ~1e-15 relative; for x >= 4 we fit x R(x) as a function of
u = 1/x^2 (its asymptotic series is a power series in u). Below 1, erf uses its Taylor series directly.
Run with /usr/bin/python3 (needs mpmath) and paste the printed arrays into erf.ts.
"""
import mpmath as mp

mp.mp.dps = 40


def R(x):
    return mp.erfc(x) * mp.exp(x * x)


def fmt(name, coeffs):
    body = ", ".join(mp.nstr(c, 17) for c in coeffs)
    return f"const {name} = [{body}];"


pieces = [("R_1_2", 1, 2, 14), ("R_2_4", 2, 4, 16)]
for name, lo, hi, deg in pieces:
    c, h = mp.mpf(lo + hi) / 2, mp.mpf(hi - lo) / 2
    poly, err = mp.chebyfit(lambda t: R(c + h * t), [-1, 1], deg + 1, error=True)
    print(f"// {name}: R({c} + {h} t), t in [-1, 1], degree {deg}, max relative error {mp.nstr(err / R(hi), 2)}")
    print(fmt(name, poly))

umax = mp.mpf(1) / 16
poly, err = mp.chebyfit(lambda u: R(1 / mp.sqrt(u)) / mp.sqrt(u), [mp.mpf(10) ** -30, umax], 13, error=True)
print(f"// TAIL: x R(x) as a polynomial in u = 1/x^2 in (0, 1/16], degree 12, max relative error {mp.nstr(err / 0.5, 2)}")
print(fmt("TAIL", poly))
