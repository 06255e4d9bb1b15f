#pragma once
// What the training engine's backend tests share: seeded inputs and one comparison of a float32
// backend's forward and backward against the double reference (ReferenceMlp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ReferenceMlp.h"
#include "Rng.h"

namespace flowscope::testing {

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

inline double largest(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

// A width x depth network of each activation, plain and residual, with a 16-wide embedding of
// scale 1: what every backend is compared on. `name` says which, for SCOPED_TRACE.
struct NamedSpec {
  std::string name;
  MlpSpec spec;
};
inline std::vector<NamedSpec> everyActivation(int width, int depth) {
  std::vector<NamedSpec> out;
  for (Activation a :
       {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu})
    for (bool residual : {false, true}) {
      MlpSpec spec;
      spec.width = width;
      spec.depth = depth;
      spec.activation = a;
      spec.residual = residual;
      spec.embedding.width = 16;
      spec.embedding.scale = 1.0;
      out.push_back({activationName(a) + (residual ? " residual" : ""), spec});
    }
  return out;
}

struct MlpInputs {
  std::vector<double> x, c, dy;
  std::vector<int> labels;  // a class-conditional network's: 0..K, K no class
};

// x ~ 2 N(0, 1), levels uniform, dL/dy ~ N(0, 1) / batch, labels uniform over the K + 1 slots.
inline MlpInputs seededInputs(size_t batch, uint64_t seed, int classes = 0) {
  Pcg32 rng(seed);
  MlpInputs in{std::vector<double>(2 * batch),
               std::vector<double>(batch),
               std::vector<double>(2 * batch),
               {}};
  for (double& v : in.x) v = 2.0 * rng.normal();
  for (double& v : in.c) v = rng.uniform();
  for (double& v : in.dy) v = rng.normal() / double(batch);
  for (size_t r = 0; classes > 0 && r < batch; ++r)
    in.labels.push_back(int(rng.next() % uint32_t(classes + 1)));
  return in;
}

// Forward and backward of `spec`'s initial weights on `backend` against the reference: outputs
// within 2e-5, parameter gradients and dL/dx within 1e-4, each of the largest of its kind.
template <class Backend>
void expectMatchesReference(Backend& backend, const MlpSpec& spec, const MlpInputs& in) {
  const std::vector<double> p = initialParameters(spec);
  ReferenceMlp ref(spec);
  const std::vector<double> y = ref.forward(p, in.x, in.c, in.labels);
  std::vector<double> grad(p.size(), 0.0);
  const std::vector<double> dx = ref.backward(p, in.dy, grad);
  const std::vector<float> pf = cast<float>(p);
  const std::vector<float> yf =
      backend.forward(pf, cast<float>(in.x), cast<float>(in.c), in.labels);
  std::vector<float> gradf(p.size(), 0.0f);
  const std::vector<float> dxf = backend.backward(pf, cast<float>(in.dy), gradf);
  ASSERT_EQ(yf.size(), y.size());
  ASSERT_EQ(dxf.size(), dx.size());
  const double ys = largest(y), gs = largest(grad), xs = largest(dx);
  for (size_t k = 0; k < y.size(); ++k) ASSERT_NEAR(yf[k], y[k], 2e-5 * ys) << "y " << k;
  for (size_t k = 0; k < grad.size(); ++k)
    ASSERT_NEAR(gradf[k], grad[k], 1e-4 * gs) << "gradient " << k;
  for (size_t k = 0; k < dx.size(); ++k) ASSERT_NEAR(dxf[k], dx[k], 1e-4 * xs) << "dx " << k;
}

}  // namespace flowscope::testing
