// The critic kernel (shaders/transport/critic_field.comp) against its CPU twin
// (CriticMlpT<float>::evaluate) and the double reference: f and grad f on seeded weights and
// points, every activation; validation-clean.
#include <gtest/gtest.h>

#include <cmath>

#include "Critic.h"
#include "CriticKernel.h"
#include "CriticMlp.h"
#include "GpuFixture.h"
#include "InputError.h"
#include "Rng.h"

namespace flowscope {
namespace {

using testing::GpuTest;

class CriticGpu : public GpuTest {};

TEST_F(CriticGpu, FieldMatchesTheCpuTwins) {
  GpuCritic kernel(*gpu);
  for (Activation a :
       {Activation::Relu, Activation::Silu, Activation::Gelu, Activation::Tanh, Activation::Elu}) {
    SCOPED_TRACE(activationName(a));
    const MlpSpec s = planeNetwork(1, 48, 3, a, 7);
    std::vector<double> p = initialParameters(s);
    Pcg32 rng(3);
    for (double& v : p) v += 0.2 * rng.normal();
    std::vector<double> x(2 * 777);
    for (double& v : x) v = 2.0 * rng.normal();
    const std::vector<float> pf(p.begin(), p.end()), xf(x.begin(), x.end());
    const auto gpuE = kernel.evaluate(s, pf, xf);
    const auto cpuE = CriticMlpT<float>(s).evaluate(pf, xf);
    const auto refE = CriticMlp(s).evaluate(p, x);
    ASSERT_EQ(gpuE.values.size(), 777u);
    double worst = 0.0, worstRef = 0.0;
    for (size_t i = 0; i < 777; ++i) {
      const double scale = 1.0 + std::abs(refE.values[i]);
      worst = std::max(worst, std::abs(gpuE.values[i] - cpuE.values[i]) / scale);
      worstRef = std::max(worstRef, std::abs(gpuE.values[i] - refE.values[i]) / scale);
      for (size_t k = 0; k < 2; ++k) {
        const double g = 1.0 + std::abs(refE.gradients[2 * i + k]);
        worst =
            std::max(worst, std::abs(gpuE.gradients[2 * i + k] - cpuE.gradients[2 * i + k]) / g);
        worstRef =
            std::max(worstRef, std::abs(gpuE.gradients[2 * i + k] - refE.gradients[2 * i + k]) / g);
      }
    }
    EXPECT_LT(worst, 1e-4);
    EXPECT_LT(worstRef, 1e-4);
  }
  MlpSpec wrong;
  wrong.outputs = 2;
  EXPECT_THROW(kernel.evaluate(wrong, {}, {}), InputError);
}

}  // namespace
}  // namespace flowscope
