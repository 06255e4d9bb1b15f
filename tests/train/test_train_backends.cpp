// The fast CPU backend (float32, OpenBLAS and Eigen) against the double reference on seeded inputs:
// outputs, parameter gradients and input gradients of every activation, residual or not.
#include <gtest/gtest.h>

#include <cmath>

#include "FastCpuMlp.h"
#include "MlpTesting.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "Trainer.h"

using namespace flowscope;

using flowscope::testing::expectMatchesReference;
using flowscope::testing::seededInputs;

TEST(FastCpuMlp, MatchesTheDoubleReference) {
  for (const auto& [name, spec] : flowscope::testing::everyActivation(64, 4)) {
    SCOPED_TRACE(name);
    FastCpuMlp fast(spec);
    expectMatchesReference(fast, spec, seededInputs(300, 17));
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
