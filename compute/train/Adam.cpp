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

Adam::Adam(size_t parameters, const AdamOptions& options)
    : o_((validate(options), options)), m_(parameters, 0.0), v_(parameters, 0.0) {}

double Adam::step(std::span<double> params, std::span<double> grad) {
  if (params.size() != m_.size() || grad.size() != m_.size())
    throw InputError("adam: expected " + std::to_string(m_.size()) + " parameters");
  double norm = 0.0;
  for (double g : grad) norm += g * g;
  norm = std::sqrt(norm);
  if (o_.clipNorm > 0.0 && norm > o_.clipNorm)
    for (double& g : grad) g *= o_.clipNorm / (norm + 1e-6);
  const double lr = learningRateAt(o_, steps_);
  ++steps_;
  const double c1 = 1.0 - std::pow(o_.beta1, double(steps_));
  const double c2 = 1.0 - std::pow(o_.beta2, double(steps_));
  for (size_t k = 0; k < params.size(); ++k) {
    double g = grad[k];
    if (o_.decoupled)
      params[k] *= 1.0 - lr * o_.weightDecay;
    else
      g += o_.weightDecay * params[k];
    m_[k] = o_.beta1 * m_[k] + (1.0 - o_.beta1) * g;
    v_[k] = o_.beta2 * v_[k] + (1.0 - o_.beta2) * g * g;
    params[k] -= lr * (m_[k] / c1) / (std::sqrt(v_[k] / c2) + o_.epsilon);
  }
  return norm;
}

WeightAverage::WeightAverage(double decay) : decay_(decay) {
  if (!(decay >= 0.0 && decay < 1.0)) throw InputError("EMA decay: in [0, 1)");
}

void WeightAverage::update(std::span<const double> params) {
  if (ema_.empty()) {
    ema_.assign(params.begin(), params.end());
    return;
  }
  for (size_t k = 0; k < ema_.size(); ++k) ema_[k] = decay_ * ema_[k] + (1.0 - decay_) * params[k];
}

}  // namespace flowscope
