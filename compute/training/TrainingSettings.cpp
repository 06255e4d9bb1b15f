#include "TrainingSettings.h"

#include "InputError.h"
#include "Limits.h"

namespace flowscope {
TrainingSpec TrainingSettings::defaultTraining() {
  TrainingSpec s;
  s.network.width = 64;
  s.network.depth = 3;
  s.network.activation = Activation::Silu;
  s.network.embedding = {EmbeddingKind::RandomFourier, 32, 16.0, 1};
  s.objective.kind = ObjectiveKind::Flow;
  s.adam.learningRate = 3e-3;
  s.adam.warmupSteps = 100;
  s.adam.totalSteps = 3000;
  s.emaDecay = 0.99;
  s.batch = 256;
  return s;
}

void validate(const TrainingSettings& s) {
  validate(s.training);
  requireInRange("points", s.points, TrainingSettings::kMinPoints, TrainingSettings::kMaxPoints);
  requireInRange("steps per frame", s.stepsPerFrame, 1, TrainingSettings::kMaxStepsPerFrame);
  if (s.training.objective.kind == ObjectiveKind::Flow)
    requireInRange("level", s.level, 0.001, 0.999);
  else
    requireInRange("level", s.level, 0.002, 80.0);
  validate(SamplerParams{s.sampler});
  requireInRange("sampler steps", s.samplerSteps, 1, 200);
  requireInRange("particles", s.particles, 16, TrainingSettings::kMaxParticles);
  requireInRange("reflow pairs", s.reflowPairs, 100, TrainingSettings::kMaxReflowPairs);
}

}  // namespace flowscope
