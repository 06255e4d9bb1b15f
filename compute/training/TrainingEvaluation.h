#pragma once
// What one snapshot of a network shows in the Training lab, computed from its weights alone (so
// the GUI computes it on a worker while training goes on): its samples under the lab's sampler
// and their energy distance to fresh data, the fraction that copy a training point, the learned
// and exact fields at the level on an arrow grid over the view, their difference on a finer
// heatmap grid, and the first hidden layer's activations over the view (TensorFlow Playground's
// neuron tiles, at the level).
#include <glm/glm.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "LearnedModel.h"
#include "ScalarGrid.h"
#include "TrainingSettings.h"
#include "View2D.h"

namespace flowscope {

struct EvaluationRequest {
  std::shared_ptr<const LearnedModel> model;
  std::shared_ptr<const Dataset> data;
  std::shared_ptr<const ExactModel> exact;  // the mixture, or the training set's ideal denoiser
  std::shared_ptr<const EmpiricalModel> trainingSet;  // for the memorisation readout
  TrainingSettings settings;
  View2D camera;
  uint32_t width = 1280, height = 800;  // the view's pixels
  std::vector<glm::dvec2> reference;    // fresh data draws for the energy distance
  long step = 0;
  bool idealMemorisation = false;  // also sample the training set's ideal denoiser (slow)
};

struct NeuronTiles {
  static constexpr int kSide = 24, kMaxUnits = 16;
  std::vector<std::vector<float>> units;  // kSide x kSide values (row 0 at the top) a unit
  float lo = 0.0f, hi = 0.0f;
};

struct Evaluation {
  long step = 0;
  std::vector<glm::vec2> samples;
  std::vector<glm::vec2> oneStep;  // flow: one flow-euler step from the same noise
  double energyDistance = 0.0, oneStepEnergyDistance = 0.0;
  // Fractions of samples that copy a training point (EmpiricalModel::copiedFraction): the
  // network's, and the training set's ideal denoiser's (which always copies).
  double memorised = 0.0;
  std::optional<double> idealMemorised;
  double straightness = 1.0;                          // of the learned paths (Metrics.h)
  std::vector<glm::vec4> learnedArrows, exactArrows;  // (x, y, vx, vy)
  // |learned - exact| at kCellPixels spacing over the view, coloured to its 95th percentile near
  // the data (its bounding box, 10% wider), where the means are taken too.
  ScalarGrid difference;
  uint32_t viewHeight = 0;
  uint64_t serial = 0;  // set by the lab, one per evaluation taken: what uploads key on  // the
                        // view's pixels the grids were made for (EvaluationRequest)
  double meanDifference = 0.0, meanExact = 0.0;
  NeuronTiles neurons;
  double ms = 0.0;
  static constexpr uint32_t kCellPixels = 16, kArrowPixels = 40;
};

// The process point of the level: flow (s, tau) = (1 - t, t); otherwise (1, sigma).
glm::dvec2 levelPoint(const TrainingSettings& s);
// The sampling configuration of the lab's sampler on its customary schedule.
struct SamplingConfig;
SamplingConfig samplingOf(const TrainingSettings& s, int particles, uint64_t seed);

Evaluation evaluateSnapshot(const EvaluationRequest& r);

}  // namespace flowscope
