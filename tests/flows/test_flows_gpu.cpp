// The flow kernel (shaders/flows/flow_trace.comp) against its CPU twin (FlowNetwork::trace in
// float32) and the double reference, forward and inverse, every kind: states to 1e-4 and
// log-dets to 1e-3 relative (the spline inverse solves a quadratic in float32); validation-clean.
#include <gtest/gtest.h>

#include "FastCpuMlp.h"
#include "FlowKernel.h"
#include "FlowNetwork.h"
#include "FlowTrainer.h"
#include "GpuFixture.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "VulkanMlp.h"

namespace flowscope {
namespace {

using testing::GpuTest;

class FlowGpu : public GpuTest {};

TEST_F(FlowGpu, TraceMatchesTheCpuTwinForwardAndInverse) {
  GpuFlow kernel(*gpu);
  for (FlowKind kind : {FlowKind::Nice, FlowKind::RealNvp, FlowKind::Glow, FlowKind::Spline}) {
    FlowSpec s;
    s.kind = kind;
    s.layers = 4;
    s.width = 32;
    s.depth = 2;
    s.activation = Activation::Silu;
    s.tailBound = 3.0;
    std::vector<double> p = initialFlowParameters(s);
    Pcg32 rng(21);
    for (double& v : p) v += 0.3 * rng.normal();
    std::vector<double> x(2 * 300);
    for (double& v : x) v = 1.5 * rng.normal();
    const std::vector<float> pf(p.begin(), p.end()), xf(x.begin(), x.end());
    FlowNetwork<ReferenceMlp, double> ref(s);
    for (bool inverse : {false, true}) {
      SCOPED_TRACE(flowKindName(kind) + (inverse ? " inverse" : " forward"));
      const FlowTrace<float> g = kernel.trace(s, pf, xf, inverse);
      const FlowTrace<double> r = ref.trace(p, x, inverse);
      ASSERT_EQ(g.states.size(), r.states.size());
      for (size_t k = 0; k < r.states.size(); ++k)
        for (size_t i = 0; i < x.size(); ++i)
          ASSERT_NEAR(g.states[k][i], r.states[k][i], 1e-4 * (1.0 + std::abs(r.states[k][i])))
              << "layer " << k << " value " << i;
      for (size_t k = 0; k < r.logDets.size(); ++k)
        for (size_t i = 0; i < x.size() / 2; ++i)
          ASSERT_NEAR(g.logDets[k][i], r.logDets[k][i], 1e-3 * (1.0 + std::abs(r.logDets[k][i])))
              << "log-det of layer " << k << " at point " << i;
    }
  }
}

TEST_F(FlowGpu, VulkanConditionersTrainAsTheFastCpuOnes) {
  // flow-train --backend gpu: the same minibatches (seed) give the same NLL as the CPU backend.
  FlowTrainingSpec spec;
  spec.flow.kind = FlowKind::RealNvp;
  spec.flow.layers = 2;
  spec.flow.width = 16;
  spec.batch = 64;
  std::vector<glm::dvec2> data;
  Pcg32 rng(4);
  for (int i = 0; i < 256; ++i) {
    const double a = rng.normal(), b = rng.normal();
    data.push_back({a, 0.5 * b + 0.3 * a});
  }
  FlowTrainer<FastCpuMlp, float> cpu(spec, data);
  FlowTrainer<VulkanMlp, float> vk(spec, data, *gpu);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(vk.step(), cpu.step(), 1e-4) << "step " << k;
}

}  // namespace
}  // namespace flowscope
