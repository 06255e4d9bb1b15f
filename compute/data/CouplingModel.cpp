#include "CouplingModel.h"

#include <cmath>
#include <numbers>

#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"

namespace flowscope {

namespace {
const NamedValue<FlowCoupling> kCouplings[] = {{FlowCoupling::None, "none"},
                                               {FlowCoupling::Independent, "independent"},
                                               {FlowCoupling::Exact, "exact"},
                                               {FlowCoupling::Sinkhorn, "sinkhorn"}};
}  // namespace

std::string flowCouplingName(FlowCoupling c) {
  return nameIn(kCouplings, c);
}

FlowCoupling parseFlowCoupling(const std::string& name) {
  return parseIn(kCouplings, name, "coupling");
}

CouplingModel::CouplingModel(FlowCoupling kind, std::vector<glm::dvec2> noise,
                             std::vector<glm::dvec2> data, double bandwidth)
    : kind_(kind), noise_(std::move(noise)), data_(std::move(data)), bandwidth_(bandwidth) {
  if (noise_.empty() || noise_.size() != data_.size())
    throw InputError("coupling: noise and data need the same, non-zero number of points");
  requireInRange("coupling bandwidth", bandwidth_, kMinBandwidth, kMaxBandwidth);
}

CouplingModel::Sums CouplingModel::sums(glm::dvec2 x, double s, double tau) const {
  const double inv = 1.0 / (2.0 * bandwidth_ * bandwidth_);
  Sums r{-INFINITY, 0.0, glm::dvec2(0.0), glm::dvec2(0.0)};
  for (size_t k = 0; k < noise_.size(); ++k) {
    const glm::dvec2 mu = s * data_[k] + tau * noise_[k], d = x - mu;
    const glm::dvec2 v = noise_[k] - data_[k];
    const double l = -glm::dot(d, d) * inv;
    double w = 1.0;
    if (l > r.m) {  // online softmax: rescale what was summed to the new maximum
      const double rescale = std::exp(r.m - l);
      r.total *= rescale;
      r.velocity *= rescale;
      r.mean *= rescale;
      r.m = l;
    } else {
      w = std::exp(l - r.m);
    }
    r.total += w;
    r.velocity += w * v;
    r.mean += w * mu;
  }
  return r;
}

glm::dvec2 CouplingModel::velocity(glm::dvec2 x, double s, double tau) const {
  const Sums r = sums(x, s, tau);
  return r.velocity / r.total;
}

ExactModel::Evaluation CouplingModel::evaluate(glm::dvec2 x, double s, double tau) const {
  const Sums r = sums(x, s, tau);
  const glm::dvec2 v = r.velocity / r.total, mean = r.mean / r.total;
  const double bw2 = bandwidth_ * bandwidth_;
  const double logp = r.m + std::log(r.total) - std::log(double(noise_.size())) -
                      std::log(2.0 * std::numbers::pi * bw2);
  return {logp, (x - tau * v) / (s + tau), (mean - x) / bw2};
}

}  // namespace flowscope
