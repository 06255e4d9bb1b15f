// The Training lab's controller: scenes round-trip byte for byte and replay training exactly,
// bad scenes and edits are refused by name with the lab unchanged, a held-out curve and the
// mixture's irreducible loss are kept, evaluation of a snapshot matches the model it was made
// from, and a reflow round straightens the learned paths.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "GpuFixture.h"
#include "InputError.h"
#include "LabCatalog.h"
#include "MlpWeights.h"
#include "ReferenceMlp.h"
#include "TrainingLab.h"
#include "TrainingScene.h"

using namespace flowscope;

namespace {

TrainingSettings small() {
  TrainingSettings s;
  s.points = 1024;
  s.particles = 300;
  s.samplerSteps = 10;
  s.training.network.width = 32;
  s.training.network.depth = 2;
  s.training.adam.totalSteps = 600;
  return s;
}

TrainingScene sceneOf(const TrainingSettings& s, long steps) {
  TrainingScene scene;
  scene.settings = s;
  scene.steps = steps;
  return scene;
}

}  // namespace

TEST(TrainingLab, DefaultSceneRoundTripsByteForByte) {
  TrainingLab lab;
  const std::string text = sceneText(lab);
  TrainingLab other;
  other.openScene(nlohmann::json::parse(text), "scene.json");
  other.settle({});
  EXPECT_EQ(sceneText(other), text);
}

// Opening a scene replays its training from the seed: the same steps give the same weights,
// so the same losses, step for step.
TEST(TrainingLab, ScenesReplayTrainingExactly) {
  TrainingLab direct;
  direct.replaceScene(sceneOf(small(), 0));
  direct.trainSteps(120);
  TrainingLab replayed;
  replayed.openScene(trainingSceneToJson(sceneOf(small(), 120)), "scene.json");
  replayed.settle({});
  ASSERT_EQ(replayed.steps(), 120);
  EXPECT_EQ(replayed.lossCurve(), direct.lossCurve());
  ASSERT_FALSE(direct.heldOutCurve().empty());
  EXPECT_EQ(replayed.heldOutCurve().back(), direct.heldOutCurve().back());
}

TEST(TrainingLab, BadScenesAndEditsAreRefusedByNameLeavingTheLabUnchanged) {
  TrainingLab lab;
  lab.replaceScene(sceneOf(small(), 0));
  lab.trainSteps(10);
  const std::string before = sceneText(lab);
  nlohmann::json bad = trainingSceneToJson(sceneOf(small(), 0));
  bad["training"]["network"]["width"] = 4;
  try {
    lab.openScene(bad, "bad.json");
    FAIL() << "accepted width 4";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json: field 'training.network'"), std::string::npos)
        << e.what();
  }
  bad = trainingSceneToJson(sceneOf(small(), 0));
  bad["training"]["surprise"] = 1;
  EXPECT_THROW(lab.openScene(bad, "bad.json"), InputError);
  EXPECT_THROW(lab.setPoints(2), InputError);
  EXPECT_THROW(lab.setLevel(1.5), InputError);  // flow: t in (0, 1)
  TrainingSpec edm = lab.settings().training;
  edm.objective.kind = ObjectiveKind::Edm;
  edm.coupling = MinibatchCoupling::Exact;  // couplings are for flow matching only
  EXPECT_THROW(lab.setTraining(edm), InputError);
  EXPECT_THROW(lab.loadWeights("/nonexistent/w.safetensors"), InputError);
  EXPECT_EQ(sceneText(lab), before);
  EXPECT_EQ(lab.steps(), 10);
}

// The irreducible loss is the exact mixture's on the held-out batch, below the network's
// held-out loss at every point of the curve.
TEST(TrainingLab, HeldOutLossStaysAboveTheIrreducibleLoss) {
  TrainingLab lab;
  lab.replaceScene(sceneOf(small(), 0));
  lab.trainSteps(300);
  ASSERT_TRUE(lab.irreducibleLoss().has_value());
  ASSERT_GE(lab.heldOutCurve().size(), 6u);
  for (const auto& [step, loss] : lab.heldOutCurve()) EXPECT_GT(loss, *lab.irreducibleLoss());
  EXPECT_LT(lab.heldOutCurve().back().second, lab.heldOutCurve().front().second);
}

// A snapshot's evaluation: its fields at the level are the learned model's and the exact
// mixture's own, and its samples are finite.
TEST(TrainingLab, EvaluationShowsTheSnapshotAndTheExactModel) {
  TrainingLab lab;
  lab.replaceScene(sceneOf(small(), 0));
  lab.trainSteps(50);
  lab.update();
  const Evaluation* e = lab.evaluation();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->step, 50);
  EXPECT_EQ(e->samples.size(), 300u);
  for (glm::vec2 p : e->samples) ASSERT_TRUE(std::isfinite(p.x) && std::isfinite(p.y));
  const glm::vec4 a = e->exactArrows[e->exactArrows.size() / 3];
  const glm::dvec2 level = levelPoint(lab.settings());
  const auto exact = lab.dataset().mixture->evaluate({a.x, a.y}, level.x, level.y);
  const glm::dvec2 eps = (glm::dvec2(a.x, a.y) - level.x * exact.denoised) / level.y;
  EXPECT_NEAR(a.z, eps.x - exact.denoised.x, 1e-4);  // the flow velocity eps - D
  EXPECT_NEAR(a.w, eps.y - exact.denoised.y, 1e-4);
  EXPECT_GT(e->difference.hi, 0.0f);
  EXPECT_EQ(e->neurons.units.size(), 16u);
}

// Reflow: after a round on the model's own pairs and more training, the learned ODE paths are
// straighter and one Euler step lands nearer the data.
TEST(TrainingLab, AReflowRoundStraightensThePaths) {
  TrainingSettings s = small();
  s.training.adam.totalSteps = 4000;
  s.training.adam.learningRate = 3e-3;
  s.reflowPairs = 3000;
  s.samplerSteps = 20;
  TrainingLab lab;
  lab.replaceScene(sceneOf(s, 0));
  lab.trainSteps(1500);
  lab.update();
  const double straightBefore = lab.evaluation()->straightness;
  const double oneStepBefore = lab.evaluation()->oneStepEnergyDistance;
  lab.reflow();
  lab.trainSteps(1500);
  lab.update();
  ASSERT_EQ(lab.reflowRounds().size(), 1u);
  std::printf("straightness %.4f -> %.4f, one-step energy distance %.4f -> %.4f\n", straightBefore,
              lab.evaluation()->straightness, oneStepBefore,
              lab.evaluation()->oneStepEnergyDistance);
  EXPECT_GT(lab.evaluation()->straightness, straightBefore);
  EXPECT_LT(lab.evaluation()->oneStepEnergyDistance, 0.7 * oneStepBefore);
  // The round is part of the scene: replaying it gives the same losses.
  TrainingLab replayed;
  replayed.openScene(lab.sceneJson(), "scene.json");
  replayed.settle({});
  EXPECT_EQ(replayed.lossCurve(), lab.lossCurve());
}

// A loss that stops being finite while playing pauses training and is reported by update() (the
// frame shows what update() throws), naming the step; nothing escapes the frame's tick().
TEST(TrainingLab, ANonFiniteLossPausesAndIsReportedByName) {
  TrainingLab lab;
  lab.replaceScene(sceneOf(small(), 0));
  // Weights of 1e30 overflow float32 in the first forward pass.
  const TrainingSpec& t = lab.settings().training;
  MlpWeights huge{t.network, initialParameters(t.network), t.objective};
  for (double& w : huge.parameters) w = 1e30;
  const std::string path = ::testing::TempDir() + "huge.safetensors";
  std::ofstream(path, std::ios::binary) << encodeMlp(huge, true);
  lab.loadWeights(path);
  lab.play(true);
  EXPECT_NO_THROW(lab.tick(0.016));
  EXPECT_FALSE(lab.playing());
  try {
    lab.update();
    FAIL() << "a non-finite loss was not reported";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the loss is not finite"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(lab.stepPlayback(1));  // the Right key: refused the same way, never thrown
  EXPECT_THROW(lab.update(), InputError);
}

// The trainer follows the device: on a CPU device (lavapipe) auto keeps the fast CPU trainer;
// forced to Vulkan's fused MLP the lab trains on it (its name on the panel) and its losses follow
// the CPU trainer's; without a device Vulkan is refused and the lab stays as it was.
class TrainingLabGpu : public flowscope::testing::GpuTest {};

TEST_F(TrainingLabGpu, TheTrainerFollowsTheDeviceAndVulkansFollowsTheCpus) {
  TrainingLab onCpu;
  onCpu.replaceScene(sceneOf(small(), 0));
  onCpu.useGpu(gpu);
  EXPECT_EQ(onCpu.backendName().rfind(gpu->isCpu() ? "fast CPU" : "Vulkan", 0), 0u);
  onCpu.setTrainingBackend(TrainingBackend::Cpu);
  onCpu.trainSteps(20);
  TrainingLab onVulkan;
  onVulkan.replaceScene(sceneOf(small(), 0));
  onVulkan.useGpu(gpu);
  onVulkan.setTrainingBackend(TrainingBackend::Gpu);
  EXPECT_EQ(onVulkan.backendName().rfind("Vulkan fused MLP", 0), 0u) << onVulkan.backendName();
  onVulkan.trainSteps(20);
  ASSERT_EQ(onVulkan.lossCurve().size(), onCpu.lossCurve().size());
  for (size_t k = 0; k < onCpu.lossCurve().size(); ++k)
    EXPECT_NEAR(onVulkan.lossCurve()[k], onCpu.lossCurve()[k], 1e-3 * onCpu.lossCurve()[k]) << k;
  TrainingLab noDevice;
  EXPECT_THROW(noDevice.setTrainingBackend(TrainingBackend::Gpu), GpuError);
  EXPECT_EQ(noDevice.trainingBackend(), TrainingBackend::Auto);
  EXPECT_EQ(noDevice.backendName().rfind("fast CPU", 0), 0u);
}
