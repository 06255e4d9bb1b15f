#include "ReferenceMlp.h"

#include <cmath>

#include "Activations.h"
#include "InputError.h"
#include "Rng.h"

namespace flowscope {
namespace {

// out (batch x n.out) = in (batch x n.in) W^T + b.
void linear(const MlpLayout::Layer& n, std::span<const double> p, const std::vector<double>& in,
            size_t batch, std::vector<double>& out) {
  out.assign(batch * size_t(n.out), 0.0);
  for (size_t r = 0; r < batch; ++r)
    for (int o = 0; o < n.out; ++o) {
      double s = p[n.bias + size_t(o)];
      const double* w = &p[n.weights + size_t(o) * size_t(n.in)];
      const double* a = &in[r * size_t(n.in)];
      for (int i = 0; i < n.in; ++i) s += w[i] * a[i];
      out[r * size_t(n.out) + size_t(o)] = s;
    }
}

// Adds dW += d^T a, db += sum d to grad; returns da = d W (batch x n.in).
std::vector<double> linearBackward(const MlpLayout::Layer& n, std::span<const double> p,
                                   const std::vector<double>& a, const std::vector<double>& d,
                                   size_t batch, std::span<double> grad) {
  std::vector<double> da(batch * size_t(n.in), 0.0);
  for (size_t r = 0; r < batch; ++r)
    for (int o = 0; o < n.out; ++o) {
      const double g = d[r * size_t(n.out) + size_t(o)];
      grad[n.bias + size_t(o)] += g;
      for (int i = 0; i < n.in; ++i) {
        grad[n.weights + size_t(o) * size_t(n.in) + size_t(i)] +=
            g * a[r * size_t(n.in) + size_t(i)];
        da[r * size_t(n.in) + size_t(i)] += g * p[n.weights + size_t(o) * size_t(n.in) + size_t(i)];
      }
    }
  return da;
}

}  // namespace

MlpLayout layoutOf(const MlpSpec& spec) {
  MlpLayout l;
  int in = spec.firstInputs();
  for (int k = 0; k <= spec.depth; ++k) {
    MlpLayout::Layer layer;
    layer.in = in;
    layer.out = k < spec.depth ? spec.width : spec.outputs;
    layer.weights = l.count;
    layer.bias = l.count + size_t(layer.in) * size_t(layer.out);
    l.count = layer.bias + size_t(layer.out);
    l.layers.push_back(layer);
    in = layer.out;
  }
  return l;
}

std::vector<double> initialParameters(const MlpSpec& spec) {
  const MlpLayout l = layoutOf(spec);
  std::vector<double> p(l.count);
  Pcg32 rng(spec.seed, 91u);
  for (const auto& layer : l.layers) {
    const double bound = 1.0 / std::sqrt(double(layer.in));
    for (size_t k = layer.weights; k < layer.bias + size_t(layer.out); ++k)
      p[k] = bound * (2.0 * rng.uniform() - 1.0);
  }
  return p;
}

ReferenceMlp::ReferenceMlp(const MlpSpec& spec)
    : spec_((validate(spec), spec)), layout_(layoutOf(spec)), embedding_(spec.embedding) {}

std::vector<double> ReferenceMlp::forward(std::span<const double> params, std::span<const double> x,
                                          std::span<const double> c, std::span<const int> labels) {
  if (params.size() != layout_.count)
    throw InputError("parameters: expected " + std::to_string(layout_.count) + " values");
  batch_ = x.size() / size_t(spec_.inputs);
  a_.assign(size_t(spec_.depth) + 1, {});
  z_.assign(size_t(spec_.depth) + 1, {});
  a_[0] = embedding_.firstLayerInputs(x, c, spec_.inputs, labels, spec_.classes);
  for (int k = 1; k <= spec_.depth; ++k) {
    linear(layout_.layers[size_t(k - 1)], params, a_[size_t(k - 1)], batch_, z_[size_t(k)]);
    std::vector<double>& a = a_[size_t(k)];
    a.resize(z_[size_t(k)].size());
    const bool skip = spec_.residual && k >= 2;
    for (size_t j = 0; j < a.size(); ++j)
      a[j] = activate(spec_.activation, z_[size_t(k)][j]) + (skip ? a_[size_t(k - 1)][j] : 0.0);
  }
  std::vector<double> y;
  linear(layout_.layers.back(), params, a_.back(), batch_, y);
  return y;
}

std::vector<double> ReferenceMlp::backward(std::span<const double> params,
                                           std::span<const double> dy,
                                           std::span<double> grad) const {
  std::vector<double> d(dy.begin(), dy.end());
  std::vector<double> da =
      linearBackward(layout_.layers.back(), params, a_.back(), d, batch_, grad);
  for (int k = spec_.depth; k >= 1; --k) {
    const std::vector<double>& z = z_[size_t(k)];
    std::vector<double> dz(da.size());
    for (size_t j = 0; j < dz.size(); ++j) dz[j] = da[j] * activationSlope(spec_.activation, z[j]);
    std::vector<double> below =
        linearBackward(layout_.layers[size_t(k - 1)], params, a_[size_t(k - 1)], dz, batch_, grad);
    if (spec_.residual && k >= 2)
      for (size_t j = 0; j < below.size(); ++j) below[j] += da[j];
    da = std::move(below);
  }
  const size_t in = size_t(spec_.inputs), first = size_t(spec_.firstInputs());
  std::vector<double> dx(batch_ * in);
  for (size_t r = 0; r < batch_; ++r)
    for (size_t i = 0; i < in; ++i) dx[r * in + i] = da[r * first + i];
  return dx;
}

}  // namespace flowscope
