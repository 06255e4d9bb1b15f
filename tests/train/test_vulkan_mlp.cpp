// The training engine's Vulkan backend (VulkanMlp: fused forward, fused backward, weight
// gradients) against the double reference on seeded inputs: outputs, parameter gradients and
// input gradients of every activation, residual or not, class-conditional or not, at batches that
// end in a part-filled tile; gradients that are the same bits every run; whole training steps
// against the reference trainer. Validation layer on.
#include <gtest/gtest.h>

#include <cmath>

#include "GpuFixture.h"
#include "MlpTesting.h"
#include "ReferenceMlp.h"
#include "Rng.h"
#include "Trainer.h"
#include "VulkanMlp.h"

using namespace flowscope;
using flowscope::testing::GpuTest;

using flowscope::testing::cast;
using flowscope::testing::seededInputs;

namespace {

void expectMatchesReference(const GpuContext& gpu, const MlpSpec& spec, size_t batch) {
  VulkanMlp vk(spec, gpu);
  flowscope::testing::expectMatchesReference(vk, spec, seededInputs(batch, 17, spec.classes));
}

}  // namespace

class VulkanMlpTest : public GpuTest {};

TEST_F(VulkanMlpTest, MatchesTheDoubleReferenceForEveryActivation) {
  for (const auto& [name, spec] : flowscope::testing::everyActivation(32, 3)) {
    SCOPED_TRACE(name);
    expectMatchesReference(*gpu, spec, 203);  // a part-filled last tile
  }
}

TEST_F(VulkanMlpTest, MatchesTheReferenceAtTheWidestNarrowestAndConditionalShapes) {
  MlpSpec wide;  // the widest layer the shared memory must hold: 512 units
  wide.width = 512;
  wide.depth = 2;
  wide.embedding.width = 256;
  wide.embedding.scale = 1.0;
  {
    SCOPED_TRACE("width 512, embedding 256");
    expectMatchesReference(*gpu, wide, 37);
  }
  MlpSpec conditional;  // a one-hot class input after the embedding
  conditional.width = 24;
  conditional.depth = 2;
  conditional.classes = 5;
  conditional.embedding.width = 10;
  conditional.embedding.scale = 1.0;
  {
    SCOPED_TRACE("5 classes");
    expectMatchesReference(*gpu, conditional, 77);
  }
  MlpSpec narrow;  // one hidden layer, no embedding: the first layer sees x alone
  narrow.width = 16;
  narrow.depth = 1;
  narrow.activation = Activation::Tanh;
  narrow.embedding.kind = EmbeddingKind::None;
  narrow.embedding.width = 0;
  {
    SCOPED_TRACE("width 16, depth 1, no embedding");
    expectMatchesReference(*gpu, narrow, 1);
  }
}

TEST_F(VulkanMlpTest, GradientsAreTheSameBitsEveryRun) {
  MlpSpec spec;
  spec.width = 48;
  spec.depth = 2;
  const std::vector<float> p = cast<float>(initialParameters(spec));
  const auto in = seededInputs(500, 3);
  std::vector<float> first(p.size(), 0.0f), second(p.size(), 0.0f);
  for (std::vector<float>* g : {&first, &second}) {
    VulkanMlp vk(spec, *gpu);
    vk.forward(p, cast<float>(in.x), cast<float>(in.c));
    vk.backward(p, cast<float>(in.dy), *g);
  }
  EXPECT_EQ(first, second);
}

// Whole training steps (objective batch, forward, loss, backward, Adam, EMA) against the
// reference trainer on the same seeded data, as the fast CPU trainer is tested.
TEST_F(VulkanMlpTest, TrainerStepsMatchTheReference) {
  for (ObjectiveKind k : {ObjectiveKind::Flow, ObjectiveKind::Edm}) {
    SCOPED_TRACE(objectiveName(k));
    TrainingSpec spec;
    spec.network.width = 32;
    spec.network.depth = 3;
    spec.network.activation = Activation::Silu;
    spec.network.residual = true;
    spec.objective.kind = k;
    spec.batch = 128;
    Pcg32 rng(5);
    std::vector<glm::dvec2> data(500);
    for (auto& p : data) p = glm::dvec2(rng.normal(), 2.0 * rng.uniform());
    ReferenceTrainer ref(spec, data);
    VulkanTrainer vk(spec, data, gpu);
    for (int s = 0; s < 5; ++s) {
      const double lr = ref.step(), lv = vk.step();
      EXPECT_NEAR(lv, lr, 1e-4 * lr) << "step " << s;
    }
    // Adam moves each weight by about lr = 1e-3 a step, so 1e-5 is 1% of one step.
    for (size_t i = 0; i < ref.parameters().size(); ++i)
      ASSERT_NEAR(vk.parameters()[i], ref.parameters()[i], 1e-5) << i;
  }
}

TEST(VulkanTrainer, RefusesToRunWithoutADevice) {
  TrainingSpec spec;
  EXPECT_THROW(VulkanTrainer(spec, {glm::dvec2(0.0)}, nullptr), GpuError);
}
