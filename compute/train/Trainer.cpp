#include "Trainer.h"

#include <algorithm>

#include "InputError.h"
#include "Limits.h"
#include "Loss.h"

namespace flowscope {
namespace {

const TrainingSpec& checked(const TrainingSpec& s, size_t points) {
  validate(s);
  if (points == 0) throw InputError("training set: no points");
  return s;
}

template <class T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

}  // namespace

void validate(const TrainingSpec& s) {
  if (s.network.inputs != 2 || s.network.outputs != 2)
    throw InputError("network: 2 inputs and 2 outputs for 2-D data");
  validate(s.network);
  validate(s.objective);
  validate(s.adam);
  if (!(s.emaDecay >= 0.0 && s.emaDecay < 1.0)) throw InputError("EMA decay: in [0, 1)");
  requireInRange("batch", s.batch, 1, 65536);
}

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
std::vector<double> Trainer<Mlp, T>::evaluate(const std::vector<T>& weights,
                                              std::span<const double> x,
                                              std::span<const double> level) const {
  Mlp copy(spec_.network);
  const std::vector<T> y =
      copy.forward(weights, as<T>({x.begin(), x.end()}), as<T>({level.begin(), level.end()}));
  return {y.begin(), y.end()};
}

template class Trainer<ReferenceMlp, double>;
template class Trainer<FastCpuMlp, float>;

}  // namespace flowscope
