#include "CriticMlp.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <memory>

#include "Activations.h"
#include "InputError.h"

namespace flowscope {

void validateCritic(const MlpSpec& spec) {
  validate(spec);
  if (spec.outputs != 1) throw InputError("outputs: a critic has one output");
  if (spec.embedding.kind != EmbeddingKind::None) throw InputError("embedding: a critic has none");
  if (spec.classes != 0) throw InputError("classes: a critic is not class-conditional");
  if (spec.residual) throw InputError("residual: a critic's layers are plain");
}

namespace {

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;  // units x points
template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T>
Eigen::Map<const RowMatrix<T>> weightsOf(std::span<const T> p, const MlpLayout::Layer& l) {
  return {p.data() + l.weights, l.out, l.in};
}
template <class T>
Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> biasOf(std::span<const T> p,
                                                             const MlpLayout::Layer& l) {
  return {p.data() + l.bias, l.out};
}

template <class T, class F>
void elementwise(const Matrix<T>& z, Activation a, F f, Matrix<T>& out) {
  out = z.unaryExpr([a, f](T v) { return T(f(a, double(v))); });
}

}  // namespace

// One forward pass with the input tangents: a_l, z_l and act'(z_l) (l = 1..depth) and, for each
// input direction k, s_l and t_l (t_0 is e_k, not stored); then the backward pass's adjoints. Kept
// between calls so that a step allocates nothing once the batch size is steady.
template <class T>
struct CriticMlpT<T>::Workspace {
  std::vector<Matrix<T>> a, z, slope;        // a[0] = x; z[0], slope[0] unused
  std::vector<std::vector<Matrix<T>>> s, t;  // [k][l], l = 1..depth; [k][0] unused
  Matrix<T> f, g;                            // 1 x points, inputs x points
  Matrix<T> dG, dA, dZ, curve, next;
  std::vector<Matrix<T>> dT, dS;
};

template <class T>
void CriticMlpT<T>::run(std::span<const T> p, std::span<const T> points, bool tangents) const {
  const Eigen::Index n = Eigen::Index(points.size() / size_t(spec_.inputs));
  const int depth = spec_.depth, inputs = spec_.inputs;
  Workspace& r = *work_;
  const size_t L = static_cast<size_t>(depth) + 1, K = tangents ? static_cast<size_t>(inputs) : 0;
  r.a.resize(L);
  r.z.resize(L);
  r.slope.resize(L);
  r.s.resize(K);
  r.t.resize(K);
  for (size_t k = 0; k < K; ++k) {
    r.s[k].resize(L);
    r.t[k].resize(L);
  }
  r.a[0] = Eigen::Map<const Matrix<T>>(points.data(), inputs, n);
  for (size_t l = 1; l < L; ++l) {
    const auto& layer = layout_.layers[l - 1];
    const auto W = weightsOf(p, layer);
    r.z[l].resize(layer.out, n);
    r.z[l].noalias() = W * r.a[l - 1];
    r.z[l].colwise() += biasOf(p, layer);
    elementwise<T>(r.z[l], spec_.activation, activate, r.a[l]);
    elementwise<T>(r.z[l], spec_.activation, activationSlope, r.slope[l]);
    for (size_t k = 0; k < K; ++k) {
      auto& sk = r.s[k][l];
      if (l == 1) {
        sk = W.col(Eigen::Index(k)).replicate(1, n);
      } else {
        sk.resize(layer.out, n);
        sk.noalias() = W * r.t[k][l - 1];
      }
      r.t[k][l] = r.slope[l].cwiseProduct(sk);
    }
  }
  const auto& out = layout_.layers.back();
  const auto w = weightsOf(p, out);
  r.f.resize(1, n);
  r.f.noalias() = w * r.a[L - 1];
  r.f.array() += biasOf(p, out)(0);
  r.g.setZero(inputs, n);
  for (size_t k = 0; k < K; ++k) r.g.row(Eigen::Index(k)).noalias() = w * r.t[k][L - 1];
}

template <class T>
CriticMlpT<T>::CriticMlpT(const MlpSpec& spec)
    : spec_((validateCritic(spec), spec)),
      layout_(layoutOf(spec)),
      work_(std::make_unique<Workspace>()) {}

template <class T>
CriticMlpT<T>::CriticMlpT(const CriticMlpT& other) : CriticMlpT(other.spec_) {}

template <class T>
CriticMlpT<T>::~CriticMlpT() = default;

template <class T>
typename CriticMlpT<T>::Evaluation CriticMlpT<T>::evaluate(std::span<const T> params,
                                                           std::span<const T> points) const {
  run(params, points, true);
  const Workspace& r = *work_;
  Evaluation e;
  e.values.assign(r.f.data(), r.f.data() + r.f.size());
  e.gradients.assign(r.g.data(), r.g.data() + r.g.size());
  return e;
}

template <class T>
std::vector<T> CriticMlpT<T>::values(std::span<const T> params, std::span<const T> points) const {
  run(params, points, false);
  return {work_->f.data(), work_->f.data() + work_->f.size()};
}

template <class T>
double CriticMlpT<T>::lossGradient(std::span<const T> params, std::span<const T> points,
                                   std::span<const T> valueWeights,
                                   std::span<const T> penaltyWeights, std::span<T> grad,
                                   std::vector<T>* values) const {
  // Without a penalty the tangents (and their adjoints) are not needed.
  const bool penalised =
      std::any_of(penaltyWeights.begin(), penaltyWeights.end(), [](T w) { return w != T(0); });
  run(params, points, penalised);
  Workspace& r = *work_;
  const Eigen::Index n = r.f.cols();
  if (values) values->assign(r.f.data(), r.f.data() + r.f.size());
  const size_t K = penalised ? static_cast<size_t>(spec_.inputs) : 0,
               top = static_cast<size_t>(spec_.depth);
  const Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>> dF(valueWeights.data(), n),
      pw(penaltyWeights.data(), n);
  // The penalty and its derivative in g: dP/dg_k = 2 pw (|g| - 1) g_k / |g|.
  const Eigen::Array<T, 1, Eigen::Dynamic> norm = r.g.colwise().norm().array();
  const double penalty = (pw.array() * (norm - T(1)).square()).sum();
  r.dG = r.g.array().rowwise() * (T(2) * pw.array() * (norm - T(1)) / norm.max(T(1e-12)));

  const auto& out = layout_.layers.back();
  const auto w = weightsOf(params, out);
  Eigen::Map<Eigen::Matrix<T, 1, Eigen::Dynamic>> dw(grad.data() + out.weights, out.in);
  dw.noalias() += dF * r.a[top].transpose();
  for (size_t k = 0; k < K; ++k)
    dw.noalias() += r.dG.row(Eigen::Index(k)) * r.t[k][top].transpose();
  grad[out.bias] += dF.sum();
  // Adjoints of a_l and of each t_l, from the top.
  r.dA.resize(out.in, n);
  r.dA.noalias() = w.transpose() * dF;
  r.dT.resize(K);
  r.dS.resize(K);
  for (size_t k = 0; k < K; ++k) {
    r.dT[k].resize(out.in, n);
    r.dT[k].noalias() = w.transpose() * r.dG.row(Eigen::Index(k));
  }
  for (size_t l = top; l >= 1; --l) {
    const auto& layer = layout_.layers[l - 1];
    const auto W = weightsOf(params, layer);
    r.dZ = r.dA.cwiseProduct(r.slope[l]);
    if (spec_.activation != Activation::Relu) {
      elementwise<T>(r.z[l], spec_.activation, activationCurvature, r.curve);
      for (size_t k = 0; k < K; ++k) r.dZ += r.dT[k].cwiseProduct(r.curve).cwiseProduct(r.s[k][l]);
    }
    Eigen::Map<RowMatrix<T>> dW(grad.data() + layer.weights, layer.out, layer.in);
    Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>> db(grad.data() + layer.bias, layer.out);
    dW.noalias() += r.dZ * r.a[l - 1].transpose();
    db += r.dZ.rowwise().sum();
    for (size_t k = 0; k < K; ++k) {
      r.dS[k] = r.dT[k].cwiseProduct(r.slope[l]);
      if (l == 1)
        dW.col(Eigen::Index(k)) += r.dS[k].rowwise().sum();  // t_0 = e_k
      else
        dW.noalias() += r.dS[k] * r.t[k][l - 1].transpose();
    }
    if (l == 1) break;
    r.next.resize(layer.in, n);
    r.next.noalias() = W.transpose() * r.dZ;
    r.dA.swap(r.next);
    for (size_t k = 0; k < K; ++k) {
      r.next.resize(layer.in, n);
      r.next.noalias() = W.transpose() * r.dS[k];
      r.dT[k].swap(r.next);
    }
  }
  return penalty;
}

template class CriticMlpT<double>;
template class CriticMlpT<float>;

}  // namespace flowscope
