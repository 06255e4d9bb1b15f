#include "FlowNetwork.h"

#include <cmath>
#include <numbers>

#include "FastCpuMlp.h"
#include "Parallel.h"
#include "ReferenceMlp.h"
#include "Spline.h"
#include "VulkanMlp.h"

namespace flowscope {
namespace {

template <class T>
struct Mat2 {
  T a, b, c, d;  // [[a, b], [c, d]]
};

// The mixing layer's W = P L U (FlowSpec.h) and its parts.
template <class T>
struct MixMatrices {
  Mat2<T> L, U, W;
};
template <class T>
MixMatrices<T> mixMatrices(const FlowLayer& l, std::span<const T> p) {
  const T lo = p[l.offset], up = p[l.offset + 1];
  const T u0 = T(l.sign0) * std::exp(p[l.offset + 2]), u1 = T(l.sign1) * std::exp(p[l.offset + 3]);
  MixMatrices<T> m;
  m.L = {T(1), T(0), lo, T(1)};
  m.U = {u0, up, T(0), u1};
  const Mat2<T> M{u0, up, lo * u0, lo * up + u1};  // L U
  m.W = l.swap ? Mat2<T>{M.c, M.d, M.a, M.b} : M;
  return m;
}

template <class T>
T logNormal2(T x, T y, double sigma) {
  return T(-(double(x) * x + double(y) * y) / (2.0 * sigma * sigma) -
           std::log(2.0 * std::numbers::pi * sigma * sigma));
}

}  // namespace

template <class Mlp, class T>
size_t FlowNetwork<Mlp, T>::netIndex(size_t layer) const {
  size_t n = 0;
  for (size_t i = 0; i < layer; ++i) n += layout_.layers[i].coupling() ? 1 : 0;
  return n;
}

template <class Mlp, class T>
std::vector<T> FlowNetwork<Mlp, T>::conditionerOutputs(size_t i, std::span<const T> params,
                                                       const std::vector<T>& p, int cond) {
  const FlowLayer& l = layout_.layers[i];
  const size_t n = p.size() / 2;
  std::vector<T> c(n);
  for (size_t r = 0; r < n; ++r) c[r] = p[2 * r + size_t(cond)];
  auto out = nets_[netIndex(i)].forward(params.subspan(l.offset, l.count), c, std::span<const T>{});
  return std::vector<T>(out.begin(), out.end());
}

template <class Mlp, class T>
void FlowNetwork<Mlp, T>::couplingForward(const FlowLayer& l, const std::vector<T>& out,
                                          std::vector<T>& p, std::vector<T>& logDet,
                                          bool inverse) const {
  const size_t n = p.size() / 2, b = size_t(1 - l.cond), k = size_t(l.net.outputs);
  const int K = spec_.bins;
  const double B = spec_.tailBound;
  auto one = [&](size_t r) {
    T& y = p[2 * r + b];
    const T* o = &out[r * k];
    if (l.type == FlowLayerType::Additive) {
      y = inverse ? y - o[0] : y + o[0];
    } else if (l.type == FlowLayerType::Affine) {
      const T s = T(2) * std::tanh(o[0] / T(2));
      y = inverse ? (y - o[1]) * std::exp(-s) : y * std::exp(s) + o[1];
      logDet[r] += s;
    } else {
      const SplineResult<T> res = inverse ? splineInverse(y, o, K, B) : splineForward(y, o, K, B);
      y = res.y;
      logDet[r] += res.logDet;
    }
  };
  if (l.type == FlowLayerType::Spline)
    parallelFor(n, one, 256);
  else
    for (size_t r = 0; r < n; ++r) one(r);
}

template <class Mlp, class T>
void FlowNetwork<Mlp, T>::apply(size_t i, std::span<const T> params, std::vector<T>& p,
                                std::vector<T>& logDet, bool inverse, bool keep) {
  const FlowLayer& l = layout_.layers[i];
  const size_t n = p.size() / 2;
  if (keep) inputs_[i] = p;
  const T* q = params.data() + l.offset;
  switch (l.type) {
    case FlowLayerType::Additive:
    case FlowLayerType::Affine:
    case FlowLayerType::Spline: {
      std::vector<T> out = conditionerOutputs(i, params, p, l.cond);
      couplingForward(l, out, p, logDet, inverse);
      if (keep) outputs_[i] = std::move(out);
      break;
    }
    case FlowLayerType::ActNorm:
    case FlowLayerType::Scale: {
      // actnorm: z = (x + b) exp(log s), parameters b0 b1 ls0 ls1; scaling: z = x exp(lambda).
      const bool act = l.type == FlowLayerType::ActNorm;
      const T b0 = act ? q[0] : T(0), b1 = act ? q[1] : T(0);
      const T l0 = act ? q[2] : q[0], l1 = act ? q[3] : q[1];
      const T e0 = std::exp(l0), e1 = std::exp(l1);
      for (size_t r = 0; r < n; ++r) {
        T& x = p[2 * r];
        T& y = p[2 * r + 1];
        if (inverse) {
          x = x / e0 - b0;
          y = y / e1 - b1;
        } else {
          x = (x + b0) * e0;
          y = (y + b1) * e1;
        }
        logDet[r] += l0 + l1;
      }
      break;
    }
    case FlowLayerType::Mix: {
      const Mat2<T> W = mixMatrices<T>(l, params).W;
      const T det = W.a * W.d - W.b * W.c;
      const Mat2<T> A = inverse ? Mat2<T>{W.d / det, -W.b / det, -W.c / det, W.a / det} : W;
      for (size_t r = 0; r < n; ++r) {
        const T x = p[2 * r], y = p[2 * r + 1];
        p[2 * r] = A.a * x + A.b * y;
        p[2 * r + 1] = A.c * x + A.d * y;
        logDet[r] += q[2] + q[3];
      }
      break;
    }
  }
}

template <class Mlp, class T>
std::vector<T> FlowNetwork<Mlp, T>::forward(std::span<const T> params, std::span<const T> x,
                                            std::vector<T>& logDet) {
  std::vector<T> p(x.begin(), x.end());
  logDet.assign(p.size() / 2, T(0));
  inputs_.assign(layout_.layers.size(), {});
  outputs_.assign(layout_.layers.size(), {});
  for (size_t i = 0; i < layout_.layers.size(); ++i) apply(i, params, p, logDet, false, true);
  return p;
}

template <class Mlp, class T>
std::vector<T> FlowNetwork<Mlp, T>::inverse(std::span<const T> params, std::span<const T> z,
                                            std::vector<T>* logDet) {
  std::vector<T> p(z.begin(), z.end()), ld(p.size() / 2, T(0));
  for (size_t i = layout_.layers.size(); i-- > 0;) apply(i, params, p, ld, true, false);
  if (logDet) *logDet = std::move(ld);
  return p;
}

template <class Mlp, class T>
std::vector<double> FlowNetwork<Mlp, T>::logDensity(std::span<const T> params,
                                                    std::span<const T> x) {
  std::vector<T> p(x.begin(), x.end()), ld(p.size() / 2, T(0));
  for (size_t i = 0; i < layout_.layers.size(); ++i) apply(i, params, p, ld, false, false);
  std::vector<double> out(ld.size());
  for (size_t r = 0; r < out.size(); ++r)
    out[r] = double(logNormal2(p[2 * r], p[2 * r + 1], spec_.baseScale)) + double(ld[r]);
  return out;
}

template <class Mlp, class T>
FlowTrace<T> FlowNetwork<Mlp, T>::trace(std::span<const T> params, std::span<const T> points,
                                        bool inverse) {
  FlowTrace<T> t;
  std::vector<T> p(points.begin(), points.end());
  t.states.push_back(p);
  const size_t L = layout_.layers.size();
  for (size_t k = 0; k < L; ++k) {
    std::vector<T> ld(p.size() / 2, T(0));
    apply(inverse ? L - 1 - k : k, params, p, ld, inverse, false);
    t.states.push_back(p);
    t.logDets.push_back(std::move(ld));
  }
  return t;
}

template <class Mlp, class T>
void FlowNetwork<Mlp, T>::initialiseActNorm(std::span<T> params, std::span<const T> x) {
  std::vector<T> p(x.begin(), x.end()), ld(p.size() / 2, T(0));
  const size_t n = p.size() / 2;
  for (size_t i = 0; i < layout_.layers.size(); ++i) {
    const FlowLayer& l = layout_.layers[i];
    if (l.type == FlowLayerType::ActNorm && n > 1) {
      for (size_t d = 0; d < 2; ++d) {
        double mean = 0.0, sq = 0.0;
        for (size_t r = 0; r < n; ++r) mean += double(p[2 * r + d]);
        mean /= double(n);
        for (size_t r = 0; r < n; ++r) sq += std::pow(double(p[2 * r + d]) - mean, 2);
        const double sd = std::sqrt(sq / double(n)) + 1e-6;
        params[l.offset + d] = T(-mean);
        params[l.offset + 2 + d] = T(-std::log(sd));
      }
    }
    apply(i, params, p, ld, false, false);
  }
}

template <class Mlp, class T>
void FlowNetwork<Mlp, T>::couplingBackward(size_t i, std::span<const T> params, std::vector<T>& g,
                                           T gLogDet, std::span<T> grad) {
  const FlowLayer& l = layout_.layers[i];
  const std::vector<T>&x = inputs_[i], &out = outputs_[i];
  const size_t n = x.size() / 2, a = size_t(l.cond), b = 1 - a, k = size_t(l.net.outputs);
  std::vector<T> dOut(n * k);
  auto one = [&](size_t r) {
    const T gy = g[2 * r + b], y = x[2 * r + b];
    const T* o = &out[r * k];
    T* d = &dOut[r * k];
    if (l.type == FlowLayerType::Additive) {
      d[0] = gy;
    } else if (l.type == FlowLayerType::Affine) {
      const T th = std::tanh(o[0] / T(2)), e = std::exp(T(2) * th);
      g[2 * r + b] = gy * e;
      d[0] = (gy * y * e + gLogDet) * (T(1) - th * th);
      d[1] = gy;
    } else {
      const int m = int(k) + 1;  // the bin parameters, then the input
      std::vector<Dual<T>> theta(k);
      for (size_t j = 0; j < k; ++j) theta[j] = Dual<T>::variable(o[j], int(j), m);
      const auto res =
          splineForward(Dual<T>::variable(y, m - 1, m), theta.data(), spec_.bins, spec_.tailBound);
      for (size_t j = 0; j < k; ++j) d[j] = gy * res.y.d[j] + gLogDet * res.logDet.d[j];
      g[2 * r + b] = gy * res.y.d[k] + gLogDet * res.logDet.d[k];
    }
  };
  if (l.type == FlowLayerType::Spline)
    parallelFor(n, one, 64);
  else
    for (size_t r = 0; r < n; ++r) one(r);
  auto dc = nets_[netIndex(i)].backward(params.subspan(l.offset, l.count), dOut,
                                        grad.subspan(l.offset, l.count));
  for (size_t r = 0; r < n; ++r) g[2 * r + a] += T(dc[r]);
}

template <class Mlp, class T>
void FlowNetwork<Mlp, T>::backward(size_t i, std::span<const T> params, std::vector<T>& g,
                                   T gLogDet, std::span<T> grad) {
  const FlowLayer& l = layout_.layers[i];
  if (l.coupling()) return couplingBackward(i, params, g, gLogDet, grad);
  const std::vector<T>& x = inputs_[i];
  const size_t n = x.size() / 2;
  const T* q = params.data() + l.offset;
  T* gq = grad.data() + l.offset;
  if (l.type == FlowLayerType::Mix) {
    const MixMatrices<T> m = mixMatrices<T>(l, params);
    T G[2][2] = {{0, 0}, {0, 0}};  // dL/dW = sum_r g_r x_r^T
    for (size_t r = 0; r < n; ++r) {
      const T g0 = g[2 * r], g1 = g[2 * r + 1];
      for (size_t c = 0; c < 2; ++c) {
        G[0][c] += g0 * x[2 * r + c];
        G[1][c] += g1 * x[2 * r + c];
      }
      g[2 * r] = m.W.a * g0 + m.W.c * g1;  // W^T g
      g[2 * r + 1] = m.W.b * g0 + m.W.d * g1;
    }
    const T dM[2][2] = {{l.swap ? G[1][0] : G[0][0], l.swap ? G[1][1] : G[0][1]},
                        {l.swap ? G[0][0] : G[1][0], l.swap ? G[0][1] : G[1][1]}};
    gq[0] += dM[1][0] * m.U.a + dM[1][1] * m.U.b;  // (dM U^T)[1][0]
    gq[1] += m.L.a * dM[0][1] + m.L.c * dM[1][1];  // (L^T dM)[0][1]
    gq[2] += (m.L.a * dM[0][0] + m.L.c * dM[1][0]) * m.U.a + gLogDet * T(n);
    gq[3] += (m.L.b * dM[0][1] + m.L.d * dM[1][1]) * m.U.d + gLogDet * T(n);
    return;
  }
  const bool act = l.type == FlowLayerType::ActNorm;
  const size_t ls = act ? 2 : 0;
  for (size_t d = 0; d < 2; ++d) {
    const T bias = act ? q[d] : T(0), e = std::exp(q[ls + d]);
    for (size_t r = 0; r < n; ++r) {
      const T gz = g[2 * r + d];
      if (act) gq[d] += gz * e;
      gq[ls + d] += gz * (x[2 * r + d] + bias) * e + gLogDet;
      g[2 * r + d] = gz * e;
    }
  }
}

template <class Mlp, class T>
double FlowNetwork<Mlp, T>::nllAndGradient(std::span<const T> params, std::span<const T> x,
                                           std::span<T> grad) {
  std::vector<T> logDet;
  std::vector<T> g = forward(params, x, logDet);
  const size_t n = logDet.size();
  const double s2 = spec_.baseScale * spec_.baseScale;
  double nll = 0.0;
  for (size_t r = 0; r < n; ++r) {
    nll -= double(logNormal2(g[2 * r], g[2 * r + 1], spec_.baseScale)) + double(logDet[r]);
    g[2 * r] = T(double(g[2 * r]) / (s2 * double(n)));  // dL/dz of the mean NLL
    g[2 * r + 1] = T(double(g[2 * r + 1]) / (s2 * double(n)));
  }
  const T gLogDet = T(-1.0 / double(n));
  for (size_t i = layout_.layers.size(); i-- > 0;) backward(i, params, g, gLogDet, grad);
  return nll / double(n);
}

template class FlowNetwork<ReferenceMlp, double>;
template class FlowNetwork<FastCpuMlp, float>;
template class FlowNetwork<VulkanMlp, float>;

}  // namespace flowscope
