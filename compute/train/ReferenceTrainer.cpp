#include "ReferenceTrainer.h"

#include <algorithm>

#include "InputError.h"
#include "Loss.h"

namespace flowscope {
namespace {

const TrainingSpec& checked(const TrainingSpec& s, size_t points) {
  if (s.network.inputs != 2 || s.network.outputs != 2)
    throw InputError("network: 2 inputs and 2 outputs for 2-D data");
  if (s.batch < 1 || s.batch > 65536) throw InputError("batch: 1 .. 65536");
  if (points == 0) throw InputError("training set: no points");
  return s;
}

}  // namespace

ReferenceTrainer::ReferenceTrainer(const TrainingSpec& spec, std::vector<glm::dvec2> trainingSet)
    : spec_(checked(spec, trainingSet.size())),
      data_(std::move(trainingSet)),
      objective_(spec.objective),
      mlp_(spec.network),
      params_(initialParameters(spec.network)),
      grad_(params_.size()),
      adam_(params_.size(), spec.adam),
      ema_(spec.emaDecay),
      rng_(spec.seed, 13u) {}

double ReferenceTrainer::step() {
  std::vector<glm::dvec2> x0(size_t(spec_.batch));
  for (glm::dvec2& x : x0)
    x = data_[std::min(data_.size() - 1, size_t(rng_.uniform() * double(data_.size())))];
  const RegressionBatch b = objective_.batch(x0, rng_);
  const std::vector<double> y = mlp_.forward(params_, b.input, b.level);
  std::vector<double> dy(y.size());
  const double loss = weightedSquaredError(y, b.target, b.weight, 2, dy);
  std::fill(grad_.begin(), grad_.end(), 0.0);
  mlp_.backward(params_, dy, grad_);
  adam_.step(params_, grad_);
  ema_.update(params_);
  return loss;
}

glm::dvec2 ReferenceTrainer::evaluate(const std::vector<double>& weights, glm::dvec2 x,
                                      double level) const {
  ReferenceMlp copy(spec_.network);
  const std::vector<double> in{x.x, x.y}, c{level};
  const std::vector<double> y = copy.forward(weights, in, c);
  return {y[0], y[1]};
}

}  // namespace flowscope
