// The fast CPU backend (float32, Eigen) against the double reference on seeded inputs: outputs,
// parameter gradients and input gradients of every activation, residual or not.
#include <gtest/gtest.h>

#include <cmath>

#include "FastCpuMlp.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "Trainer.h"

using namespace flowscope;

namespace {

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

double largest(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

TEST(FastCpuMlp, MatchesTheDoubleReference) {
  for (Activation a :
       {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu})
    for (bool residual : {false, true}) {
      SCOPED_TRACE(activationName(a) + (residual ? " residual" : ""));
      MlpSpec spec;
      spec.width = 64;
      spec.depth = 4;
      spec.activation = a;
      spec.residual = residual;
      spec.embedding.width = 16;
      spec.embedding.scale = 1.0;
      const std::vector<double> p = initialParameters(spec);
      Pcg32 rng(17);
      const size_t batch = 300;
      std::vector<double> x(2 * batch), c(batch), dy(2 * batch);
      for (double& v : x) v = 2.0 * rng.normal();
      for (double& v : c) v = rng.uniform();
      for (double& v : dy) v = rng.normal() / double(batch);
      ReferenceMlp ref(spec);
      FastCpuMlp fast(spec);
      const std::vector<double> y = ref.forward(p, x, c);
      std::vector<double> grad(p.size(), 0.0);
      const std::vector<double> dx = ref.backward(p, dy, grad);
      const std::vector<float> pf = cast<float>(p);
      const std::vector<float> yf = fast.forward(pf, cast<float>(x), cast<float>(c));
      std::vector<float> gradf(p.size(), 0.0f);
      const std::vector<float> dxf = fast.backward(pf, cast<float>(dy), gradf);
      const double ys = largest(y), gs = largest(grad), xs = largest(dx);
      for (size_t k = 0; k < y.size(); ++k) ASSERT_NEAR(yf[k], y[k], 2e-5 * ys) << k;
      for (size_t k = 0; k < grad.size(); ++k) ASSERT_NEAR(gradf[k], grad[k], 1e-4 * gs) << k;
      for (size_t k = 0; k < dx.size(); ++k) ASSERT_NEAR(dxf[k], dx[k], 1e-4 * xs) << k;
    }
}

// Whole training steps (objective batch, forward, loss, backward, Adam, EMA): the fast trainer's
// losses and weights after 5 steps agree with the reference's on the same seeded data.
TEST(FastCpuTrainer, WholeStepsMatchTheReference) {
  for (ObjectiveKind k : {ObjectiveKind::Flow, ObjectiveKind::Edm, ObjectiveKind::DdpmEpsilon}) {
    SCOPED_TRACE(objectiveName(k));
    TrainingSpec spec;
    spec.network.width = 32;
    spec.network.depth = 3;
    spec.network.activation = Activation::Elu;
    spec.objective.kind = k;
    spec.batch = 128;
    Pcg32 rng(5);
    std::vector<glm::dvec2> data(500);
    for (auto& p : data) p = glm::dvec2(rng.normal(), 2.0 * rng.uniform());
    ReferenceTrainer ref(spec, data);
    FastCpuTrainer fast(spec, data);
    for (int s = 0; s < 5; ++s) {
      const double lr = ref.step(), lf = fast.step();
      EXPECT_NEAR(lf, lr, 1e-4 * lr) << "step " << s;
    }
    // Adam moves each weight by about lr = 1e-3 a step, so 1e-5 is 1% of one step.
    for (size_t i = 0; i < ref.parameters().size(); ++i)
      ASSERT_NEAR(fast.parameters()[i], ref.parameters()[i], 1e-5) << i;
    for (size_t i = 0; i < ref.averaged().size(); ++i)
      ASSERT_NEAR(fast.averaged()[i], ref.averaged()[i], 1e-5) << i;
  }
}
