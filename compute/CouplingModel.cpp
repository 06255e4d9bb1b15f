#include "CouplingModel.h"

#include <cmath>
#include <numbers>

#include "Dataset.h"
#include "DiffusionSimulation.h"
#include "EnumNames.h"
#include "InputError.h"
#include "Limits.h"
#include "TransportLab.h"

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

FlowCoupling flowCouplingOf(CouplingKind k) {
  return k == CouplingKind::Independent ? FlowCoupling::Independent
         : k == CouplingKind::Exact     ? FlowCoupling::Exact
                                        : FlowCoupling::Sinkhorn;
}

CouplingKind couplingKindOf(FlowCoupling c) {
  return c == FlowCoupling::Independent ? CouplingKind::Independent
         : c == FlowCoupling::Exact     ? CouplingKind::Exact
                                        : CouplingKind::Sinkhorn;
}

void validate(const FlowCouplingParams& p) {
  if (p.pairs < FlowCouplingParams::kMinPairs || p.pairs > FlowCouplingParams::kMaxPairs)
    throw InputError(
        "coupling pairs: must be in [" + std::to_string(FlowCouplingParams::kMinPairs) + ", " +
        std::to_string(FlowCouplingParams::kMaxPairs) + "] (got " + std::to_string(p.pairs) + ")");
  requireInRange("coupling epsilon", p.epsilon, FlowCouplingParams::kMinEpsilon,
                 FlowCouplingParams::kMaxEpsilon);
  requireInRange("coupling bandwidth", p.bandwidth, FlowCouplingParams::kMinBandwidth,
                 FlowCouplingParams::kMaxBandwidth);
}

CouplingModel::CouplingModel(FlowCoupling kind, std::vector<glm::dvec2> noise,
                             std::vector<glm::dvec2> data, double bandwidth)
    : kind_(kind), noise_(std::move(noise)), data_(std::move(data)), bandwidth_(bandwidth) {
  if (noise_.empty() || noise_.size() != data_.size())
    throw InputError("coupling: noise and data need the same, non-zero number of points");
  requireInRange("coupling bandwidth", bandwidth_, FlowCouplingParams::kMinBandwidth,
                 FlowCouplingParams::kMaxBandwidth);
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

std::shared_ptr<const Dataset> withFlowCoupling(std::shared_ptr<const Dataset> data,
                                                const FlowCouplingParams& p, uint64_t seed) {
  if (p.kind == FlowCoupling::None) return data;
  validate(p);
  const size_t k = size_t(p.pairs);
  std::vector<glm::dvec2> noise(k);
  const auto start = DiffusionSimulation::initialNoise(int(k), seed, 1.0);
  for (size_t i = 0; i < k; ++i) noise[i] = glm::dvec2(start[i].x, start[i].y);
  // Data samples with their own stream (the seed's noise stream is the start points').
  const std::vector<glm::dvec2> samples = data->sample(k, seed * 0x9E3779B97F4A7C15ull + 5u);
  const Coupling c = makeCoupling(noise, samples, couplingKindOf(p.kind), p.epsilon, seed + 3);
  std::vector<glm::dvec2> partners(k);
  for (size_t i = 0; i < k; ++i) partners[i] = samples[c.partner[i]];
  auto out = std::make_shared<Dataset>(*data);
  out->coupling.emplace(p.kind, std::move(noise), std::move(partners), p.bandwidth);
  out->coupling->crossings = c.crossings;
  out->coupling->meanSquaredLength = c.meanSquaredLength;
  out->coupling->timeMs = c.timeMs;
  return out;
}

}  // namespace flowscope
