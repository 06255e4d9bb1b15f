#pragma once
// Forward-mode automatic differentiation for the spline coupling's training: a value and its
// derivatives with respect to up to kMaxDual inputs (`n` of them in use). The spline's formulas
// are written once as templates over the scalar (Spline.h); evaluated on Dual<T> they give the
// output's and the log-derivative's gradients with respect to the bin parameters and the input,
// so there is no second, hand-derived copy of them to disagree with the first.
#include <array>
#include <cmath>

namespace flowscope {

inline constexpr int kMaxDual = 48;  // 3 x 16 bins - 1 parameters + the input

template <class T>
struct Dual {
  T v = 0;
  int n = 0;
  std::array<T, kMaxDual> d{};
  Dual() = default;
  Dual(T value) : v(value) {}  // a constant (implicit, as a scalar literal would be)
  static Dual variable(T value, int index, int count) {
    Dual x(value);
    x.n = count;
    x.d[size_t(index)] = T(1);
    return x;
  }
};

template <class T>
T valueOf(const Dual<T>& x) {
  return x.v;
}
inline double valueOf(double x) {
  return x;
}
inline float valueOf(float x) {
  return x;
}

namespace dual {
// r.d = a * x.d + b * y.d over the inputs either uses.
template <class T>
Dual<T> combine(T v, const Dual<T>& x, T a, const Dual<T>& y, T b) {
  Dual<T> r(v);
  r.n = x.n > y.n ? x.n : y.n;
  for (int i = 0; i < r.n; ++i) r.d[size_t(i)] = a * x.d[size_t(i)] + b * y.d[size_t(i)];
  return r;
}
template <class T>
Dual<T> scaled(T v, const Dual<T>& x, T a) {
  Dual<T> r(v);
  r.n = x.n;
  for (int i = 0; i < r.n; ++i) r.d[size_t(i)] = a * x.d[size_t(i)];
  return r;
}
}  // namespace dual

template <class T>
Dual<T> operator+(const Dual<T>& x, const Dual<T>& y) {
  return dual::combine(x.v + y.v, x, T(1), y, T(1));
}
template <class T>
Dual<T> operator-(const Dual<T>& x, const Dual<T>& y) {
  return dual::combine(x.v - y.v, x, T(1), y, T(-1));
}
template <class T>
Dual<T> operator-(const Dual<T>& x) {
  return dual::scaled(-x.v, x, T(-1));
}
template <class T>
Dual<T> operator*(const Dual<T>& x, const Dual<T>& y) {
  return dual::combine(x.v * y.v, x, y.v, y, x.v);
}
template <class T>
Dual<T> operator/(const Dual<T>& x, const Dual<T>& y) {
  const T q = x.v / y.v;
  return dual::combine(q, x, T(1) / y.v, y, -q / y.v);
}
template <class T>
Dual<T> exp(const Dual<T>& x) {
  const T e = std::exp(x.v);
  return dual::scaled(e, x, e);
}
template <class T>
Dual<T> log(const Dual<T>& x) {
  return dual::scaled(std::log(x.v), x, T(1) / x.v);
}
template <class T>
Dual<T> sqrt(const Dual<T>& x) {
  const T r = std::sqrt(x.v);
  return dual::scaled(r, x, T(0.5) / r);
}

}  // namespace flowscope
