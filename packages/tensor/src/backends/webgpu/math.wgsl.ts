/**
 * WGSL math shared by the float kernels. GPU builtins are not enough for PyTorch parity:
 * - WGSL lets implementations assume no NaN/Inf, and real drivers (SwiftShader included) do: `x != x` is false
 *   for NaN, `max(NaN, 0)` is 0, `exp(NaN)` is Inf. So NaN tests use the bit pattern, and float kernels
 *   return NaN inputs unchanged explicitly.
 * - NaN/Inf cannot be written as WGSL constants (constant evaluation rejects them), so they come from a `var`.
 * - Builtin sin/cos/tanh/pow are low precision on some devices (SwiftShader: sin(1) off by 2e-5, tanh(1e-4)
 *   off by 2e-4 relative, pow(100, 2) = 9999.998), so those are written out (Cephes / Eigen polynomials).
 */
export const MATH_WGSL = /* wgsl */ `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn f32_nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn f32_inf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }

// NaN-propagating max/min (torch.maximum / torch.minimum).
fn max_f32(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return f32_nan(); } return max(a, b); }
fn min_f32(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return f32_nan(); } return min(a, b); }

// 2^e · p for p in [0.5, 2): GPUs may flush subnormal results of arithmetic to zero (SwiftShader does), so
// below 2^-126 the subnormal's bit pattern round(p · 2^(e+149)) is built as an integer instead.
fn scale2(p: f32, e: i32) -> f32 {
  if (e > 127) { return ldexp(p * 2.0, e - 1); }
  if (e > -126) { return ldexp(p, e); }
  if (e < -150) { return 0.0; }
  return bitcast<f32>(u32(round(ldexp(p, e + 149))));
}

// Cephes expf: e^x = 2^n · e^r with n = round(x / ln 2) and |r| <= ln2 / 2 (ln 2 split in two parts so the
// reduction is exact), e^r by a degree-7 polynomial. ~1 ulp; the builtin is off by 3e-6 relative near e^45.
fn exp_f32(x: f32) -> f32 {
  if (x > 88.72283935546875) { return f32_inf(); }
  if (x < -103.972084) { return 0.0; }
  let n = floor(x * 1.44269504088896341 + 0.5);
  let r = (x - n * 0.693359375) - n * -2.12194440e-4;
  let z = r * r;
  let p = ((((((1.9875691500e-4 * r + 1.3981999507e-3) * r + 8.3334519073e-3) * r + 4.1665795894e-2) * r
    + 1.6666665459e-1) * r + 5.0000001201e-1) * z + r) + 1.0;
  return scale2(p, i32(n));
}

// Cephes logf: x = m · 2^e with m in [sqrt(1/2), sqrt(2)), log(m) = log1p(m - 1) by a polynomial; accurate near 1,
// where log(x) computed as log2(x)·ln 2 loses digits. Subnormal inputs are rescaled through their bits.
fn log_f32(xin: f32) -> f32 {
  if (xin < 0.0) { return f32_nan(); }
  if (is_inf(xin)) { return xin; }
  let bits = bitcast<u32>(xin);
  if ((bits & 0x7fffffffu) == 0u) { return -f32_inf(); }
  var x = xin;
  var e = 0.0;
  if ((bits & 0x7f800000u) == 0u) { x = f32(bits & 0x7fffffu); e = -149.0; }
  let fr = frexp(x);
  var m = fr.fract;
  e = e + f32(fr.exp);
  if (m < 0.707106781186547524) { e = e - 1.0; m = m + m - 1.0; } else { m = m - 1.0; }
  let z = m * m;
  var y = ((((((((7.0376836292e-2 * m - 1.1514610310e-1) * m + 1.1676998740e-1) * m - 1.2420140846e-1) * m
    + 1.4249322787e-1) * m - 1.6668057665e-1) * m + 2.0000714765e-1) * m - 2.4999993993e-1) * m
    + 3.3333331174e-1) * m * z;
  y = y + -2.12194440e-4 * e;
  y = y - 0.5 * z;
  return (m + y) + 0.693359375 * e;
}
fn sqrt_f32(x: f32) -> f32 { if (x < 0.0) { return f32_nan(); } if (is_inf(x)) { return x; } return sqrt(x); }
fn rsqrt_f32(x: f32) -> f32 {
  if (x < 0.0) { return f32_nan(); }
  if (x == 0.0) { return 1.0 / x; }
  if (is_inf(x)) { return 0.0; }
  return inverseSqrt(x);
}
// 1/(1+e^-x) for x >= 0 and e^x/(1+e^x) below, so nothing overflows; below -87.3 e^x is subnormal and is
// itself the answer (dividing it would flush it to zero).
fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp_f32(-x)); }
  let e = exp_f32(x);
  if (x < -87.33654) { return e; }
  return e / (1.0 + e);
}

// Cephes tanhf: odd polynomial near 0 (where (e^2x - 1)/(e^2x + 1) cancels), saturated beyond |x| > 9.
fn tanh_f32(x: f32) -> f32 {
  let z = abs(x);
  if (z > 9.0) { return select(1.0, -1.0, x < 0.0); }
  if (z >= 0.625) {
    let t = 1.0 - 2.0 / (exp_f32(z + z) + 1.0);
    return select(t, -t, x < 0.0);
  }
  let s = x * x;
  return ((((-5.70498872745e-3 * s + 2.06390887954e-2) * s - 5.37397155531e-2) * s + 1.33314422036e-1) * s
    - 3.33332819422e-1) * s * x + x;
}

// Cephes sinf/cosf: reduce by multiples of pi/4 (pi/4 split in three parts so the reduction is exact),
// then a minimax polynomial on [-pi/4, pi/4].
fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
}
fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
}
fn reduce_quarter_pi(x: f32, j: ptr<function, u32>) -> f32 {
  var k = u32(x * 1.27323954473516);
  var y = f32(k);
  if ((k & 1u) == 1u) { k += 1u; y += 1.0; }
  *j = k & 7u;
  return ((x - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
}
fn sin_f32(x: f32) -> f32 {
  if (is_inf(x)) { return f32_nan(); }
  var j = 0u;
  let r = reduce_quarter_pi(abs(x), &j);
  var s = select(1.0, -1.0, x < 0.0);
  if (j > 3u) { s = -s; j -= 4u; }
  let v = select(sin_poly(r), cos_poly(r), j == 1u || j == 2u);
  return s * v;
}
fn cos_f32(x: f32) -> f32 {
  if (is_inf(x)) { return f32_nan(); }
  var j = 0u;
  let r = reduce_quarter_pi(abs(x), &j);
  var s = 1.0;
  if (j > 3u) { s = -s; j -= 4u; }
  if (j > 1u) { s = -s; }
  let v = select(cos_poly(r), sin_poly(r), j == 1u || j == 2u);
  return s * v;
}

// Eigen's rational erf approximation (max error ~4e-7); |x| >= 4 is +-1 in float32.
fn erf_f32(xin: f32) -> f32 {
  let x = clamp(xin, -4.0, 4.0);
  let x2 = x * x;
  var p = x2 * -2.72614225801306e-10 + 2.77068142495902e-08;
  p = x2 * p + -2.10102402082508e-06;
  p = x2 * p + -5.69250639462346e-05;
  p = x2 * p + -7.34990630326855e-04;
  p = x2 * p + -2.95459980854025e-03;
  p = x2 * p + -1.60960333262415e-02;
  p = x * p;
  var q = x2 * -1.45660718464996e-05 + -2.13374055278905e-04;
  q = x2 * q + -1.68282697438203e-03;
  q = x2 * q + -7.37332916720468e-03;
  q = x2 * q + -1.42647390514189e-02;
  return p / q;
}

// x^n for a non-negative integer n by repeated squaring (exact for small n, unlike exp2(n*log2(x))).
fn powi_f32(x: f32, n_in: u32) -> f32 {
  var n = n_in;
  var base = x;
  var r = 1.0;
  loop {
    if ((n & 1u) == 1u) { r = r * base; }
    n = n >> 1u;
    if (n == 0u) { break; }
    base = base * base;
  }
  return r;
}

// std::pow (torch.pow): pow(x, 0) = pow(1, y) = 1 even for NaN; a finite negative base needs an integer
// exponent (odd ones keep the sign), otherwise NaN.
fn pow_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return f32_nan(); }
  let b_int = !is_inf(b) && b == floor(b);
  if (a < 0.0 && !b_int && !is_inf(b) && !is_inf(a)) { return f32_nan(); }
  let m = abs(a);
  var r: f32;
  if (b_int && abs(b) <= 64.0) {
    r = powi_f32(m, u32(abs(b)));
    if (b < 0.0) { r = 1.0 / r; }
  } else if (is_inf(b)) {
    if (m == 1.0) { return 1.0; }
    r = select(0.0, f32_inf(), (m > 1.0) == (b > 0.0));
  } else if (m == 0.0 || is_inf(m)) {
    r = select(0.0, f32_inf(), (m == 0.0) == (b < 0.0));
  } else {
    r = exp2(b * log2(m));
  }
  // Odd integer exponents keep the base's sign (-0 included: pow(-0, -1) = -inf); |b| >= 2^24 is always even.
  let negative = (bitcast<u32>(a) & 0x80000000u) != 0u;
  if (negative && b_int && abs(b) < 16777216.0 && (u32(abs(b)) & 1u) == 1u) { r = -r; }
  return r;
}

// Integer power with wrap-around, as PyTorch: negative exponents give 0 except for bases 1 and -1.
fn pow_i32(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var n = u32(b);
  var base = a;
  var r = 1;
  loop {
    if ((n & 1u) == 1u) { r = r * base; }
    n = n >> 1u;
    if (n == 0u) { break; }
    base = base * base;
  }
  return r;
}
`;
