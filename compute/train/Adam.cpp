#include "Adam.h"

#include <cmath>
#include <string>

#include "InputError.h"

namespace flowscope {

void validate(const AdamOptions& o) {
  if (!(o.learningRate > 0.0 && o.learningRate <= 10.0))
    throw InputError("learning rate: above 0 and at most 10");
  if (!(o.beta1 >= 0.0 && o.beta1 < 1.0)) throw InputError("beta1: in [0, 1)");
  if (!(o.beta2 >= 0.0 && o.beta2 < 1.0)) throw InputError("beta2: in [0, 1)");
  if (!(o.epsilon > 0.0 && o.epsilon < 1.0)) throw InputError("epsilon: in (0, 1)");
  if (!(o.weightDecay >= 0.0 && o.weightDecay < 1.0)) throw InputError("weight decay: in [0, 1)");
  if (!(o.clipNorm >= 0.0 && std::isfinite(o.clipNorm)))
    throw InputError("clip norm: 0 (off) or a positive number");
  if (o.warmupSteps < 0) throw InputError("warm-up steps: at least 0");
  if (o.totalSteps < 0) throw InputError("total steps: at least 0");
  if (!(o.minRate >= 0.0 && o.minRate <= o.learningRate))
    throw InputError("minimum rate: between 0 and the learning rate");
}

double learningRateAt(const AdamOptions& o, long step) {
  if (step < o.warmupSteps) return o.learningRate * double(step + 1) / double(o.warmupSteps);
  if (o.totalSteps <= o.warmupSteps) return o.learningRate;
  const double u =
      std::min(1.0, double(step - o.warmupSteps) / double(o.totalSteps - o.warmupSteps));
  return o.minRate + 0.5 * (o.learningRate - o.minRate) * (1.0 + std::cos(M_PI * u));
}

template <class T>
AdamT<T>::AdamT(size_t parameters, const AdamOptions& options)
    : o_((validate(options), options)), m_(parameters, T(0)), v_(parameters, T(0)) {}

template <class T>
double AdamT<T>::step(std::span<T> params, std::span<T> grad) {
  if (params.size() != m_.size() || grad.size() != m_.size())
    throw InputError("adam: expected " + std::to_string(m_.size()) + " parameters");
  double norm = 0.0;
  for (T g : grad) norm += double(g) * double(g);
  norm = std::sqrt(norm);
  if (o_.clipNorm > 0.0 && norm > o_.clipNorm)
    for (T& g : grad) g *= T(o_.clipNorm / (norm + 1e-6));
  const T lr = T(learningRateAt(o_, steps_));
  ++steps_;
  const T c1 = T(1.0 - std::pow(o_.beta1, double(steps_)));
  const T c2 = T(1.0 - std::pow(o_.beta2, double(steps_)));
  const T b1 = T(o_.beta1), b2 = T(o_.beta2), wd = T(o_.weightDecay), eps = T(o_.epsilon);
  for (size_t k = 0; k < params.size(); ++k) {
    T g = grad[k];
    if (o_.decoupled)
      params[k] *= T(1) - lr * wd;
    else
      g += wd * params[k];
    m_[k] = b1 * m_[k] + (T(1) - b1) * g;
    v_[k] = b2 * v_[k] + (T(1) - b2) * g * g;
    params[k] -= lr * (m_[k] / c1) / (std::sqrt(v_[k] / c2) + eps);
  }
  return norm;
}

template class AdamT<double>;
template class AdamT<float>;

template <class T>
WeightAverageT<T>::WeightAverageT(double decay) : decay_(decay) {
  if (!(decay >= 0.0 && decay < 1.0)) throw InputError("EMA decay: in [0, 1)");
}

template <class T>
void WeightAverageT<T>::update(std::span<const T> params) {
  if (ema_.empty()) {
    ema_.assign(params.begin(), params.end());
    return;
  }
  const T d = T(decay_);
  for (size_t k = 0; k < ema_.size(); ++k) ema_[k] = d * ema_[k] + (T(1) - d) * params[k];
}

template class WeightAverageT<double>;
template class WeightAverageT<float>;

}  // namespace flowscope
