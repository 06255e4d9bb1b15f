#include "FastCpuMlp.h"

#include <cblas.h>
#include <Eigen/Core>

#include <algorithm>
#include <thread>

#include "Activations.h"
#include "FastCpu.h"
#include "InputError.h"

namespace flowscope {
namespace {

using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const Rows>;
using Map = Eigen::Map<Rows>;
using VectorMap = Eigen::Map<Eigen::VectorXf>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXf>;

using Array = Eigen::Map<Eigen::ArrayXf>;
using ConstArray = Eigen::Map<const Eigen::ArrayXf>;

// act(z) over n values, vectorised (Eigen's float exp and tanh); GELU's erf elementwise.
void activateAll(Activation a, const float* zp, float* out, size_t n) {
  const ConstArray z(zp, Eigen::Index(n));
  Array o(out, Eigen::Index(n));
  switch (a) {
    case Activation::Relu:
      o = z.max(0.0f);
      return;
    case Activation::Silu:
      o = z / (1.0f + (-z).exp());
      return;
    case Activation::Tanh:
      o = z.tanh();
      return;
    case Activation::Elu:  // max(z, 0) + exp(min(z, 0)) - 1: vectorised, where select is not
      o = z.max(0.0f) + (z.min(0.0f).exp() - 1.0f);
      return;
    case Activation::Gelu:
      for (size_t j = 0; j < n; ++j) out[j] = float(activate(a, double(zp[j])));
      return;
  }
}

// The incoming gradient times d act / dz: out = da act'(z), over n values.
void slopeTimes(Activation a, const float* zp, const float* dap, float* out, size_t n) {
  const ConstArray z(zp, Eigen::Index(n)), da(dap, Eigen::Index(n));
  Array o(out, Eigen::Index(n));
  switch (a) {
    case Activation::Relu:
      o = da * (z > 0.0f).cast<float>();
      return;
    case Activation::Silu: {
      const Eigen::ArrayXf s = 1.0f / (1.0f + (-z).exp());
      o = da * s * (1.0f + z * (1.0f - s));
      return;
    }
    case Activation::Tanh:
      o = da * (1.0f - z.tanh().square());
      return;
    case Activation::Elu:  // exp(min(z, 0)): 1 above 0
      o = da * z.min(0.0f).exp();
      return;
    case Activation::Gelu:
      for (size_t j = 0; j < n; ++j) out[j] = dap[j] * float(activationSlope(a, double(zp[j])));
      return;
  }
}

// Rows [r0, r1) of out (batch x n.out) = in W^T + b.
template <class Out>
void linear(const MlpLayout::Layer& n, std::span<const float> p, const AlignedFloats& in, size_t r0,
            size_t r1, Out& out) {
  const auto rows = Eigen::Index(r1 - r0);
  Map z(&out[r0 * size_t(n.out)], rows, n.out);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(rows), n.out, n.in, 1.0f,
              &in[r0 * size_t(n.in)], n.in, &p[n.weights], n.in, 0.0f, z.data(), n.out);
  z.rowwise() += ConstVectorMap(&p[n.bias], n.out).transpose();
}

// For rows [r0, r1): grad += (d^T a, sum d); returns d W (r1 - r0 rows). d holds those rows only.
AlignedFloats linearBackward(const MlpLayout::Layer& n, std::span<const float> p,
                             const AlignedFloats& a, const AlignedFloats& d, size_t r0, size_t r1,
                             std::span<float> grad) {
  const auto rows = Eigen::Index(r1 - r0);
  const ConstMap dz(d.data(), rows, n.out);
  cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n.out, n.in, int(rows), 1.0f, d.data(),
              n.out, &a[r0 * size_t(n.in)], n.in, 1.0f, &grad[n.weights], n.in);
  // The bias gradient row by row in order: Eigen's vectorised column sums split the rows by the
  // buffers' alignment, which varies between runs, and a replayed scene must train the same.
  for (Eigen::Index r = 0; r < rows; ++r)
    for (int o = 0; o < n.out; ++o) grad[n.bias + size_t(o)] += dz(r, o);
  AlignedFloats da(size_t(rows) * size_t(n.in));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(rows), n.in, n.out, 1.0f, d.data(),
              n.out, &p[n.weights], n.in, 0.0f, da.data(), n.in);
  return da;
}

}  // namespace

FastCpuMlp::FastCpuMlp(const MlpSpec& spec)
    : spec_((validate(spec), spec)), layout_(layoutOf(spec)), embedding_(spec.embedding) {
  openblas_set_num_threads(1);  // the row blocks are the parallelism: one thread a product
}

std::vector<float> FastCpuMlp::forward(std::span<const float> params, std::span<const float> x,
                                       std::span<const float> c, std::span<const int> labels) {
  if (params.size() != layout_.count)
    throw InputError("parameters: expected " + std::to_string(layout_.count) + " values");
  const size_t in = size_t(spec_.inputs), first = size_t(spec_.firstInputs());
  batch_ = x.size() / in;
  if (!labels.empty() && labels.size() != batch_)
    throw InputError("labels: one a row (" + std::to_string(batch_) + "), got " +
                     std::to_string(labels.size()));
  // The layers' buffers keep their memory from step to step (no allocation, no page faults).
  a_.resize(size_t(spec_.depth) + 1);
  z_.resize(size_t(spec_.depth) + 1);
  a_[0].resize(batch_ * first);
  for (int k = 1; k <= spec_.depth; ++k) {
    z_[size_t(k)].resize(batch_ * size_t(spec_.width));
    a_[size_t(k)].resize(batch_ * size_t(spec_.width));
  }
  std::vector<float> y(batch_ * size_t(spec_.outputs));
  overBlocks(batch_, 64, [&](size_t, size_t r0, size_t r1) {
    // Each block's first-layer inputs (the level's features: sines and cosines) on its thread.
    const std::vector<float> rows = embedding_.firstLayerInputs(
        x.subspan(r0 * in, (r1 - r0) * in), c.subspan(r0, r1 - r0), spec_.inputs,
        labels.empty() ? labels : labels.subspan(r0, r1 - r0), spec_.classes);
    std::copy(rows.begin(), rows.end(), a_[0].begin() + long(r0 * first));
    forwardRows(params, r0, r1, y);
  });
  return y;
}

void FastCpuMlp::forwardRows(std::span<const float> params, size_t r0, size_t r1,
                             std::vector<float>& y) {
  const size_t w = size_t(spec_.width);
  for (int k = 1; k <= spec_.depth; ++k) {
    linear(layout_.layers[size_t(k - 1)], params, a_[size_t(k - 1)], r0, r1, z_[size_t(k)]);
    const AlignedFloats& z = z_[size_t(k)];
    AlignedFloats& a = a_[size_t(k)];
    activateAll(spec_.activation, &z[r0 * w], &a[r0 * w], (r1 - r0) * w);
    if (spec_.residual && k >= 2)
      for (size_t j = r0 * w; j < r1 * w; ++j) a[j] += a_[size_t(k - 1)][j];
  }
  linear(layout_.layers.back(), params, a_.back(), r0, r1, y);
}

std::vector<float> FastCpuMlp::backward(std::span<const float> params, std::span<const float> dy,
                                        std::span<float> grad) const {
  const size_t in = size_t(spec_.inputs);
  std::vector<float> dx(batch_ * in);
  std::vector<std::vector<float>> partial(fastCpuThreads());
  overBlocks(batch_, 64, [&](size_t b, size_t r0, size_t r1) {
    partial[b].assign(grad.size(), 0.0f);
    backwardRows(params, dy, r0, r1, partial[b], dx);
  });
  for (const std::vector<float>& g : partial)
    for (size_t k = 0; k < g.size(); ++k) grad[k] += g[k];
  return dx;
}

void FastCpuMlp::backwardRows(std::span<const float> params, std::span<const float> dy, size_t r0,
                              size_t r1, std::span<float> grad, std::vector<float>& dx) const {
  const size_t out = size_t(spec_.outputs), w = size_t(spec_.width);
  AlignedFloats d(dy.begin() + long(r0 * out), dy.begin() + long(r1 * out));
  AlignedFloats da = linearBackward(layout_.layers.back(), params, a_.back(), d, r0, r1, grad);
  for (int k = spec_.depth; k >= 1; --k) {
    const float* z = &z_[size_t(k)][r0 * w];
    AlignedFloats dz(da.size());
    slopeTimes(spec_.activation, z, da.data(), dz.data(), dz.size());
    AlignedFloats below =
        linearBackward(layout_.layers[size_t(k - 1)], params, a_[size_t(k - 1)], dz, r0, r1, grad);
    if (spec_.residual && k >= 2)
      for (size_t j = 0; j < below.size(); ++j) below[j] += da[j];
    da = std::move(below);
  }
  const size_t in = size_t(spec_.inputs), first = size_t(spec_.firstInputs());
  for (size_t r = r0; r < r1; ++r)
    for (size_t i = 0; i < in; ++i) dx[r * in + i] = da[(r - r0) * first + i];
}

}  // namespace flowscope
