#pragma once
// Training with the double-precision reference: a training set of N points, minibatches drawn
// uniformly with replacement, one objective, Adam(W) and the weight average. The tests' oracle
// for whole training steps, and the slow but exact way to train a small model.
#include <glm/glm.hpp>

#include <vector>

#include "Adam.h"
#include "Objective.h"
#include "ReferenceMlp.h"

namespace flowscope {

struct TrainingSpec {
  MlpSpec network;
  ObjectiveSpec objective;
  AdamOptions adam;
  double emaDecay = 0.999;
  int batch = 256;  // 1 .. 65536
  uint64_t seed = 1;
};

class ReferenceTrainer {
 public:
  // InputError naming the field; the data must be 2-D points (network inputs and outputs 2).
  ReferenceTrainer(const TrainingSpec& spec, std::vector<glm::dvec2> trainingSet);
  double step();  // one optimiser step; returns the minibatch's loss
  long steps() const { return adam_.steps(); }
  const std::vector<double>& parameters() const { return params_; }
  const std::vector<double>& averaged() const { return ema_.weights(); }
  // The raw network output at (x, level) with the given weights (a copy of the network runs it).
  glm::dvec2 evaluate(const std::vector<double>& weights, glm::dvec2 x, double level) const;

 private:
  TrainingSpec spec_;
  std::vector<glm::dvec2> data_;
  Objective objective_;
  ReferenceMlp mlp_;
  std::vector<double> params_, grad_;
  Adam adam_;
  WeightAverage ema_;
  Pcg32 rng_;
};

}  // namespace flowscope
