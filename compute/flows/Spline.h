#pragma once
// The monotonic rational-quadratic spline of neural spline flows (Durkan et al. 2019, eqs. 4-8;
// as nflows' `rational_quadratic_spline`): K bins on [-B, B], the identity outside (linear
// tails). From the conditioner's 3K - 1 unconstrained outputs theta:
//   widths  w_k = 2B (m + (1 - m K) softmax(theta[0..K-1])_k),   m = kSplineMinBin,
//   heights h_k = 2B (m + (1 - m K) softmax(theta[K..2K-1])_k),
//   inner knot derivatives d_k = dmin + softplus(theta[2K + k - 1] + c), k = 1..K-1, with c chosen
//   so that theta = 0 gives d = 1; d_0 = d_K = 1 (continuous with the tails).
// In bin k, xi = (x - x_k) / w_k, s = h_k / w_k:
//   y = y_k + h_k (s xi^2 + d_k xi (1 - xi)) / (s + (d_{k+1} + d_k - 2 s) xi (1 - xi)),
//   dy/dx = s^2 (d_{k+1} xi^2 + 2 s xi (1 - xi) + d_k (1 - xi)^2) / (same denominator)^2.
// The inverse solves the quadratic in xi with the numerically stable root 2c / (-b - sqrt(b^2 -
// 4ac)). Templates over the scalar S (double, float, Dual<T>: Dual.h) with P the parameters' type.
#include <cmath>
#include <vector>

#include "Dual.h"
#include "FlowSpec.h"

namespace flowscope {

template <class S>
struct SplineResult {
  S y, logDet;  // the output and log |dy/dx| at the input
};

template <class S>
struct SplineKnots {
  std::vector<S> x, y, d;  // K + 1 each
};

namespace spline_detail {
template <class S>
S softplus(const S& v) {
  using std::exp;
  using std::log;
  // log(1 + e^v), stable for large v through the value (the derivative is the same formula).
  if (valueOf(v) > 20) return v + log(S(1) + exp(-v));
  return log(S(1) + exp(v));
}

template <class S>
std::vector<S> binSizes(const S* theta, int K, double B) {
  using std::exp;
  double top = valueOf(theta[0]);
  for (int k = 1; k < K; ++k) top = std::max(top, double(valueOf(theta[k])));
  std::vector<S> e(static_cast<size_t>(K));
  S sum(0);
  for (int k = 0; k < K; ++k) {
    e[size_t(k)] = exp(theta[k] - S(top));
    sum = sum + e[size_t(k)];
  }
  for (int k = 0; k < K; ++k)
    e[size_t(k)] = S(2 * B) * (S(kSplineMinBin) + S(1 - kSplineMinBin * K) * e[size_t(k)] / sum);
  return e;
}
}  // namespace spline_detail

template <class S>
SplineKnots<S> splineKnots(const S* theta, int K, double B) {
  using namespace spline_detail;
  const std::vector<S> w = binSizes(theta, K, B), h = binSizes(theta + K, K, B);
  SplineKnots<S> k;
  k.x.resize(size_t(K) + 1);
  k.y.resize(size_t(K) + 1);
  k.d.resize(size_t(K) + 1);
  k.x[0] = S(-B);
  k.y[0] = S(-B);
  for (int i = 0; i < K; ++i) {
    k.x[size_t(i) + 1] = k.x[size_t(i)] + w[size_t(i)];
    k.y[size_t(i) + 1] = k.y[size_t(i)] + h[size_t(i)];
  }
  const double shift = std::log(std::expm1(1.0 - kSplineMinDerivative));
  k.d[0] = S(1);
  k.d[size_t(K)] = S(1);
  for (int i = 1; i < K; ++i)
    k.d[size_t(i)] = S(kSplineMinDerivative) + softplus(theta[2 * K + i - 1] + S(shift));
  return k;
}

// The bin of v among knots t (0..K-1), by value; the last knot is B itself up to rounding.
template <class S>
int splineBin(const std::vector<S>& t, double v) {
  const int K = int(t.size()) - 1;
  int k = 0;
  while (k < K - 1 && v >= double(valueOf(t[size_t(k) + 1]))) ++k;
  return k;
}

// log |dy/dx| in bin k at xi (eq. 8), from the bin's slope s and the knot derivatives.
template <class S>
S splineLogSlope(const SplineKnots<S>& kn, size_t k, const S& s, const S& xi) {
  using std::log;
  const S om = S(1) - xi, xo = xi * om;
  const S den = s + (kn.d[k + 1] + kn.d[k] - S(2) * s) * xo;
  const S num = s * s * (kn.d[k + 1] * xi * xi + S(2) * s * xo + kn.d[k] * om * om);
  return log(num) - S(2) * log(den);
}

template <class S>
SplineResult<S> splineForward(const S& x, const S* theta, int K, double B) {
  const double xv = double(valueOf(x));
  if (!(xv > -B && xv < B)) return {x, S(0)};
  const SplineKnots<S> kn = splineKnots(theta, K, B);
  const size_t k = size_t(splineBin(kn.x, xv));
  const S w = kn.x[k + 1] - kn.x[k], h = kn.y[k + 1] - kn.y[k];
  const S s = h / w, xi = (x - kn.x[k]) / w, xo = xi * (S(1) - xi);
  const S den = s + (kn.d[k + 1] + kn.d[k] - S(2) * s) * xo;
  return {kn.y[k] + h * (s * xi * xi + kn.d[k] * xo) / den, splineLogSlope(kn, k, s, xi)};
}

// x = f^-1(y) and log |dy/dx| at that x (the inverse's log-det is its negative).
template <class S>
SplineResult<S> splineInverse(const S& y, const S* theta, int K, double B) {
  using std::sqrt;
  const double yv = double(valueOf(y));
  if (!(yv > -B && yv < B)) return {y, S(0)};
  const SplineKnots<S> kn = splineKnots(theta, K, B);
  const size_t k = size_t(splineBin(kn.y, yv));
  const S w = kn.x[k + 1] - kn.x[k], h = kn.y[k + 1] - kn.y[k];
  const S s = h / w, dy = y - kn.y[k], sum = kn.d[k + 1] + kn.d[k] - S(2) * s;
  const S a = h * (s - kn.d[k]) + dy * sum, b = h * kn.d[k] - dy * sum, c = -s * dy;
  S disc = b * b - S(4) * a * c;
  if (valueOf(disc) < 0) disc = S(0);
  const S xi = S(2) * c / (-b - sqrt(disc));
  return {kn.x[k] + xi * w, splineLogSlope(kn, k, s, xi)};
}

}  // namespace flowscope
