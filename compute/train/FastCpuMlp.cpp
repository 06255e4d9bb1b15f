#include "FastCpuMlp.h"

#include <Eigen/Core>

#include "Activations.h"
#include "InputError.h"

namespace flowscope {
namespace {

using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const Rows>;
using Map = Eigen::Map<Rows>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

float activateF(Activation a, float z) {
  return float(activate(a, double(z)));
}
float slopeF(Activation a, float z) {
  return float(activationSlope(a, double(z)));
}

// out (batch x n.out) = in W^T + b.
void linear(const MlpLayout::Layer& n, std::span<const float> p, const std::vector<float>& in,
            size_t batch, std::vector<float>& out) {
  out.resize(batch * size_t(n.out));
  const ConstMap w(&p[n.weights], n.out, n.in), a(in.data(), Eigen::Index(batch), n.in);
  Map z(out.data(), Eigen::Index(batch), n.out);
  z.noalias() = a * w.transpose();
  z.rowwise() += ConstVectorMap(&p[n.bias], n.out).transpose();
}

// grad += (d^T a, sum d); returns d W.
std::vector<float> linearBackward(const MlpLayout::Layer& n, std::span<const float> p,
                                  const std::vector<float>& a, const std::vector<float>& d,
                                  size_t batch, std::span<float> grad) {
  const ConstMap w(&p[n.weights], n.out, n.in), in(a.data(), Eigen::Index(batch), n.in),
      dz(d.data(), Eigen::Index(batch), n.out);
  Map(&grad[n.weights], n.out, n.in).noalias() += dz.transpose() * in;
  VectorMap(&grad[n.bias], n.out) += dz.colwise().sum().transpose();
  std::vector<float> da(batch * size_t(n.in));
  Map(da.data(), Eigen::Index(batch), n.in).noalias() = dz * w;
  return da;
}

}  // namespace

FastCpuMlp::FastCpuMlp(const MlpSpec& spec)
    : spec_((validate(spec), spec)), layout_(layoutOf(spec)), embedding_(spec.embedding) {}

std::vector<float> FastCpuMlp::forward(std::span<const float> params, std::span<const float> x,
                                       std::span<const float> c) {
  if (params.size() != layout_.count)
    throw InputError("parameters: expected " + std::to_string(layout_.count) + " values");
  const size_t in = size_t(spec_.inputs), first = size_t(spec_.firstInputs());
  batch_ = x.size() / in;
  a_.assign(size_t(spec_.depth) + 1, {});
  z_.assign(size_t(spec_.depth) + 1, {});
  a_[0].assign(batch_ * first, 0.0f);
  std::vector<double> features(first - in);
  for (size_t r = 0; r < batch_; ++r) {
    for (size_t i = 0; i < in; ++i) a_[0][r * first + i] = x[r * in + i];
    if (features.empty()) continue;
    embedding_.features(double(c[r]), features);
    for (size_t k = 0; k < features.size(); ++k) a_[0][r * first + in + k] = float(features[k]);
  }
  for (int k = 1; k <= spec_.depth; ++k) {
    linear(layout_.layers[size_t(k - 1)], params, a_[size_t(k - 1)], batch_, z_[size_t(k)]);
    const std::vector<float>& z = z_[size_t(k)];
    std::vector<float>& a = a_[size_t(k)];
    a.resize(z.size());
    const bool skip = spec_.residual && k >= 2;
    for (size_t j = 0; j < a.size(); ++j)
      a[j] = activateF(spec_.activation, z[j]) + (skip ? a_[size_t(k - 1)][j] : 0.0f);
  }
  std::vector<float> y;
  linear(layout_.layers.back(), params, a_.back(), batch_, y);
  return y;
}

std::vector<float> FastCpuMlp::backward(std::span<const float> params, std::span<const float> dy,
                                        std::span<float> grad) const {
  std::vector<float> d(dy.begin(), dy.end());
  std::vector<float> da = linearBackward(layout_.layers.back(), params, a_.back(), d, batch_, grad);
  for (int k = spec_.depth; k >= 1; --k) {
    const std::vector<float>& z = z_[size_t(k)];
    std::vector<float> dz(da.size());
    for (size_t j = 0; j < dz.size(); ++j) dz[j] = da[j] * slopeF(spec_.activation, z[j]);
    std::vector<float> below =
        linearBackward(layout_.layers[size_t(k - 1)], params, a_[size_t(k - 1)], dz, batch_, grad);
    if (spec_.residual && k >= 2)
      for (size_t j = 0; j < below.size(); ++j) below[j] += da[j];
    da = std::move(below);
  }
  const size_t in = size_t(spec_.inputs), first = size_t(spec_.firstInputs());
  std::vector<float> dx(batch_ * in);
  for (size_t r = 0; r < batch_; ++r)
    for (size_t i = 0; i < in; ++i) dx[r * in + i] = da[r * first + i];
  return dx;
}

}  // namespace flowscope
