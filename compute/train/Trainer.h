#pragma once
// Training on 2-D points with one backend: a training set of N points, minibatches drawn
// uniformly with replacement, one objective (Objective.h), Adam(W) and the weight average. The
// objective's batch is made in double and handed to the backend in its precision T.
//   ReferenceTrainer: the double-precision oracle of the tests;
//   FastCpuTrainer: float32 with Eigen, for CPU-only devices (lavapipe) and the CLI there.
#include <glm/glm.hpp>

#include <vector>

#include "Adam.h"
#include "FastCpuMlp.h"
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

// InputError naming the first bad field of the network, objective, optimiser, "EMA decay" or
// "batch"; the data must be 2-D points (network inputs and outputs 2).
void validate(const TrainingSpec& spec);

template <class Mlp, class T>
class Trainer {
 public:
  // validate(spec), and a training set of at least one point (InputError).
  Trainer(const TrainingSpec& spec, std::vector<glm::dvec2> trainingSet);
  double step();  // one optimiser step; returns the minibatch's loss
  long steps() const { return adam_.steps(); }
  const std::vector<T>& parameters() const { return params_; }
  const std::vector<T>& averaged() const { return ema_.weights(); }
  // The raw network outputs (batch x 2) at points x (batch x 2) and their levels, with the given
  // weights (a copy of the network runs them, the trainer's own keeps its last batch).
  std::vector<double> evaluate(const std::vector<T>& weights, std::span<const double> x,
                               std::span<const double> level) const;

 private:
  TrainingSpec spec_;
  std::vector<glm::dvec2> data_;
  Objective objective_;
  Mlp mlp_;
  std::vector<T> params_, grad_;
  AdamT<T> adam_;
  WeightAverageT<T> ema_;
  Pcg32 rng_;
};

using ReferenceTrainer = Trainer<ReferenceMlp, double>;
using FastCpuTrainer = Trainer<FastCpuMlp, float>;
extern template class Trainer<ReferenceMlp, double>;
extern template class Trainer<FastCpuMlp, float>;

}  // namespace flowscope
