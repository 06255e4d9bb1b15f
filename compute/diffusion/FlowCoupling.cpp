#include "FlowCoupling.h"

#include "DiffusionSimulation.h"
#include "InputError.h"
#include "Limits.h"

namespace flowscope {

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
