#pragma once
// What the Training lab trains and shows (TrainingLab owns one; scenes store it whole).
// Conventions: flow matching x_t = (1 - t) x0 + t eps (t = 0 data, t = 1 noise, as every lab);
// the field level is t for the flow objective and sigma (x = x0 + sigma eps) for the others.
#include <cstdint>

#include "Dataset.h"
#include "FieldKind.h"
#include "Samplers.h"
#include "Trainer.h"

namespace flowscope {

struct TrainingSettings {
  DataSource data = DataSource::ofPreset("gmm8");
  int points = 4096;  // N: a mixture's draws, or a point cloud's first N points
  TrainingSpec training = defaultTraining();
  int stepsPerFrame = 25;                 // while playing (at most ~12 ms of steps a frame)
  double level = 0.3;                     // of the fields: t (flow) or sigma
  FieldKind field = FieldKind::Velocity;  // drawn learned and exact (DiffusionParams' names)
  SamplerKind sampler = SamplerKind::FlowHeun;
  int samplerSteps = 20, particles = 1000;
  int reflowPairs = 4000;  // pairs (z, ODE(z)) a reflow round makes, with samplerSteps steps
  bool showSamples = true, showData = true, showLearned = true, showExact = true,
       showDifference = true;

  // The default scene: 3 x 64 SiLU, random Fourier features (32, scale 16), flow matching,
  // AdamW 3e-3 with 100 warm-up steps and cosine decay over 3,000, batch 256, EMA 0.99.
  static TrainingSpec defaultTraining();
  static constexpr int kMinPoints = 4, kMaxPoints = 1000000;
  static constexpr int kMaxStepsPerFrame = 1000, kMaxParticles = 20000, kMaxReflowPairs = 50000;
};

// InputError naming the first bad field ("points: ...", "level: ...", and the training spec's).
void validate(const TrainingSettings& s);

}  // namespace flowscope
