#include "Trainer.h"

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

template <class T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace

template <class Mlp, class T>
Trainer<Mlp, T>::Trainer(const TrainingSpec& spec, std::vector<glm::dvec2> trainingSet)
    : spec_(checked(spec, trainingSet.size())),
      data_(std::move(trainingSet)),
      objective_(spec.objective),
      mlp_(spec.network),
      params_(as<T>(initialParameters(spec.network))),
      grad_(params_.size()),
      adam_(params_.size(), spec.adam),
      ema_(spec.emaDecay),
      rng_(spec.seed, 13u) {}

template <class Mlp, class T>
double Trainer<Mlp, T>::step() {
  std::vector<glm::dvec2> x0(size_t(spec_.batch));
  for (glm::dvec2& x : x0)
    x = data_[std::min(data_.size() - 1, size_t(rng_.uniform() * double(data_.size())))];
  const RegressionBatch b = objective_.batch(x0, rng_);
  const std::vector<T> target = as<T>(b.target), weight = as<T>(b.weight);
  const std::vector<T> y = mlp_.forward(params_, as<T>(b.input), as<T>(b.level));
  std::vector<T> dy(y.size());
  const double loss = weightedSquaredError(std::span<const T>(y), std::span<const T>(target),
                                           std::span<const T>(weight), 2, std::span<T>(dy));
  std::fill(grad_.begin(), grad_.end(), T(0));
  mlp_.backward(params_, dy, grad_);
  adam_.step(params_, grad_);
  ema_.update(params_);
  return loss;
}

template <class Mlp, class T>
glm::dvec2 Trainer<Mlp, T>::evaluate(const std::vector<T>& weights, glm::dvec2 x,
                                     double level) const {
  Mlp copy(spec_.network);
  const std::vector<T> in{T(x.x), T(x.y)}, c{T(level)};
  const std::vector<T> y = copy.forward(weights, in, c);
  return {double(y[0]), double(y[1])};
}

template class Trainer<ReferenceMlp, double>;
template class Trainer<FastCpuMlp, float>;

}  // namespace flowscope
